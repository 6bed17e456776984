/**
 * Precision@10 of image neighbours on the real H&M photos, per backbone
 * (Node, TF.js wasm backend). Prints one JSON object per backbone on stdout:
 * {backbone, n, dim, seconds, precision: {productType, colourGroup, graphicalAppearance}, random: {...}}.
 * Usage: node --import tsx bench/node/embed-quality.ts [--limit N] [backbone ...]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { backbone, type BackboneId } from '../../lib/embed/backbones';
import { loadExtractor } from '../../lib/embed/extractor';
import { blockedTopK } from '../../lib/embed/knn';
import { precisionAtK, QUALITY_ATTRIBUTES, randomPrecision } from '../../lib/embed/quality';
import { artifactsFromFiles, type ConverterModelJson } from '../../lib/embed/weights';
import { DATA_DIR, decodeJpeg, loadHmPhotos } from './hm';

const root = path.resolve(__dirname, '../..');

/** model.json + shards from disk, as a TF.js load handler. */
export function fileHandler(modelJson: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(modelJson, 'utf8')) as ConverterModelJson;
      const files = new Map<string, ArrayBuffer>();
      for (const g of json.weightsManifest)
        for (const p of g.paths) {
          const b = readFileSync(path.join(path.dirname(modelJson), p));
          files.set(p, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        }
      return artifactsFromFiles(json, files);
    },
  };
}

export function modelFile(id: BackboneId): string | null {
  const spec = backbone(id);
  if (id === 'tm-mobilenet-v2-035') return path.join(DATA_DIR, 'models/mobilenet_v2_0.35_224_teachablemachine/model.json');
  return spec.vendoredUrl ? path.join(root, 'public', spec.vendoredUrl) : null;
}

async function main() {
  const args = process.argv.slice(2);
  const li = args.indexOf('--limit');
  const limit = li >= 0 ? Number(args[li + 1]) : Infinity;
  const ids = args.filter((a, i) => !a.startsWith('--') && (li < 0 || i !== li + 1)) as BackboneId[];
  await tf.setBackend('wasm');
  const photos = await loadHmPhotos(limit);
  const n = photos.ids.length;
  const random = Object.fromEntries(QUALITY_ATTRIBUTES.map((a) => [a, randomPrecision(photos[a])]));
  for (const id of ids.length ? ids : (['histogram', 'tm-mobilenet-v2-035', 'mobilenet-v2-140-hub', 'nsfw-mobilenet-v2'] as BackboneId[])) {
    const spec = backbone(id);
    const file = modelFile(id);
    const ex = await loadExtractor(tf, spec, file ? fileHandler(file) : null);
    const t0 = performance.now();
    const emb = new Float32Array(n * spec.dim);
    const B = 16;
    for (let i = 0; i < n; i += B) {
      const imgs = photos.paths.slice(i, i + B).map(decodeJpeg);
      emb.set(await ex.embed(imgs), i * spec.dim);
      if (process.env.BENCH_VERBOSE) console.error(`${id}: ${Math.min(n, i + B)}/${n}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    ex.dispose();
    const knn = await blockedTopK(tf, { data: emb, n, d: spec.dim }, { k: 10 });
    const precision = Object.fromEntries(QUALITY_ATTRIBUTES.map((a) => [a, precisionAtK(knn, photos[a], 10)]));
    console.log(JSON.stringify({ backbone: id, n, dim: spec.dim, seconds, backend: tf.getBackend(), precision, random }));
  }
}

if (process.argv[1]?.endsWith("embed-quality.ts")) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
