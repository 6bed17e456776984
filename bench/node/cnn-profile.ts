/**
 * Where a CNN backbone spends its time on the TF.js WASM backend in Node (one thread): ms per image
 * of `extractor.embed` on seeded random 360x540 photos, the JS resize + scaling alone, and
 * tf.profile's kernel times by op (ops and their kernels both appear, e.g. fusedConv2d__op and
 * FusedConv2D). ResNet50V2 runs on random weights, folded as the app runs it (--unfolded: the
 * layers model as built), MobileNetV2 1.4 on the vendored model. Also prints the process's CPU
 * seconds per image of the timed pass (steadier than the wall time on a loaded machine).
 * --json: only the timed pass, printed as {"cpuSecondsPerImage", "secondsPerImage", "loadAverage"} (image-embed --cpu-time).
 * Usage: node --import tsx bench/node/cnn-profile.ts resnet50v2|mobilenet-v2-140-hub [BATCH] [--unfolded] [--json]
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { backbone } from '../../lib/embed/backbones';
import { loadExtractor } from '../../lib/embed/extractor';
import { handlerFromPickedFiles } from '../../lib/embed/sources';
import { pickedFiles } from '../../test/keras/peer';
import { preprocessImage } from '../../lib/embed/preprocess';
import { mulberry32 } from '../../lib/util/random';
import { timeByOp } from './tf-ops';
async function main() {
  const unfolded = process.argv.includes('--unfolded');
  const json = process.argv.includes('--json');
  const [which, b] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const batch = Number(b ?? 8);
  await tf.setBackend('wasm');
  await tf.ready();
  const spec = backbone(which);
  const files = which === 'resnet50v2' ? null : handlerFromPickedFiles(tf, pickedFiles(`public/vendor/models/${which}`));
  const ex = await loadExtractor(tf, spec, files, { allowRandomWeights: true, seed: 1, fold: !unfolded });
  const rand = mulberry32(1);
  const photo = () => ({ width: 360, height: 540, channels: 3 as const, data: Uint8Array.from({ length: 360 * 540 * 3 }, () => Math.floor(rand() * 256)) });
  const images = Array.from({ length: batch }, photo);
  await ex.embed(images);
  let t0 = performance.now();
  for (const im of images) preprocessImage(im, spec.inputSize, spec.scale, 'resize');
  const prep = (performance.now() - t0) / batch;
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await ex.embed(images);
  const total = (performance.now() - t0) / batch;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1e3 / batch;
  if (json) {
    console.log(JSON.stringify({ cpuSecondsPerImage: cpuMs / 1e3, secondsPerImage: total / 1e3, loadAverage: os.loadavg()[0] }));
    ex.dispose();
    return;
  }
  const prof = await tf.profile(async () => void (await ex.embed(images)));
  const byOp = timeByOp(prof.kernels);
  let sum = 0;
  for (const [, [ms]] of byOp) sum += ms;
  console.log(
    `${which}${unfolded ? ' (unfolded)' : ''} batch ${batch}: ${total.toFixed(1)} ms/image, ${cpuMs.toFixed(1)} CPU ms/image ` +
      `(resize + scaling ${prep.toFixed(1)} ms/image); ${prof.kernels.length} kernels; load average ${os.loadavg()[0].toFixed(1)}`,
  );
  for (const [name, [ms, n]] of [...byOp].sort((x, y) => y[1][0] - x[1][0]).slice(0, 12)) {
    console.log(`  ${name.padEnd(24)} ${(ms / batch).toFixed(2)} ms/image in ${n} calls (${((100 * ms) / sum).toFixed(1)}% of profiled time)`);
  }
  ex.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
