/**
 * Our side of bench/gbdt.mjs, one subcommand per process:
 * - `data DIR QUERIES SEED`: writes the seeded synthetic ranking dataset
 *   (lib/gbdt/synthetic), 80% of the queries as train, 20% as test, as raw
 *   little-endian files (X float32 row-major, y float32, groups int32) + meta.json.
 * - `train DIR PARAMS_JSON OUT`: trains lib/gbdt on the train part, writes the
 *   test predictions (float64) to OUT, prints {seconds} (training only, binning included).
 * - `eval DIR PREDS`: prints {auc, ndcg_at_10, map_at_12} of float64 test
 *   predictions (NDCG and MAP per query, over queries with a positive; binary relevance).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { trainGbdt, type GbdtParams } from '../../lib/gbdt';
import { sliceQueries, syntheticRanking } from '../../lib/gbdt/synthetic';
import { averagePrecisionAtK, ndcgOne } from '../../lib/metrics';

const [cmd, dir, a, b] = process.argv.slice(2);
const F = 40;

const bytes = (t: ArrayBufferView) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);
const read = <T>(file: string, C: new (b: ArrayBuffer) => T): T => {
  const buf = readFileSync(path.join(dir, file));
  return new C(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
const part = (name: 'train' | 'test') => ({
  X: read(`${name}_X.f32`, Float32Array),
  y: read(`${name}_y.f32`, Float32Array),
  groups: read(`${name}_groups.i32`, Int32Array),
  nFeatures: F,
});

function auc(s: Float64Array, y: Float32Array): number {
  const idx = Array.from(s.keys()).sort((i, j) => s[i] - s[j]);
  let pos = 0;
  let rankSum = 0;
  for (let k = 0; k < idx.length; ) {
    let e = k;
    while (e + 1 < idx.length && s[idx[e + 1]] === s[idx[k]]) e++;
    for (let t = k; t <= e; t++) if (y[idx[t]] === 1) {
      pos++;
      rankSum += (k + e) / 2 + 1;
    }
    k = e + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * (y.length - pos));
}

if (cmd === 'data') {
  const queries = Number(a);
  const d = syntheticRanking({ queries, nFeatures: F, seed: Number(b) });
  const cut = Math.floor(queries * 0.8);
  const parts = { train: sliceQueries(d, 0, cut), test: sliceQueries(d, cut, queries) };
  for (const [name, p] of Object.entries(parts)) {
    writeFileSync(path.join(dir, `${name}_X.f32`), bytes(p.X));
    writeFileSync(path.join(dir, `${name}_y.f32`), bytes(p.y));
    writeFileSync(path.join(dir, `${name}_groups.i32`), bytes(p.groups));
  }
  const pos = (y: Float32Array) => y.reduce((s, v) => s + v, 0) / y.length;
  const meta = { nFeatures: F, trainRows: parts.train.y.length, testRows: parts.test.y.length, trainQueries: cut, testQueries: queries - cut, positiveRate: pos(d.y) };
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
  console.log(JSON.stringify(meta));
} else if (cmd === 'train') {
  const params = JSON.parse(a) as Partial<GbdtParams>;
  const train = part('train');
  const test = part('test');
  const t0 = performance.now();
  const model = trainGbdt(train, params);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(b, bytes(model.predict(test.X, F)));
  console.log(JSON.stringify({ seconds }));
} else if (cmd === 'eval') {
  const test = part('test');
  const buf = readFileSync(a);
  const s = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let start = 0;
  let ndcg = 0;
  let ap = 0;
  let m = 0;
  for (const size of test.groups) {
    const rows = Array.from({ length: size }, (_, k) => start + k);
    const relevant = new Set(rows.filter((r) => test.y[r] > 0));
    if (relevant.size > 0) {
      // Ties broken by row order, the same for both libraries' scores.
      const ranked = [...rows].sort((i, j) => s[j] - s[i] || i - j);
      ndcg += ndcgOne(ranked, relevant, 10);
      ap += averagePrecisionAtK(ranked, relevant, 12);
      m++;
    }
    start += size;
  }
  console.log(JSON.stringify({ auc: auc(s, test.y), ndcg_at_10: ndcg / m, map_at_12: ap / m, queries: m }));
} else {
  throw new Error(`invalid command: ${cmd}; expected data, train or eval`);
}
