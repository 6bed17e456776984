#!/usr/bin/env node
// bench/als: our implicit-feedback ALS in headless Chromium against
// `implicit` (CPU, from PyPI) on the same confidence matrix (1 + alpha·w, given
// to implicit with alpha = 1) and the same hyperparameters, on MovieLens 100k
// (u1.base/u1.test), ASOS (a seeded leave-one-out split of the train file) and
// the H&M sample (validation week 2020-09-09..15).
// Figures: seconds_per_iteration (alternating runs, medians of per-iteration
// times; ours = the WebAssembly SIMD CG kernel, plus the TF.js solver on WASM
// and on WebGPU/SwiftShader as variants), and hit_rate_at_10, ndcg_at_10,
// map_at_12 of both libraries' factors scored by the same lib/metrics code in
// the page. Then the hm-scale demo fit (bench/node/als-hm-scale.ts): time
// per iteration and peak memory, or the reason it does not fit (skipped with
// --quick or --no-hm-scale: generating 31.8M purchases alone takes minutes).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { alternate, args, dataDir, report, root, writeResults } from './lib/report.mjs';
import { withBrowserPage } from './lib/browser.mjs';
import { ensureVenv, runPython } from './lib/python.mjs';

const BENCH = 'als';
const data = dataDir();
const PARAMS = { factors: 64, regularization: 0.05, alpha: 10, iterations: 15, cgSteps: 3, seed: 42 };
const TIMED_ITERATIONS = args.quick ? 3 : 5;
const RUNS = 3;
const DATASETS = args.quick ? ['movielens-u1'] : ['movielens-u1', 'asos', 'hm'];

const PEER_SCRIPT = String.raw`
import json, os, sys, time
import numpy as np, scipy.sparse as sp
import implicit
from implicit.cpu.als import AlternatingLeastSquares
inp = json.load(sys.stdin)
p = inp['params']
m = sp.csr_matrix((np.array(inp['confidence'], dtype=np.float32), np.array(inp['indices'], dtype=np.int32), np.array(inp['indptr'], dtype=np.int32)), shape=(inp['nUsers'], inp['nItems']))
iters = inp['iterations']
model = AlternatingLeastSquares(factors=p['factors'], regularization=p['regularization'], alpha=1.0, iterations=iters, use_cg=True, calculate_training_loss=False, random_state=p['seed'])
times = []
model.fit(m, show_progress=False, callback=lambda it, elapsed, loss: times.append(elapsed))
out = {'seconds': times, 'version': implicit.__version__, 'threads': os.cpu_count()}
if inp['mode'] == 'fit':
    out['users'] = np.asarray(model.user_factors, dtype=np.float32).ravel().tolist()
    out['items'] = np.asarray(model.item_factors, dtype=np.float32).ravel().tolist()
print(json.dumps(out))
`;

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!data) {
  console.error('als: no datasets (../shared/data or DATA_DIR); only the hm-scale demo fit runs');
} else {
  const python = await ensureVenv(['implicit==0.7.2', 'scipy']);
  const env = { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const version = runPython(python, 'import json, implicit; print(json.dumps(implicit.__version__))', null, { env });
  const PEER = `implicit ${version} (CPU)`;

  await withBrowserPage({ entry: 'bench/browser/als.ts', mounts: { '/data/': data } }, async (page) => {
    await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 0 });
    const init = await page.evaluate(() => window.als.init('wasm'));
    console.error(`als: page backend ${init.backend}, cross-origin isolated ${init.coi}, threads ${init.threads}, wasm simd ${init.simd}`);
    for (const dataset of DATASETS) {
      const prep = await page.evaluate(([n, a]) => window.als.prepare(n, a), [dataset, PARAMS.alpha]);
      const size = { users: prep.nUsers, items: prep.nItems, nnz: prep.nnz, test_users: prep.testUsers };
      console.error(`als: ${dataset}: ${JSON.stringify(size)} (${prep.note})`);
      const peerInput = (mode, iterations) => ({ ...prep, params: PARAMS, mode, iterations });
      const timedParams = { ...PARAMS, iterations: TIMED_ITERATIONS };

      const times = await alternate({
        runs: RUNS,
        ours: async () => med((await page.evaluate(([p]) => window.als.fit(p, 'cg', false), [timedParams])).seconds),
        peer: async () => med(runPython(python, PEER_SCRIPT, peerInput('time', TIMED_ITERATIONS), { env }).seconds),
      });
      report({ bench: BENCH, figure: 'seconds_per_iteration', dataset, size, ours: times.ours, peer: PEER, peer_value: times.peer, better: 'lower', backend: 'wasm', variant: 'cg, WebAssembly SIMD kernel (1 thread)', runs: RUNS, note: `implicit uses all cores; k=${PARAMS.factors}` });
      if (dataset === 'movielens-u1') {
        // The TF.js solver on the WASM backend, timed against the same peer figure.
        const tfjs = [];
        for (let r = 0; r < RUNS; r++) tfjs.push(med((await page.evaluate(([p]) => window.als.fit(p, 'tfjs', false), [{ ...timedParams, iterations: 2 }])).seconds));
        report({ bench: BENCH, figure: 'seconds_per_iteration', dataset, size, ours: med(tfjs), peer: PEER, peer_value: times.peer, better: 'lower', backend: 'wasm', variant: 'tfjs solver (batched CG in tfjs-core ops)', runs: RUNS });
        const js = [];
        for (let r = 0; r < RUNS; r++) js.push(med((await page.evaluate(([p]) => window.als.fit(p, 'cg-js', false), [{ ...timedParams, iterations: 2 }])).seconds));
        report({ bench: BENCH, figure: 'seconds_per_iteration', dataset, size, ours: med(js), peer: PEER, peer_value: times.peer, better: 'lower', backend: 'wasm', variant: 'cg-js, plain TypeScript CG', runs: RUNS });
      }

      const ours = await page.evaluate(([p]) => window.als.fit(p, 'cg', true), [PARAMS]);
      const peerFit = runPython(python, PEER_SCRIPT, peerInput('fit', PARAMS.iterations), { env });
      const theirs = await page.evaluate(([p, u, i]) => window.als.evaluate(p, u, i), [PARAMS, peerFit.users, peerFit.items]);
      const pop = await page.evaluate(() => window.als.popularity());
      for (const figure of ['hit_rate_at_10', 'ndcg_at_10', 'map_at_12']) {
        report({ bench: BENCH, figure, dataset, size, ours: ours.metrics[figure], peer: PEER, peer_value: theirs[figure], better: 'higher', backend: 'wasm', runs: 1, variant: `${PARAMS.iterations} iterations, seen items filtered` });
        report({ bench: BENCH, figure, dataset, size, ours: pop[figure], peer: null, peer_value: null, better: 'higher', runs: 1, variant: 'popularity baseline' });
      }
      console.error(`als: ${dataset}: loss ${ours.loss[0].toFixed(5)} → ${ours.loss.at(-1).toFixed(5)}`);
    }
  });

  // The TF.js solver on WebGPU under SwiftShader (CPU emulation, no GPU here): MovieLens, 1 iteration, functional figure only.
  if (!args.quick) {
    await withBrowserPage({ entry: 'bench/browser/als.ts', mounts: { '/data/': data }, webgpu: true }, async (page) => {
      await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 0 });
      const init = await page.evaluate(() => window.als.init('webgpu'));
      const prep = await page.evaluate(([n, a]) => window.als.prepare(n, a), ['movielens-u1', PARAMS.alpha]);
      const size = { users: prep.nUsers, items: prep.nItems, nnz: prep.nnz };
      const r = await page.evaluate(([p]) => window.als.fit(p, 'tfjs', false), [{ ...PARAMS, iterations: 1 }]);
      report({ bench: BENCH, figure: 'seconds_per_iteration', dataset: 'movielens-u1', size, ours: r.seconds[0], peer: null, peer_value: null, better: 'lower', backend: 'webgpu-swiftshader', variant: `tfjs solver on ${init.backend} (emulation: SwiftShader on the CPU)`, runs: 1 });
    });
  }
}

