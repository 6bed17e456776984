import { twoTowerBatches } from '../../lib/towers/batches';
import { mulberry32, permutation, epochSeed } from '../../lib/util/random';
import { DEFAULT_TWO_TOWER } from '../../lib/towers/types';
const n = 80000;
const data = { nUsers: 751, nItems: 1616, users: Int32Array.from({ length: n }, (_, i) => i % 751), items: Int32Array.from({ length: n }, (_, i) => (i * 7) % 1616) };
const cfg = { ...DEFAULT_TWO_TOWER, batchSize: 1024 };
let best = [1e9, 1e9, 1e9];
for (let r = 0; r < 20; r++) {
  let t = performance.now(); let s = 0;
  for (const b of twoTowerBatches(data, cfg, r)) s += b.neg[5];
  best[0] = Math.min(best[0], (performance.now() - t) / 79);
  t = performance.now();
  const p = permutation(n, r);
  best[1] = Math.min(best[1], (performance.now() - t) / 79);
  t = performance.now();
  const rand = mulberry32(r);
  for (let i = 0; i < 79; i++) { const neg = new Int32Array(11264); for (let q = 0; q < 11264; q++) neg[q] = Math.floor(rand() * 1615); s += neg[3] + p[0]; }
  best[2] = Math.min(best[2], (performance.now() - t) / 79);
}
console.log(best.map((x) => x.toFixed(3)));
