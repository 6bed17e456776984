/**
 * Keras parity of ResNet50V2 (issue 13): Keras `ResNet50V2(include_top=False,
 * pooling='avg', weights=None)` with seeded random weights (BN moving
 * statistics included) is written in the TF.js layers format, loaded through
 * the app's own path (picked files → handlerFromPickedFiles, and a URL →
 * tf.io.http, both into loadExtractor), run on the WASM backend, and compared
 * with Keras's own embeddings of real H&M photos (`load_img(target_size=(224,
 * 224))` + `resnet_v2.preprocess_input` + `predict`).
 *
 * Tolerances (measured, then given headroom; float32 on both sides, only the
 * order of the sums differs: oneDNN in TensorFlow, XNNPACK in TF.js WASM):
 * - on PIL's decoded pixels: max |ours − Keras| ≤ 1e-4 × max |Keras| and
 *   ≤ 1e-3 × the largest photo-dependent value (embedding minus the mean over
 *   the photos); cosine ≥ 0.99999, also of the photo-dependent parts;
 * - end to end from the JPEG files with jpeg-js (another decoder than PIL's
 *   libjpeg; pixel differences are measured and printed): cosine ≥ 0.999, and
 *   ≥ 0.99 for the photo-dependent parts.
 *
 * The peer (tensorflow-cpu + Pillow from PyPI) is installed by test/keras/peer.ts
 * into .data/keras-venv on the first run; the test is skipped, with the
 * reason, only when that install fails or the photos are absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backbone } from '../../lib/embed/backbones';
import { loadExtractor, type Extractor } from '../../lib/embed/extractor';
import { preprocessImage, type RgbImage } from '../../lib/embed/preprocess';
import { handlerFromPickedFiles } from '../../lib/embed/sources';
import { artifactsFromFiles, type ConverterModelJson } from '../../lib/embed/weights';
import { vendorModels } from '../../scripts/vendor-models.mjs';
import { hubGraphWithKerasWeights } from '../keras/hub-graph';
import { centreDim, compareRows, HM_DIR, ROOT, kerasPeer, kerasReference, parityPhotos, pickedFiles, type KerasReference, type Peer } from '../keras/peer';

const SEED = 42;
const hasHm = existsSync(path.join(HM_DIR, 'images_manifest.csv'));
const peer: Peer = hasHm ? kerasPeer() : { skip: `no H&M photos under ${HM_DIR} (set DATA_DIR)` };
const skip = 'skip' in peer ? peer.skip : null;
if ('skip' in peer) console.warn(`keras-parity skipped: ${peer.skip}`);
else console.log(`keras-parity: peer ready in ${peer.installSeconds.toFixed(0)} s (${peer.python})`);

const spec = backbone('resnet50v2');
const DIM = spec.dim;
/** `rows` minus the per-column mean of `basis` over its rows (photos). */
function centre(rows: Float32Array, basis: Float32Array): Float32Array {
  return centreDim(rows, basis, DIM);
}
const rgb = (pixels: Uint8Array, w: number, h: number): RgbImage => ({ width: w, height: h, channels: 3, data: pixels });

