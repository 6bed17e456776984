/**
 * Ours for the ResNet50V2 speed figures of bench/image-embed.mjs: the app's
 * ResNet50V2 on the TF.js WASM backend in Node, with the weights from the
 * Keras-written files (picked-files path), timing `extractor.embed` on seeded
 * synthetic 360x540 photos (so ours includes the resize and scaling).
 * Usage: node --import tsx bench/node/keras-embed.ts MODEL_DIR BATCH RUNS WARMUP
 * Prints JSON: {secondsPerImage, peakRssBytes, threads, backend}
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { backbone } from '../../lib/embed/backbones';
import { loadExtractor } from '../../lib/embed/extractor';
import type { RgbImage } from '../../lib/embed/preprocess';
import { handlerFromPickedFiles } from '../../lib/embed/sources';
import { mulberry32 } from '../../lib/util/random';
import { pickedFiles } from '../../test/keras/peer';

function photo(seed: number): RgbImage {
  const r = mulberry32(seed);
  const data = new Uint8Array(360 * 540 * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * 256);
  return { width: 360, height: 540, channels: 3, data };
}

async function main() {
  const [dir, b, runs, warmup] = process.argv.slice(2);
  const batch = Number(b);
  await tf.setBackend('wasm');
  const ex = await loadExtractor(tf, backbone('resnet50v2'), handlerFromPickedFiles(tf, pickedFiles(dir)));
  const images = Array.from({ length: batch }, (_, i) => photo(100 + i));
  const secondsPerImage: number[] = [];
  for (let i = 0; i < Number(warmup) + Number(runs); i++) {
    const t0 = performance.now();
    await ex.embed(images);
    if (i >= Number(warmup)) secondsPerImage.push((performance.now() - t0) / 1000 / batch);
  }
  ex.dispose();
  const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'multi' : 1;
  console.log(JSON.stringify({ secondsPerImage, peakRssBytes: process.resourceUsage().maxRSS * 1024, threads, backend: tf.getBackend() }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
