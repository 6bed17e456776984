// Browser entry for the image-embedding benchmark and the WebGPU-vs-cpu e2e
// check (bundled and served by bench/lib/browser.mjs). Query parameters:
//   mode=time    backend=wasm|webgpu backbone=ID batch=N runs=N warmup=N size=S threads=T (wasm; default every CPU)
//                fold=0 (ResNet50V2 as the layers model, BatchNorms not folded)
//                -> {backend, backbone, randomWeights, threads (wasm pool, else null), secondsPerImage: number[]}
//   mode=compare backbones=ID[:SIZE],ID[:SIZE] images=N   (SIZE 0 = the backbone's own)
//                -> {[backbone]: {cpu: number[], webgpu: number[], adapter}}
// Vendored models are read from /vendor/models (scripts/vendor-models.mjs).
// Images are seeded synthetic "garments" (no data files needed).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { defaultWasmThreads, setBackendThreaded } from '../../workers/wasm-threads';
import { backbone as specOf, type BackboneId } from '../../lib/embed/backbones';
import { loadExtractor } from '../../lib/embed/extractor';
import type { RgbImage } from '../../lib/embed/preprocess';
import { mulberry32 } from '../../lib/util/random';

declare global {
  interface Window {
    benchResult?: unknown;
  }
}

const q = new URLSearchParams(location.search);
const num = (name: string, d: number) => (q.has(name) ? Number(q.get(name)) : d);

/** A 360x540 studio-style photo: light backdrop, a seeded coloured garment with stripes. */
function garment(seed: number): RgbImage {
  const r = mulberry32(seed);
  const w = 360;
  const h = 540;
  const data = new Uint8ClampedArray(w * h * 4);
  const c = [r() * 255, r() * 255, r() * 255];
  const stripe = 4 + Math.floor(r() * 20);
  const x0 = 60 + r() * 40;
  const x1 = 300 - r() * 40;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const inside = x > x0 && x < x1 && y > 80 && y < 480;
      const dark = Math.floor(y / stripe) % 2 === 0 ? 0.6 : 1;
      for (let k = 0; k < 3; k++) data[o + k] = inside ? c[k] * dark + 20 * r() : 240 + 10 * r();
      data[o + 3] = 255;
    }
  return { width: w, height: h, channels: 4, data };
}

async function useBackend(name: string, threads = defaultWasmThreads()): Promise<void> {
  const ok = await setBackendThreaded(name, threads);
  if (!ok) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}

async function extractor(id: BackboneId, size: number) {
  const spec = { ...specOf(id), ...(size ? { inputSize: size } : {}) };
  const files = spec.vendoredUrl ? tf.io.http(`${location.origin}${spec.vendoredUrl}`) : null;
  return loadExtractor(tf, spec, files, { allowRandomWeights: true, seed: 1, fold: q.get('fold') !== '0' });
}

async function time() {
  const backend = q.get('backend') ?? 'wasm';
  const id = (q.get('backbone') ?? 'resnet50v2') as BackboneId;
  const batch = num('batch', 8);
  const runs = num('runs', 3);
  const warmup = num('warmup', 1);
  await useBackend(backend, num('threads', defaultWasmThreads()));
  const ex = await extractor(id, num('size', 0));
  const images = Array.from({ length: batch }, (_, i) => garment(100 + i));
  const secondsPerImage: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    await ex.embed(images);
    if (i >= warmup) secondsPerImage.push((performance.now() - t0) / 1000 / batch);
  }
  ex.dispose();
  return { backend: tf.getBackend(), backbone: id, randomWeights: ex.randomWeights, threads: tf.getBackend() === 'wasm' ? getThreadsCount() : null, secondsPerImage };
}

async function compare() {
  const ids = (q.get('backbones') ?? 'mobilenet-v2-140-hub').split(',').map((x) => x.split(':'));
  const images = Array.from({ length: num('images', 2) }, (_, i) => garment(7 + i));
  const out: Record<string, { cpu: number[]; webgpu: number[]; randomWeights: boolean }> = {};
  for (const [idText, sizeText] of ids) {
    const id = idText as BackboneId;
    const row = { cpu: [] as number[], webgpu: [] as number[], randomWeights: false };
    for (const b of ['cpu', 'webgpu'] as const) {
      await useBackend(b);
      const ex = await extractor(id, Number(sizeText ?? 0));
      row[b] = Array.from(await ex.embed(images));
      row.randomWeights = ex.randomWeights;
      ex.dispose();
    }
    out[id] = row;
  }
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }).gpu;
  const adapter = gpu ? ((await gpu.requestAdapter())?.info?.architecture ?? null) : null;
  return { results: out, adapter };
}

window.benchResult = (q.get('mode') === 'compare' ? compare() : time()).catch((e: Error) => ({ error: `${e.name}: ${e.message}` }));
