#!/usr/bin/env node
// bench/als: our implicit-feedback ALS in headless Chromium against
// `implicit` (CPU, from PyPI) on the same confidence matrix (1 + alpha·w, given
// to implicit with alpha = 1) and the same hyperparameters, on MovieLens 100k
// (u1.base/u1.test), ASOS (a seeded leave-one-out split of the train file) and
// the H&M sample (validation week 2020-09-09..15).
// Figures: seconds_per_iteration (alternating runs, medians of per-iteration
// times; ours = the WebAssembly SIMD CG kernel on a pool of THREADS threads,
// implicit with num_threads = THREADS; `--threads N` sets it, default the
// machine's cores; also both on one thread, and the TF.js solver on WASM and
// on WebGPU/SwiftShader as variants), and hit_rate_at_10, ndcg_at_10,
// map_at_12 of both libraries' factors scored by the same lib/metrics code in
// the page. Then the hm-scale demo fit (bench/node/als-hm-scale.ts): time
// per iteration and peak memory, ours and implicit's on the same confidence
// matrix and threads, or the reason it does not fit (skipped with --quick or
// --no-hm-scale: generating 31.8M purchases alone takes minutes;
// ALS_HM_SCALE=0.2 runs a scaled-down demo with the same shape statistics;
// --only-hm-scale runs it alone). Ours fits in a second process that reads the
// matrix files the first wrote, as implicit does, so both peaks cover the same work.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternate, args, dataDir, report, root, writeResults } from './lib/report.mjs';
import { pageResult, withBrowserPage } from './lib/browser.mjs';
import { ensureVenv, runPython } from './lib/python.mjs';

const BENCH = 'als';
const data = dataDir();
const PARAMS = { factors: 64, regularization: 0.05, alpha: 10, iterations: 15, cgSteps: 3, seed: 42 };
const TIMED_ITERATIONS = args.quick ? 3 : 5;
const RUNS = 3;
const DATASETS = args.quick ? ['movielens-u1'] : ['movielens-u1', 'asos', 'hm'];
const threadsAt = process.argv.indexOf('--threads');
const THREADS = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : os.availableParallelism();
if (!(Number.isInteger(THREADS) && THREADS >= 1)) throw new Error(`invalid --threads: ${process.argv[threadsAt + 1]}; expected a whole number >= 1`);

