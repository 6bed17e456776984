/**
 * Handlers of the Image embeddings cell: thin adapters over lib/embed. Photos
 * are fetched and decoded here (createImageBitmap + OffscreenCanvas), off the
 * main thread; the demo's SVG drawings are rasterised by lib/data/demo/raster
 * (plain JavaScript: the headless runner gets the same pixels); batches run on the worker's backend; progress is in images
 * (the runtime derives images/s and ETA); cancel stops between batches.
 */
import * as tf from '@tensorflow/tfjs';
import { rasteriseSvg, svgOfDataUrl } from '../../lib/data/demo/raster';
import { backbone as specOf, type BackboneId } from '../../lib/embed/backbones';
import { loadExtractor, type Extractor } from '../../lib/embed/extractor';
import { wasmSimdAvailable } from '../../lib/cf';
import { blockedTopK, wasmKnnBytes, wasmTopK } from '../../lib/embed/knn';
import type { RgbImage } from '../../lib/embed/preprocess';
import { handlerFromPickedFiles } from '../../lib/embed/sources';
import { CancelledError } from '../../lib/util/cancel';
import type { Handlers } from '../../lib/rpc/server';
import type { EmbedImagesResult, EmbedSource } from '../protocol/embed';
import type { MlMethods } from '../protocol/ml';
import { alsThreadCount, spawnWebCgThread } from './als-threads';
import { clearCached, getCached, putCached } from './embed-cache';

let loaded: { id: BackboneId; extractor: Extractor } | null = null;

