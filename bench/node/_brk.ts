import { readFileSync } from 'node:fs';
import { timeSplit, MOVIELENS_SEED_PROTOCOL } from '../../lib/data/seed-protocol';
import { movielensInteractions } from '../../lib/data/readers/movielens';
import { positivesFromSplit } from '../../lib/towers/evaluate';
import { twoTowerBatches } from '../../lib/towers/batches';
import { DEFAULT_TWO_TOWER } from '../../lib/towers/types';
import { TwoTowerKernel } from '../../lib/towers/kernel';
import { initTwoTowerWeights } from '../../lib/towers/twotower';
const split = timeSplit(movielensInteractions({ name: 'u.data', bytes: readFileSync('/work/shared/data/movielens-100k/u.data') }), MOVIELENS_SEED_PROTOCOL.testFraction, MOVIELENS_SEED_PROTOCOL);
const data = positivesFromSplit(split);
const cfg = { ...DEFAULT_TWO_TOWER, batchSize: 1024 };
const kern: any = new TwoTowerKernel(data, cfg, initTwoTowerWeights(data, cfg), 1024);
const batches = [...twoTowerBatches(data, cfg, 0)];
const M = { fwd: 1e9, loss: 1e9, bwd: 1e9, sc: 1e9, upd: 1e9, gen: 1e9 };
for (let r = 0; r < 30; r++) {
const T = { fwd: 0, loss: 0, bwd: 0, sc: 0, upd: 0, gen: 0 };
  let t = performance.now();
  const bs = [...twoTowerBatches(data, cfg, r)];
  T.gen += performance.now() - t;
  for (const b of bs) {
    t = performance.now(); const n = kern.forward(b); T.fwd += performance.now() - t;
    t = performance.now(); kern.lossOf(b, n, true); T.loss += performance.now() - t;
    t = performance.now();
    const { x, dp, buf } = kern;
    x.backward(buf.u, buf.p, buf.n, buf.ds, n, kern.m, dp, 0, buf.gu, buf.gp, buf.gn);
    T.bwd += performance.now() - t; t = performance.now();
    const [user, item] = kern.tables;
    x.scatterAdd(user.g, buf.users, n, buf.gu, dp);
    x.scatterAdd(item.g, buf.pos, n, buf.gp, dp);
    x.scatterAdd(item.g, buf.neg, n * 10, buf.gn, dp);
    T.sc += performance.now() - t;
    t = performance.now(); kern.update(); T.upd += performance.now() - t;
  }
  for (const k of Object.keys(T)) (M as any)[k] = Math.min((M as any)[k], (T as any)[k] / bs.length);
}
for (const [k, v] of Object.entries(M)) console.log(k, v.toFixed(3), 'ms/step (min over epochs)');