const PEER_SCRIPT = String.raw`
import json, os, sys, time
import numpy as np, scipy.sparse as sp
import implicit
from implicit.cpu.als import AlternatingLeastSquares
inp = json.load(sys.stdin)
p = inp['params']
m = sp.csr_matrix((np.array(inp['confidence'], dtype=np.float32), np.array(inp['indices'], dtype=np.int32), np.array(inp['indptr'], dtype=np.int32)), shape=(inp['nUsers'], inp['nItems']))
iters = inp['iterations']
model = AlternatingLeastSquares(factors=p['factors'], regularization=p['regularization'], alpha=1.0, iterations=iters, use_cg=True, calculate_training_loss=False, random_state=p['seed'], num_threads=inp.get('threads', 0))
times = []
model.fit(m, show_progress=False, callback=lambda it, elapsed, loss: times.append(elapsed))
out = {'seconds': times, 'version': implicit.__version__, 'threads': inp.get('threads', 0) or os.cpu_count()}
if inp['mode'] == 'fit':
    out['users'] = np.asarray(model.user_factors, dtype=np.float32).ravel().tolist()
    out['items'] = np.asarray(model.item_factors, dtype=np.float32).ravel().tolist()
print(json.dumps(out))
`;

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const onlyHmScale = process.argv.includes('--only-hm-scale');
if (!data || onlyHmScale) {
  if (!data) console.error('als: no datasets (../shared/data or DATA_DIR); only the hm-scale demo fit runs');
} else {
  const python = await ensureVenv(['implicit==0.7.2', 'scipy']);
  const env = { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const version = runPython(python, 'import json, implicit; print(json.dumps(implicit.__version__))', null, { env });
  const PEER = `implicit ${version} (CPU)`;

  await withBrowserPage({ entry: 'bench/browser/als.ts', mounts: { '/data/': data } }, async (page) => {
    await pageResult(page);
    const init = await page.evaluate(() => window.als.init('wasm'));
    console.error(`als: page backend ${init.backend}, cross-origin isolated ${init.coi}, threads ${init.threads}, wasm simd ${init.simd}`);
    for (const dataset of DATASETS) {
      let peerSeconds = null;
      const prep = await page.evaluate(([n, a]) => window.als.prepare(n, a), [dataset, PARAMS.alpha]);
      const size = { users: prep.nUsers, items: prep.nItems, nnz: prep.nnz, test_users: prep.testUsers };
      console.error(`als: ${dataset}: ${JSON.stringify(size)} (${prep.note})`);
      const peerInput = (mode, iterations, threads = THREADS) => ({ ...prep, params: PARAMS, mode, iterations, threads });
      const timedParams = { ...PARAMS, iterations: TIMED_ITERATIONS };

      for (const threads of THREADS > 1 ? [THREADS, 1] : [1]) {
        // The threads our kernel actually ran on (its pool may fall back to one), from every run.
        const used = new Set();
        let usedNote = null;
        // Where the kernel's time went (seconds per iteration by phase), from the median run.
        const phases = [];
        const times = await alternate({
          runs: RUNS,
          ours: async () => {
            const r = await page.evaluate(([p, t]) => window.als.fit(p, 'cg', false, t), [timedParams, threads]);
            used.add(r.threads);
            usedNote ??= r.threadsNote;
            if (r.phases) phases.push({ total: r.seconds.reduce((a, b) => a + b, 0) / r.seconds.length, ...Object.fromEntries(Object.entries(r.phases).map(([n, v]) => [n, v / r.seconds.length])) });
            return med(r.seconds);
          },
          peer: async () => med(runPython(python, PEER_SCRIPT, peerInput('time', TIMED_ITERATIONS, threads), { env }).seconds),
        });
        const ran = [...used].join('/');
        if (usedNote) console.error(`als: ${dataset}: ${usedNote}`);
        if (phases.length) {
          const p = [...phases].sort((a, b) => a.total - b.total)[Math.floor(phases.length / 2)];
          console.error(`als: ${dataset}, ${threads} thread(s): s/iteration ${p.total.toFixed(4)} = ${Object.entries(p).filter(([n]) => n !== 'total').map(([n, v]) => `${n} ${v.toFixed(4)}`).join(', ')}, other (fit loop) ${(p.total - p.prepare - p.gram - p.rows - p.wait).toFixed(4)}`);
        }
        report({ bench: BENCH, figure: 'seconds_per_iteration', dataset, size, ours: times.ours, peer: PEER, peer_value: times.peer, better: 'lower', backend: 'wasm', variant: `cg, WebAssembly SIMD kernel (${ran} thread${ran === '1' ? '' : 's'}${ran === String(threads) ? '' : `; ${threads} requested`})`, threads: { ours: used.size === 1 ? [...used][0] : ran, peer: threads }, runs: RUNS, note: `implicit num_threads=${threads}; k=${PARAMS.factors}` });
        if (threads === THREADS) peerSeconds = times.peer;
      }
      if (dataset === 'movielens-u1') {
        // The TF.js solver on the WASM backend, timed against the same peer figure.
        const tfjs = [];
        for (let r = 0; r < RUNS; r++) tfjs.push(med((await page.evaluate(([p]) => window.als.fit(p, 'tfjs', false), [{ ...timedParams, iterations: 2 }])).seconds));
        report({ bench: BENCH, figure: 'seconds_per_iteration', dataset, size, ours: med(tfjs), peer: PEER, peer_value: peerSeconds, better: 'lower', backend: 'wasm', variant: 'tfjs solver (batched CG in tfjs-core ops)', runs: RUNS });
        const js = [];
        for (let r = 0; r < RUNS; r++) js.push(med((await page.evaluate(([p]) => window.als.fit(p, 'cg-js', false), [{ ...timedParams, iterations: 2 }])).seconds));
        report({ bench: BENCH, figure: 'seconds_per_iteration', dataset, size, ours: med(js), peer: PEER, peer_value: peerSeconds, better: 'lower', backend: 'wasm', variant: 'cg-js, plain TypeScript CG', runs: RUNS });
      }

      const ours = await page.evaluate(([p, t]) => window.als.fit(p, 'cg', true, t), [PARAMS, THREADS]);
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
      await pageResult(page);
      const init = await page.evaluate(() => window.als.init('webgpu'));
      const prep = await page.evaluate(([n, a]) => window.als.prepare(n, a), ['movielens-u1', PARAMS.alpha]);
      const size = { users: prep.nUsers, items: prep.nItems, nnz: prep.nnz };
      const r = await page.evaluate(([p]) => window.als.fit(p, 'tfjs', false), [{ ...PARAMS, iterations: 1 }]);
      report({ bench: BENCH, figure: 'seconds_per_iteration', dataset: 'movielens-u1', size, ours: r.seconds[0], peer: null, peer_value: null, better: 'lower', backend: 'webgpu-swiftshader', variant: `tfjs solver on ${init.backend} (emulation: SwiftShader on the CPU)`, runs: 1 });
    });
  }
}

// hm-scale: a separate Node process (same lib/cf code and WebAssembly kernel as the page) so its peak RSS is its own;
// then implicit on the confidence matrix it wrote, in its own process, with the same threads.
const HM_PEER_SCRIPT = String.raw`
import json, os, resource, sys
import numpy as np, scipy.sparse as sp
import implicit
from implicit.cpu.als import AlternatingLeastSquares
inp = json.load(sys.stdin)
d = inp['dir']
shape = json.load(open(os.path.join(d, 'shape.json')))
m = sp.csr_matrix((np.fromfile(os.path.join(d, 'data.f32'), dtype=np.float32), np.fromfile(os.path.join(d, 'indices.i32'), dtype=np.int32), np.fromfile(os.path.join(d, 'indptr.i32'), dtype=np.int32)), shape=(shape['nRows'], shape['nCols']))
model = AlternatingLeastSquares(factors=inp['factors'], regularization=0.05, alpha=1.0, iterations=inp['iterations'], use_cg=True, calculate_training_loss=False, random_state=42, num_threads=inp['threads'])
times = []
model.fit(m, show_progress=False, callback=lambda it, elapsed, loss: times.append(elapsed))
print(json.dumps({'seconds': times, 'peakRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
`;
if ((!args.quick && !process.argv.includes('--no-hm-scale')) || onlyHmScale) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'als-hm-'));
  // Two processes, so our fit's peak RSS covers what implicit's does (reading the matrix + the fit):
  // one generates the demo and writes the matrix, the next reads it and fits.
  const hmRun = (env, what) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/als-hm-scale.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
      env: { ...process.env, ALS_HM_THREADS: String(THREADS), ...env },
    });
    const last = r.stdout.toString().trim().split('\n').at(-1) ?? '';
    try {
      return JSON.parse(last);
    } catch {
      console.error(`als: hm-scale ${what} gave no result (exit ${r.status}, signal ${r.signal}): ${last}`);
      return null;
    }
  };
  try {
    const gen = hmRun({ ALS_HM_MATRIX_DIR: dir, ALS_HM_FIT: '0' }, 'generation');
    const fitted = gen?.ok ? hmRun({ ALS_HM_FIT_FROM: dir }, 'fit') : gen;
    const res = fitted?.ok ? { ...gen, ...fitted, generatePeakRssBytes: gen.peakRssBytes } : fitted;
    if (res?.ok) {
      const size = { users: res.users, items: res.items, nnz: res.nnz };
      const dataset = res.scale === 1 ? 'hm-scale demo' : `hm-scale demo x${res.scale}`;
      let peer = null;
      if (data) {
        const python = await ensureVenv(['implicit==0.7.2', 'scipy']);
        const env = { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
        const version = runPython(python, 'import json, implicit; print(json.dumps(implicit.__version__))', null, { env });
        const out = runPython(python, HM_PEER_SCRIPT, { dir, factors: res.factors, iterations: res.iterations, threads: THREADS }, { env });
        peer = { name: `implicit ${version} (CPU)`, seconds: med(out.seconds), peakRssBytes: out.peakRssBytes };
      }
      report({ bench: BENCH, figure: 'seconds_per_iteration', dataset, size, ours: res.secondsPerIteration, peer: peer?.name ?? null, peer_value: peer?.seconds ?? null, better: 'lower', backend: 'node-cpu', variant: `cg, WebAssembly SIMD kernel, k=${res.factors}, ${res.iterations} iterations, same confidence matrix${res.threadsNote ? `; ${res.threadsNote}` : ''}`, threads: { ours: res.threads, peer: THREADS }, runs: res.iterations });
      report({ bench: BENCH, figure: 'peak_memory_bytes', dataset, size, ours: res.peakRssBytes, peer: peer?.name ?? null, peer_value: peer?.peakRssBytes ?? null, better: 'lower', backend: 'node-cpu', variant: 'peak RSS of each fitting process: reading the same matrix files + the fit (ours returns the factors as views into the kernel memory: one copy, as implicit keeps; the app copies them out at the end, +(users + items)·k·4 bytes)', runs: 1 });
      report({ bench: BENCH, figure: 'peak_memory_bytes', dataset, size, ours: res.generatePeakRssBytes, peer: null, peer_value: null, better: 'lower', backend: 'node-cpu', variant: 'generating the demo and building the weight matrix (its own process; no peer does this)', runs: 1 });
      report({ bench: BENCH, figure: 'seconds', dataset, size, ours: res.fitSeconds, peer: null, peer_value: null, better: 'lower', backend: 'node-cpu', variant: `fit (${res.iterations} iterations, matrix building excluded: ${res.prepareSeconds.toFixed(1)} s)`, threads: res.threads, runs: 1 });
    } else if (res) console.error(`als: hm-scale does not fit: ${res.reason}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
writeResults(BENCH);
