/**
 * Where a two-tower training step spends its time (MovieLens 100k, the seed protocol's training
 * split, batch 1024, 10 negatives, dim 32, Adam), in Node on one thread:
 *   - the TF.js engine on the WASM backend: ms per step and tf.profile's kernel times by op;
 *   - the WebAssembly SIMD kernel (lib/towers/kernel.ts): ms per step split into batch generation,
 *     forward + loss (`loss`), and backward + scatter-add + Adam (`step` minus `loss`), the best of 10 epochs.
 * Usage: DATA_DIR=../shared/data node --import tsx bench/node/towers-profile.ts
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MOVIELENS_SEED_PROTOCOL, timeSplit } from '../../lib/data/seed-protocol';
import { movielensInteractions } from '../../lib/data/readers/movielens';
import { twoTowerBatches } from '../../lib/towers/batches';
import { positivesFromSplit } from '../../lib/towers/evaluate';
import { TwoTowerKernel } from '../../lib/towers/kernel';
import { makeOptimizer } from '../../lib/towers/loop';
import { initTwoTowerWeights, TwoTowerModel } from '../../lib/towers/twotower';
import { DEFAULT_TWO_TOWER } from '../../lib/towers/types';
import { timeByOp } from './tf-ops';

async function main() {
  const file = path.join(process.env.DATA_DIR ?? path.resolve('../shared/data'), 'movielens-100k', 'u.data');
  const split = timeSplit(movielensInteractions({ name: 'u.data', bytes: readFileSync(file) }), MOVIELENS_SEED_PROTOCOL.testFraction, MOVIELENS_SEED_PROTOCOL);
  const data = positivesFromSplit(split);
  const cfg = { ...DEFAULT_TWO_TOWER, batchSize: 1024 };
  const batches = [...twoTowerBatches(data, cfg, 0)];

  await tf.setBackend('wasm');
  await tf.ready();
  const model = new TwoTowerModel(data, cfg);
  const opt = makeOptimizer('adam', cfg.learningRate);
  for (let i = 0; i < 5; i++) opt.minimize(() => model.loss(batches[i]), false, model.vars);
  const t0 = performance.now();
  for (const b of batches) opt.minimize(() => model.loss(b), false, model.vars);
  await model.vars[0].data();
  console.log(`TF.js WASM engine: ${((performance.now() - t0) / batches.length).toFixed(2)} ms/step`);
  const prof = await tf.profile(() => void opt.minimize(() => model.loss(batches[0]), false, model.vars));
  const byOp = timeByOp(prof.kernels);
  console.log(`  one step: ${prof.kernels.length} kernels`);
  for (const [name, [ms, n]] of [...byOp].sort((a, b) => b[1][0] - a[1][0]).slice(0, 10)) console.log(`  ${name.padEnd(16)} ${ms.toFixed(3)} ms in ${n} calls`);
  model.dispose();
  opt.dispose();

  const kernel = new TwoTowerKernel(data, cfg, initTwoTowerWeights(data, cfg), cfg.batchSize);
  const best = { generate: Infinity, forwardLoss: Infinity, backwardUpdate: Infinity };
  for (let epoch = 0; epoch < 10; epoch++) {
    let t = performance.now();
    const bs = [...twoTowerBatches(data, cfg, epoch)];
    const generate = (performance.now() - t) / bs.length;
    let fwd = 0;
    let all = 0;
    for (const b of bs) {
      t = performance.now();
      kernel.loss(b);
      const t1 = performance.now();
      kernel.step(b);
      fwd += t1 - t;
      all += performance.now() - t1;
    }
    best.generate = Math.min(best.generate, generate);
    best.forwardLoss = Math.min(best.forwardLoss, fwd / bs.length);
    best.backwardUpdate = Math.min(best.backwardUpdate, (all - fwd) / bs.length);
  }
  console.log(`kernel engine (best of 10 epochs): batch generation ${best.generate.toFixed(3)} ms/step, forward + loss ${best.forwardLoss.toFixed(3)}, backward + scatter + Adam ${best.backwardUpdate.toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