describe.skipIf(skip !== null)(skip ? `Keras parity (skipped: ${skip})` : 'ResNet50V2 gives Keras’s embeddings (tensorflow-cpu, same random weights, real H&M photos, WASM)', () => {
  let ref: KerasReference;
  let ex: Extractor;
  let ours: Float32Array;

  beforeAll(async () => {
    await tf.setBackend('wasm');
    ref = kerasReference((peer as { python: string }).python, 'resnet50v2', SEED, parityPhotos());
    console.log(
      `keras-parity: TensorFlow ${ref.meta.tensorflow}, Keras ${ref.meta.keras}, Pillow ${ref.meta.pillow}; files by ${ref.meta.converter}; ` +
        `${ref.meta.weights} weights, ${ref.meta.params} values; peer ${ref.seconds ? `${ref.seconds.toFixed(0)} s` : 'cached'}`,
    );
    // "Pick ResNet50V2 files": every file of the converter's folder, as the worker receives them.
    ex = await loadExtractor(tf, spec, handlerFromPickedFiles(tf, pickedFiles(ref.modelDir)));
  });
  afterAll(() => ex?.dispose());

  it('turns PIL’s decoded pixels into exactly Keras’s network input (load_img nearest resize + preprocess_input)', () => {
    const S = spec.inputSize * spec.inputSize * 3;
    ref.meta.photos.forEach((p, i) => {
      const mine = preprocessImage(rgb(ref.pixels[i], p.width, p.height), spec.inputSize, spec.scale, 'resize');
      const theirs = ref.inputs.subarray(i * S, (i + 1) * S);
      let diff = 0;
      for (let j = 0; j < S; j++) if (mine[j] !== theirs[j]) diff++;
      expect(diff, `${p.file}: values that differ from Keras's input`).toBe(0);
    });
  });

  it('embeds the photos as Keras does, loaded from the picked files', async () => {
    expect(ex.randomWeights).toBe(false);
    const t0 = performance.now();
    ours = await ex.embed(ref.meta.photos.map((p, i) => rgb(ref.pixels[i], p.width, p.height)));
    const seconds = (performance.now() - t0) / 1000;
    const c = compareRows(ours, ref.embeddings, DIM);
    console.log(
      `keras-parity (PIL pixels, wasm, ${ref.meta.photos.length} photos in ${seconds.toFixed(1)} s): max|ours-keras| ${c.maxAbs.toExponential(2)} ` +
        `(max|keras| ${c.refMaxAbs.toFixed(3)}, relative ${(c.maxAbs / c.refMaxAbs).toExponential(2)}); cosines ${c.cosines.map((x) => x.toFixed(8)).join(' ')}`,
    );
    expect(c.maxAbs).toBeLessThanOrEqual(1e-4 * c.refMaxAbs);
    for (const cos of c.cosines) expect(cos).toBeGreaterThanOrEqual(0.99999);
    // Teeth: the part of each embedding that depends on the photo (minus the mean over the
    // photos) must match too, and the error must be tiny next to it.
    const centred = compareRows(centre(ours, ref.embeddings), centre(ref.embeddings, ref.embeddings), DIM);
    console.log(`keras-parity: photo-dependent part max ${centred.refMaxAbs.toFixed(3)}; its cosines ${centred.cosines.map((x) => x.toFixed(8)).join(' ')}`);
    expect(c.maxAbs).toBeLessThanOrEqual(1e-3 * centred.refMaxAbs);
    for (const cos of centred.cosines) expect(cos).toBeGreaterThanOrEqual(0.99999);
  });

  it('loads the same files from a model.json URL (tf.io.http) to the same embeddings', async () => {
    const server = http.createServer(async (req, res) => {
      const file = path.join(ref.modelDir, path.basename(new URL(req.url ?? '/', 'http://x').pathname));
      try {
        res.end(await readFile(file));
      } catch {
        res.statusCode = 404;
        res.end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.json`;
    const byUrl = await loadExtractor(tf, spec, tf.io.http(url));
    try {
      const p = ref.meta.photos[0];
      const e = await byUrl.embed([rgb(ref.pixels[0], p.width, p.height)]);
      const c = compareRows(e, ref.embeddings.subarray(0, DIM), DIM);
      expect(c.maxAbs).toBeLessThanOrEqual(1e-4 * c.refMaxAbs);
      expect(c.cosines[0]).toBeGreaterThanOrEqual(0.99999);
    } finally {
      byUrl.dispose();
      server.close();
    }
  });

  it('end to end from the JPEG files (jpeg-js decoder): states how its pixels differ from PIL’s, and stays within its tolerance', async () => {
    const files = parityPhotos();
    const decoded = ref.meta.photos.map((_, i) => {
      const file = files[i];
      const img = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: false });
      return { width: img.width, height: img.height, channels: 3 as const, data: img.data };
    });
    let maxPx = 0;
    let sumPx = 0;
    let differing = 0;
    let total = 0;
    decoded.forEach((d, i) => {
      expect([d.width, d.height]).toEqual([ref.meta.photos[i].width, ref.meta.photos[i].height]);
      const pil = ref.pixels[i];
      for (let j = 0; j < pil.length; j++) {
        const a = Math.abs(d.data[j] - pil[j]);
        maxPx = Math.max(maxPx, a);
        sumPx += a;
        if (a) differing++;
      }
      total += pil.length;
    });
    const e = await ex.embed(decoded);
    const c = compareRows(e, ref.embeddings, DIM);
    console.log(
      `keras-parity (jpeg-js vs PIL pixels): max |Δ| ${maxPx}, mean |Δ| ${(sumPx / total).toFixed(3)}, ${((100 * differing) / total).toFixed(1)}% of bytes differ; ` +
        `embeddings: max|ours-keras| ${c.maxAbs.toExponential(2)} (relative ${(c.maxAbs / c.refMaxAbs).toExponential(2)}), cosines ${c.cosines.map((x) => x.toFixed(6)).join(' ')}`,
    );
    for (const cos of c.cosines) expect(cos).toBeGreaterThanOrEqual(0.999);
    const centred = compareRows(centre(e, ref.embeddings), centre(ref.embeddings, ref.embeddings), DIM);
    console.log(`keras-parity (jpeg-js): photo-dependent part's cosines ${centred.cosines.map((x) => x.toFixed(6)).join(' ')}`);
    for (const cos of centred.cosines) expect(cos).toBeGreaterThanOrEqual(0.99);
  });
});

/**
 * The default backbone: Keras `MobileNetV2(alpha=1.4, include_top=False, pooling='avg', weights=None)`
 * with seeded random weights, folded into the app's own TF-Hub graph (test/keras/hub-graph.ts), run
 * through the default's extractor (graph model, its feature node, `unit` scaling that the graph maps
 * to [-1, 1]) and compared with Keras (`mobilenet_v2.preprocess_input`). Tolerance: max |ours − Keras|
 * ≤ 1e-3 × max |Keras| and ≤ 1e-2 × the photo-dependent part; cosine ≥ 0.9999 (BN folded in float64 and
 * rounded once, where Keras applies it after the conv in float32).
 */
describe.skipIf(skip !== null)(skip ? `Keras parity, MobileNetV2 1.4 (skipped: ${skip})` : 'The default MobileNetV2 1.4 graph with Keras’s weights gives Keras’s embeddings (WASM)', () => {
  it('embeds the photos as Keras’s MobileNetV2(alpha=1.4) does', async () => {
    await tf.setBackend('wasm');
    const ref = kerasReference((peer as { python: string }).python, 'mobilenetv2-140', SEED, parityPhotos());
    vendorModels();
    const hubFiles = pickedFiles(path.join(ROOT, 'public/vendor/models/mobilenet-v2-140-hub'));
    const hubJson = JSON.parse(new TextDecoder().decode(hubFiles.find((f) => f.name === 'model.json')!.data)) as ConverterModelJson;
    const hub = artifactsFromFiles(hubJson, new Map(hubFiles.map((f) => [f.name, f.data])));
    const kerasFiles = pickedFiles(ref.modelDir);
    const kerasJson = JSON.parse(new TextDecoder().decode(kerasFiles.find((f) => f.name === 'model.json')!.data)) as ConverterModelJson;
    const keras = artifactsFromFiles(kerasJson, new Map(kerasFiles.map((f) => [f.name, f.data])));
    const folded = hubGraphWithKerasWeights(hubJson, hub.weightData as ArrayBuffer, kerasJson, keras.weightData as ArrayBuffer);
    // 52 convolutions, each a kernel and an offset; the rest is the hub's input scaling and nsfwjs's head.
    expect(folded.replaced).toBe(104);
    const mspec = backbone('mobilenet-v2-140-hub');
    const mex = await loadExtractor(tf, mspec, tf.io.fromMemory(folded.artifacts));
    try {
      const ours = await mex.embed(ref.meta.photos.map((p, i) => rgb(ref.pixels[i], p.width, p.height)));
      const d = mspec.dim;
      const c = compareRows(ours, ref.embeddings, d);
      const centred = compareRows(centreDim(ours, ref.embeddings, d), centreDim(ref.embeddings, ref.embeddings, d), d);
      console.log(
        `keras-parity MobileNetV2 1.4 (PIL pixels, wasm): max|ours-keras| ${c.maxAbs.toExponential(2)} (max|keras| ${c.refMaxAbs.toFixed(3)}, relative ${(c.maxAbs / c.refMaxAbs).toExponential(2)}), ` +
          `cosines ${c.cosines.map((x) => x.toFixed(8)).join(' ')}; photo-dependent part max ${centred.refMaxAbs.toFixed(3)}, cosines ${centred.cosines.map((x) => x.toFixed(6)).join(' ')}; kept from the hub file: ${folded.kept.length}`,
      );
      expect(c.maxAbs).toBeLessThanOrEqual(1e-3 * c.refMaxAbs);
      expect(c.maxAbs).toBeLessThanOrEqual(1e-2 * centred.refMaxAbs);
      for (const x of c.cosines) expect(x).toBeGreaterThanOrEqual(0.9999);
      for (const x of centred.cosines) expect(x).toBeGreaterThanOrEqual(0.999);
    } finally {
      mex.dispose();
    }
  });
});
