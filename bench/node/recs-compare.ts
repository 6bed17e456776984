/**
 * Our ranker (lib/gbdt) against LightGBM on the identical matrices that
 * bench/node/recs-dump.ts exported (bench only, a diagnostic): per cutoff and
 * seed, the training loss after rounds 1, 10, 50, 100 and the last, the mean
 * leaves per tree, and MAP@12 of the cutoff's candidates ranked by each model
 * (Kaggle's apk over the buyers, denominator min(purchases, 12); the fill of
 * short lists is left out, so the figures are the candidates' share only).
 *
 *   node --import tsx bench/node/recs-compare.ts DUMPDIR [--objective binary] [--seeds 1,2,3] [--set key=value,...]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { trainGbdt, type GbdtParams } from '../../lib/gbdt';
import { sigmoid } from '../../lib/gbdt/objectives';
import type { TreeEnsemble } from '../../lib/gbdt/model';
import { ensureVenv } from '../lib/python.mjs';
import { RANKER_DEFAULTS } from './recs';

const arg = (name: string, dflt: string) => {
  const j = process.argv.indexOf(`--${name}`);
  return j >= 0 ? process.argv[j + 1] : dflt;
};
const f32 = (file: string) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const i32 = (file: string) => {
  const b = readFileSync(file);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** MAP@12 of the candidates ranked by `s` (ties by row order). */
export function map12(s: ArrayLike<number>, y: Float32Array, groups: Int32Array, bought: Int32Array): number {
  let total = 0;
  let at = 0;
  for (let g = 0; g < groups.length; g++) {
    const rows = Array.from({ length: groups[g] }, (_, j) => at + j);
    rows.sort((a, b) => s[b] - s[a] || a - b);
    let hits = 0;
    let ap = 0;
    rows.slice(0, 12).forEach((r, k) => {
      if (y[r] > 0) ap += ++hits / (k + 1);
    });
    total += ap / Math.min(bought[g], 12);
    at += groups[g];
  }
  return total / groups.length;
}

function agreement(a: Float64Array, b: Float64Array, groups: Int32Array): { pearson: number; top12Shared: number } {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  let shared = 0;
  let at = 0;
  for (let g = 0; g < groups.length; g++) {
    const rows = Array.from({ length: groups[g] }, (_, j) => at + j);
    const top = (s: Float64Array) => new Set([...rows].sort((x, y) => s[y] - s[x] || x - y).slice(0, 12));
    const ta = top(a);
    const tb = top(b);
    let k = 0;
    for (const r of ta) if (tb.has(r)) k++;
    shared += k / Math.min(12, groups[g]) / groups.length;
    at += groups[g];
  }
  return { pearson: sab / Math.sqrt(saa * sbb), top12Shared: shared };
}

function logloss(scores: Float64Array, y: Float32Array): number {
  let l = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(scores[i])));
    l -= y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return l / y.length;
}

async function main(): Promise<void> {
  const dump = process.argv[2];
  const objective = arg('objective', 'binary') as GbdtParams['objective'];
  const seeds = arg('seeds', '1,2,3').split(',').map(Number);
  const extra = Object.fromEntries(arg('set', '').split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  const params = { ...RANKER_DEFAULTS, objective, ...extra };
  const python = await ensureVenv(['implicit==0.7.2', 'scipy', 'lightgbm']);
  const only = arg('only', '');
  for (const c of readdirSync(dump).sort()) {
    const dir = path.join(dump, c);
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    const F = meta.nFeatures;
    const data = { X: f32(path.join(dir, 'X.f32')), y: f32(path.join(dir, 'y.f32')), groups: i32(path.join(dir, 'groups.i32')), nFeatures: F };
    const P = f32(path.join(dir, 'P.f32'));
    const Py = f32(path.join(dir, 'Py.f32'));
    const Pg = i32(path.join(dir, 'Pgroups.i32'));
    const Pb = i32(path.join(dir, 'Pbought.i32'));
    const row: Record<string, unknown> = { cutoff: meta.cutoff, rows: meta.rows, positives: meta.positives };
    let oursMean: Float64Array | null = null;
    if (only !== 'lgbm') {
      const mean = new Float64Array(P.length / F);
      const per: Record<string, unknown>[] = [];
      let seconds = 0;
      for (const seed of seeds) {
        const losses: number[] = [];
        const t0 = performance.now();
        const m = trainGbdt(data, { ...params, seed }) as TreeEnsemble;
        seconds += (performance.now() - t0) / 1000;
        if (objective === 'binary') {
          // Training loss after rounds 1, 10, 50, 100 and the last: the ensemble's first k trees.
          for (const k of [1, 10, 50, 100, m.trees.length]) {
            if (k > m.trees.length) continue;
            const sub = new (m.constructor as typeof TreeEnsemble)(m.objective, F, m.baseScore, m.trees.slice(0, k));
            losses.push(logloss(sub.rawScores(data.X, F), data.y));
          }
        }
        const p = m.rawScores(P, F);
        p.forEach((x, r) => (mean[r] += x / seeds.length));
        per.push({ seed, map12: map12(p, Py, Pg, Pb), loss: losses, mean_leaves: m.trees.reduce((a, t) => a + t.numLeaves, 0) / m.trees.length });
      }
      oursMean = mean;
      row.ours = { seeds: per, map12_mean_pred: map12(mean, Py, Pg, Pb), seconds };
    }
    if (only !== 'ours') {
      row.lgbm = JSON.parse(execFileSync(python, [path.resolve(__dirname, '../py/recs_compare.py'), dir, JSON.stringify(params), seeds.join(',')], { env: { ...process.env, BENCH_THREADS: '1', OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim().split('\n').pop()!);
    }
    if (row.ours && row.lgbm) {
      // Agreement of the two mean predictions: Pearson correlation of the raw scores, shared share of each buyer's top 12.
      const b = readFileSync(path.join(dir, 'lgbm_pred.f64'));
      const q = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      row.agreement = agreement(oursMean!, q, Pg);
    }
    console.log(JSON.stringify(row));
  }
}

void main();
