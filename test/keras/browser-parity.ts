// Page entry of the Keras parity spec on WebGPU (e2e/keras-webgpu.spec.ts),
// bundled by the spec and served through page.route. It loads the converter's
// files by URL (tf.io.http, as the cell's "ResNet50V2 model.json URL" does),
// decodes the photos with the ML worker's own readPhoto (fetch +
// createImageBitmap + OffscreenCanvas), and embeds on the requested backend:
// first the photos as Chromium decodes them, then PIL's decoded pixels.
// Query: backend=webgpu|wasm photos=N. Result on window.parityResult.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backbone } from '../../lib/embed/backbones';
import { loadExtractor } from '../../lib/embed/extractor';
import type { RgbImage } from '../../lib/embed/preprocess';
import { readPhoto } from '../../workers/ml/embed';

declare global {
  interface Window {
    parityResult?: unknown;
  }
}

async function run() {
  const q = new URLSearchParams(location.search);
  const backend = q.get('backend') ?? 'webgpu';
  const n = Number(q.get('photos') ?? 2);
  const meta = (await (await fetch('/reference.json')).json()) as { photos: { file: string; width: number; height: number }[] };
  if (backend === 'wasm') {
    setWasmPaths(`${location.origin}/tfjs/`);
    setThreadsCount(navigator.hardwareConcurrency);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialise`);
  await tf.ready();
  const ex = await loadExtractor(tf, backbone('resnet50v2'), tf.io.http(`${location.origin}/model/model.json`));
  const photos = meta.photos.slice(0, n);
  const chromium: RgbImage[] = [];
  const pil: RgbImage[] = [];
  let maxPx = 0;
  let sumPx = 0;
  let differing = 0;
  let total = 0;
  for (const [i, p] of photos.entries()) {
    const img = await readPhoto(`/photos/${p.file}`);
    if (img === 'missing') throw new Error(`photo ${p.file} not served`);
    chromium.push(img);
    const bytes = new Uint8Array(await (await fetch(`/pixels/${i}`)).arrayBuffer());
    pil.push({ width: p.width, height: p.height, channels: 3, data: bytes });
    // Chromium's decode (RGBA) against PIL's (RGB), byte for byte.
    for (let j = 0, k = 0; j < bytes.length; j += 3, k += 4)
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(img.data[k + c] - bytes[j + c]);
        maxPx = Math.max(maxPx, d);
        sumPx += d;
        if (d) differing++;
        total++;
      }
  }
  const t0 = performance.now();
  const emb = await ex.embed([...chromium, ...pil]);
  const seconds = (performance.now() - t0) / 1000;
  ex.dispose();
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }).gpu;
  const adapter = gpu ? ((await gpu.requestAdapter())?.info?.architecture ?? null) : null;
  return {
    backend: tf.getBackend(),
    adapter,
    seconds,
    chromium: Array.from(emb.subarray(0, n * 2048)),
    pil: Array.from(emb.subarray(n * 2048)),
    pixels: { maxAbs: maxPx, meanAbs: sumPx / total, differingShare: differing / total },
  };
}

window.parityResult = run().catch((e: Error) => ({ error: `${e.name}: ${e.message}` }));