// hm-scale: a separate Node process (same lib/cf code and WebAssembly kernel as the page) so its peak RSS is its own.
if (!args.quick && !process.argv.includes('--no-hm-scale')) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/als-hm-scale.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const last = r.stdout.toString().trim().split('\n').at(-1) ?? '';
  let res = null;
  try {
    res = JSON.parse(last);
  } catch {
    console.error(`als: hm-scale run gave no result (exit ${r.status}, signal ${r.signal}): ${last}`);
  }
  if (res?.ok) {
    const size = { users: res.users, items: res.items, nnz: res.nnz };
    report({ bench: BENCH, figure: 'seconds_per_iteration', dataset: 'hm-scale demo', size, ours: res.secondsPerIteration, peer: null, peer_value: null, better: 'lower', backend: 'node-cpu', variant: `cg, WebAssembly SIMD kernel, k=${res.factors}, ${res.iterations} iterations`, runs: res.iterations });
    report({ bench: BENCH, figure: 'peak_memory_bytes', dataset: 'hm-scale demo', size, ours: res.peakRssBytes, peer: null, peer_value: null, better: 'lower', backend: 'node-cpu', variant: 'peak RSS of the whole process (generation + matrix + fit)', runs: 1 });
    report({ bench: BENCH, figure: 'seconds', dataset: 'hm-scale demo', size, ours: res.fitSeconds, peer: null, peer_value: null, better: 'lower', backend: 'node-cpu', variant: `fit (${res.iterations} iterations, matrix building excluded: ${res.prepareSeconds.toFixed(1)} s)`, runs: 1 });
  } else if (res) console.error(`als: hm-scale does not fit: ${res.reason}`);
}
writeResults(BENCH);
