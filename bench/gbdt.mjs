#!/usr/bin/env node
// bench/gbdt: our gradient-boosted trees (lib/gbdt, in Node) against LightGBM
// (Python, from PyPI) on the same seeded synthetic ranking dataset
// (lib/gbdt/synthetic: queries of 50-200 candidates, 40 features, missing
// values, ~13% positives; 80% of the queries train, 20% test), with the same
// parameters and one thread each.
// Figures per objective (binary, lambdarank): seconds (training, binning
// included; alternating runs, medians), and quality on the test queries
// scored by the same code (bench/node/gbdt.ts eval): auc for binary,
// ndcg_at_10 for lambdarank, map_at_12 for both.
// --quick: 120 queries (~15k rows) instead of 1,000 (~125k rows), and one
// seed for the bagged variant. BENCH_RUNS / BENCH_WARMUP=0 shorten a
// full-size run (on a busy machine one training of ours takes minutes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternate, args, report, root, writeResults } from './lib/report.mjs';
import { ensureVenv, runPython } from './lib/python.mjs';

const BENCH = 'gbdt';
const QUERIES = args.quick ? 120 : 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARMUP = process.env.BENCH_WARMUP === '0' ? 0 : 1;
const SEED = 17;
// LightGBM's defaults (as DEFAULT_GBDT_PARAMS), written out so both sides get the same.
const BASE = { numRounds: 100, learningRate: 0.1, maxDepth: -1, numLeaves: 31, minDataInLeaf: 20, featureFraction: 1, baggingFraction: 1, lambdaL2: 0, maxBin: 255, minDataInBin: 3, seed: 1 };
const VARIANTS = [
  { name: 'LightGBM defaults', params: {}, seeds: [1] },
  args.quick
    ? { name: 'feature fraction 0.8, bagging 0.8, lambdaL2 1 (seed 1)', params: { featureFraction: 0.8, baggingFraction: 0.8, lambdaL2: 1 }, seeds: [1], qualityOnly: true }
    : { name: 'feature fraction 0.8, bagging 0.8, lambdaL2 1 (3 seeds averaged)', params: { featureFraction: 0.8, baggingFraction: 0.8, lambdaL2: 1 }, seeds: [1, 2, 3], qualityOnly: true },
];

const PEER_SCRIPT = String.raw`
import json, os, sys, time
import numpy as np, lightgbm as lgb
inp = json.load(sys.stdin)
d, p, F = inp['dir'], inp['params'], 40
def part(name):
    X = np.fromfile(os.path.join(d, name + '_X.f32'), dtype='<f4').reshape(-1, F)
    y = np.fromfile(os.path.join(d, name + '_y.f32'), dtype='<f4')
    g = np.fromfile(os.path.join(d, name + '_groups.i32'), dtype='<i4')
    return X, y, g
X, y, g = part('train')
Xt, _, _ = part('test')
lp = {'objective': p['objective'], 'learning_rate': p['learningRate'], 'num_leaves': p['numLeaves'], 'max_depth': p['maxDepth'],
      'min_data_in_leaf': p['minDataInLeaf'], 'min_sum_hessian_in_leaf': 1e-3, 'feature_fraction': p['featureFraction'],
      'bagging_fraction': p['baggingFraction'], 'bagging_freq': 1 if p['baggingFraction'] < 1 else 0, 'lambda_l2': p['lambdaL2'],
      'max_bin': p['maxBin'], 'min_data_in_bin': p['minDataInBin'], 'seed': p['seed'], 'num_threads': 1, 'verbose': -1}
t0 = time.perf_counter()
ds = lgb.Dataset(X, y, group=g if p['objective'] == 'lambdarank' else None)
booster = lgb.train(lp, ds, num_boost_round=p['numRounds'])
seconds = time.perf_counter() - t0
booster.predict(Xt).astype('<f8').tofile(inp['out'])
print(json.dumps({'seconds': seconds, 'version': lgb.__version__}))
`;

const tsx = (argv) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/gbdt.ts'), ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }).toString().trim().split('\n').at(-1));
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

const python = await ensureVenv(['lightgbm', 'numpy']);
const env = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-gbdt-'));
try {
  const meta = tsx(['data', dir, String(QUERIES), String(SEED)]);
  const size = { rows: meta.trainRows, features: meta.nFeatures, queries: meta.trainQueries, test_rows: meta.testRows, test_queries: meta.testQueries };
  const dataset = `synthetic ranking (seed ${SEED})`;
  console.error(`gbdt: ${JSON.stringify(meta)}`);
  const oursOut = path.join(dir, 'ours.f64');
  const peerOut = path.join(dir, 'peer.f64');
  const trainOurs = (params) => tsx(['train', dir, JSON.stringify(params), oursOut]).seconds;
  const trainPeer = (params) => runPython(python, PEER_SCRIPT, { dir, params, out: peerOut }, { env });
  const version = runPython(python, 'import json, lightgbm; print(json.dumps(lightgbm.__version__))', null, { env });
  const PEER = `LightGBM ${version} (Python, CPU)`;
  const threads = { ours: 1, peer: 1 };
  for (const v of VARIANTS) {
    for (const objective of ['binary', 'lambdarank']) {
      const figures = objective === 'binary' ? ['auc', 'map_at_12'] : ['ndcg_at_10', 'map_at_12'];
      const variant = `${objective}, ${v.name}`;
      const quality = { ours: {}, peer: {} };
      const score = () => {
        for (const [side, file] of [['ours', oursOut], ['peer', peerOut]]) {
          const m = tsx(['eval', dir, file]);
          for (const f of figures) (quality[side][f] ??= []).push(m[f]);
        }
      };
      if (!v.qualityOnly) {
        // Timed runs; both sides are deterministic here, so the last run's test predictions give the quality.
        const params = { ...BASE, ...v.params, objective };
        const times = await alternate({ runs: RUNS, warmup: WARMUP, ours: () => trainOurs(params), peer: () => trainPeer(params).seconds });
        report({ bench: BENCH, figure: 'seconds', dataset, size, ours: times.ours, peer: PEER, peer_value: times.peer, better: 'lower', backend: 'node-cpu', variant, threads, runs: RUNS });
        score();
      } else {
        for (const seed of v.seeds) {
          const params = { ...BASE, ...v.params, objective, seed };
          trainOurs(params);
          trainPeer(params);
          score();
        }
      }
      for (const f of figures) {
        report({ bench: BENCH, figure: f, dataset, size, ours: mean(quality.ours[f]), peer: PEER, peer_value: mean(quality.peer[f]), better: 'higher', backend: 'node-cpu', variant, threads, runs: v.seeds.length });
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeResults(BENCH);