function ioHandler(source: EmbedSource): tf.io.IOHandler | null {
  switch (source.kind) {
    case 'none':
      return null;
    case 'url':
      // Relative URLs (the vendored copies) resolve against the worker's origin.
      return tf.io.http(new URL(source.url, self.location.href).href);
    case 'files':
      return handlerFromPickedFiles(tf, source.files);
    default: {
      const never: never = source;
      throw new Error(`invalid source: ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Fetches and decodes one photo; 'missing' for no url or HTTP 404. An SVG data URL (the demo's drawings) is
 * rasterised in JavaScript, never by the browser, so Node gets the same bytes. (Exported for the Keras parity spec.)
 */
export async function readPhoto(url: string | null): Promise<RgbImage | 'missing'> {
  if (!url) return 'missing';
  const svg = svgOfDataUrl(url);
  if (svg !== null) return rasteriseSvg(svg);
  const res = await fetch(url);
  if (res.status === 404) return 'missing';
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  const blob = await res.blob();
  let bmp: ImageBitmap;
  try {
    bmp = await createImageBitmap(blob);
  } catch (e) {
    throw new Error(`not a decodable image (${blob.type || 'unknown type'}, ${blob.size} bytes): ${(e as Error).message}`);
  }
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('OffscreenCanvas 2d context unavailable');
  ctx.drawImage(bmp, 0, 0);
  bmp.close();
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return { width: canvas.width, height: canvas.height, channels: 4, data };
}

/** Reads one photo by URL: its pixels, or 'missing'; throws when it cannot be decoded. */
export type PhotoReader = (url: string | null) => Promise<RgbImage | 'missing'>;

type EmbedHandlers = Pick<Handlers<MlMethods>, 'embed.load' | 'embed.images' | 'embed.knn' | 'embed.clearCache'>;

/** The handlers with a photo reader: the worker's own (readPhoto), or the headless runner's (Node files). */
export function makeEmbedHandlers(readOne: PhotoReader = readPhoto): EmbedHandlers {
  return {
    'embed.load': async ({ backbone, source, allowRandomWeights, seed }) => {
      const t0 = performance.now();
      const spec = specOf(backbone);
      loaded?.extractor.dispose();
      loaded = null;
      const extractor = await loadExtractor(tf, spec, ioHandler(source), { allowRandomWeights, seed });
      loaded = { id: backbone, extractor };
      return { backbone, dim: spec.dim, inputSize: spec.inputSize, randomWeights: extractor.randomWeights, ms: performance.now() - t0 };
    },

    'embed.images': async ({ backbone, items, batchSize, fit, useCache = true }, ctx) => {
      if (!loaded || loaded.id !== backbone) throw new Error(`invalid backbone: ${backbone}; call embed.load for it first`);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 256) throw new Error(`invalid batchSize: ${batchSize}; expected 1..256`);
      const { extractor } = loaded;
      const dim = extractor.spec.dim;
      // The cache holds real embeddings only: random-weight runs neither read nor write it.
      const cacheOn = useCache && !extractor.randomWeights;
      const vectors: (Float32Array | undefined)[] = cacheOn ? await getCached(backbone, items.map((i) => i.key), dim) : items.map(() => undefined);
      const cached = vectors.filter(Boolean).length;
      const missing: number[] = [];
      const corrupt: EmbedImagesResult['corrupt'] = [];
      // Items with the same key (the same content) are embedded once and copied.
      const firstOf = new Map<string, number>();
      const copies: [number, number][] = [];
      const todo: number[] = [];
      items.forEach((it, i) => {
        if (vectors[i]) return;
        const f = firstOf.get(it.key);
        if (f === undefined) {
          firstOf.set(it.key, i);
          todo.push(i);
        } else copies.push([i, f]);
      });
      const distinct = cached + todo.length;
      let done = cached;
      let computeMs = 0;
      let waitMs = 0;
      let forwardMs = 0;
      let computed = 0;
      const label = `Embedding photos (${extractor.spec.id}${copies.length ? `, ${distinct} distinct` : ''})`;
      ctx.progress({ label, done, total: distinct, unit: 'images' });
      const read = (idx: number[]) =>
        Promise.all(
          idx.map(async (i) => {
            try {
              return await readOne(items[i].url);
            } catch (e) {
              return new Error((e as Error).message);
            }
          }),
        );
      // The next batch's photos are fetched and decoded while this one computes.
      let next = todo.length ? read(todo.slice(0, batchSize)) : null;
      for (let b = 0; b < todo.length; b += batchSize) {
        if (ctx.signal.aborted) throw new CancelledError('embedding cancelled');
        const idx = todo.slice(b, b + batchSize);
        const t0 = performance.now();
        const photos = await next!;
        const t1 = performance.now();
        waitMs += t1 - t0;
        next = b + batchSize < todo.length ? read(todo.slice(b + batchSize, b + 2 * batchSize)) : null;
        const ok: number[] = [];
        const imgs: RgbImage[] = [];
        photos.forEach((p, j) => {
          const i = idx[j];
          if (p === 'missing') missing.push(i);
          else if (p instanceof Error) corrupt.push({ index: i, key: items[i].key, reason: p.message });
          else {
            ok.push(i);
            imgs.push(p);
          }
        });
        if (imgs.length) {
          const emb = await extractor.embed(imgs, fit);
          forwardMs += performance.now() - t1;
          ok.forEach((i, j) => (vectors[i] = emb.slice(j * dim, (j + 1) * dim)));
          if (cacheOn) await putCached(backbone, ok.map((i) => items[i].key), emb, dim);
          computed += imgs.length;
        }
        computeMs += performance.now() - t0;
        done += idx.length;
        ctx.progress({ label, done, total: distinct, unit: 'images' });
      }
      if (computed) ctx.log(`embedded ${computed} photos in ${(computeMs / 1000).toFixed(1)} s: ${(forwardMs / 1000).toFixed(1)} s in the network (batches of ${batchSize}), ${(waitMs / 1000).toFixed(1)} s waiting for photos to decode`);
      const missingSet = new Set(missing);
      const corruptOf = new Map(corrupt.map((c) => [c.index, c.reason]));
      for (const [i, f] of copies) {
        if (vectors[f]) vectors[i] = vectors[f];
        else if (missingSet.has(f)) missing.push(i);
        else corrupt.push({ index: i, key: items[i].key, reason: corruptOf.get(f) ?? 'same file as an unreadable one' });
      }
      const rows = items.map((_, i) => i).filter((i) => vectors[i]);
      const embeddings = new Float32Array(rows.length * dim);
      rows.forEach((i, r) => embeddings.set(vectors[i]!, r * dim));
      return {
        backbone,
        dim,
        rows: Int32Array.from(rows),
        embeddings,
        missing: Int32Array.from(missing.sort((a, b) => a - b)),
        corrupt,
        cached,
        computeSeconds: computeMs / 1000,
        computed,
        shared: copies.length,
      };
    },

    'embed.knn': async ({ vectors, n, d, k, blockRows }, ctx) => {
      const t0 = performance.now();
      const onProgress = (done: number, total: number) => ctx.progress({ label: 'Exact top-k neighbours', done, total, unit: 'rows' });
      // On a GPU backend TF.js's matMul runs there; on the CPU the SIMD kernel (fused top-k, a pool of
      // threads sharing its memory) is faster than TF.js's WASM matMul, as long as the rows fit its 4 GiB memory.
      const gpu = ['webgpu', 'webgl'].includes(tf.getBackend());
      if (!gpu && wasmSimdAvailable() && wasmKnnBytes(n, d, k ?? 10, alsThreadCount()) < 2 ** 32 - 65536) {
        const r = await wasmTopK({ data: vectors, n, d }, { k, threads: alsThreadCount(), spawn: spawnWebCgThread, signal: ctx.signal, onProgress });
        ctx.log(`exact top-k: WebAssembly ${r.kernel} kernel on ${r.threads} thread${r.threads === 1 ? '' : 's'}${r.threadsNote ? ` (${r.threadsNote})` : ''}`);
        return { indices: r.indices, scores: r.scores, k: r.k, seconds: (performance.now() - t0) / 1000, method: 'wasm-kernel', threads: r.threads };
      }
      const r = await blockedTopK(tf, { data: vectors, n, d }, { k, blockRows, signal: ctx.signal, onProgress });
      return { indices: r.indices, scores: r.scores, k: r.k, seconds: (performance.now() - t0) / 1000, method: `tfjs-${tf.getBackend()}`, threads: null };
    },

    'embed.clearCache': async ({ backbone }) => ({ deleted: await clearCached(backbone) }),
  };
}

export const embedHandlers: EmbedHandlers = makeEmbedHandlers();
