/**
 * The hm-scale fit for bench/als.mjs: generates the hm-scale demo (1.37M
 * customers × 105k articles, 31.8M purchases, seeded), builds the
 * recency-weighted matrix with lib/cf, and fits ALS with the WebAssembly SIMD
 * CG kernel (the same code the ML worker runs). Prints one JSON line:
 * {ok: true, users, items, nnz, secondsPerIteration, fitSeconds, peakRssBytes, ...}
 * or {ok: false, reason}.
 *
 * Two-process use (bench/als.mjs), so the fit's peak RSS is measured like
 * the peer's (reading the matrix + fit, nothing else in the process):
 * ALS_HM_MATRIX_DIR=dir ALS_HM_FIT=0 generates and writes the matrix there
 * (raw indptr.i32, indices.i32, weights.f32 (w), data.f32 (the confidence
 * 1 + alpha·w, for the peer) and shape.json) and prints the generation's
 * figures; then ALS_HM_FIT_FROM=dir reads indptr, indices and weights and
 * only fits. Without either, one process generates and fits.
 * Environment: ALS_HM_ITERATIONS (default 3), ALS_HM_FACTORS (default 64),
 * ALS_HM_SCALE (default 1: the full sizes; 0.1 scales customers, articles and
 * purchases alike, which keeps purchases per customer and per article),
 * ALS_HM_THREADS (default: the machine's cores; the kernel's thread pool;
 * `threads` in the result is what it ran on, `threadsRequested` what was asked),
 * ALS_HM_TRACE=1 (resident and peak memory after each phase, on stderr).
 * The fit keeps its factors in the kernel's memory and returns views of them
 * (`copyFactors: false`), as implicit keeps one copy of its factors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { confidenceFromWeights, fitAls, makeSolver, prepareInteractions, type AlsPhaseSeconds } from '../../lib/cf';
import { spawnNodeCgThread } from '../../lib/cf/wasm/node-threads';
import type { Csr } from '../../lib/data/csr';
import { DEMO_PRESETS, generateDemo } from '../../lib/data/demo';

const ALPHA = 10;

/** Resident and peak memory after a phase, on stderr (ALS_HM_TRACE=1). */
function trace(phase: string): void {
  if (!process.env.ALS_HM_TRACE) return;
  const st = readFileSync('/proc/self/status', 'utf8');
  const mb = (re: RegExp) => (Number(re.exec(st)?.[1] ?? 0) / 1024).toFixed(0);
  console.error(`als hm-scale memory: ${phase}: rss ${mb(/VmRSS:\s+(\d+) kB/)} MB, peak ${mb(/VmHWM:\s+(\d+) kB/)} MB`);
}

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

/** Generates the demo and builds its weight matrix; the purchase columns are dropped before returning. */
function generate(): { w: Csr; purchases: number; scale: number; genSeconds: number; prepareSeconds: number } {
  const t0 = performance.now();
  const scale = Number(process.env.ALS_HM_SCALE ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error(`invalid ALS_HM_SCALE: ${process.env.ALS_HM_SCALE}; expected a number in (0, 1]`);
  const full = DEMO_PRESETS['hm-scale'];
  const demo =
    scale === 1
      ? generateDemo('hm-scale', 42)
      : generateDemo({ articles: Math.round(full.articles * scale), customers: Math.round(full.customers * scale), transactions: Math.round(full.transactions * scale) }, 42);
  const n = demo.sizes.transactions;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const day = new Int32Array(n);
  let at = 0;
  for (const chunk of demo.transactions(1 << 20)) {
    const t = chunk.table.columns.t_dat;
    if (t.type !== 'date') throw new Error(`invalid t_dat column type: ${t.type}; expected date`);
    user.set(chunk.customer, at);
    item.set(chunk.article, at);
    day.set(t.values, at);
    at += chunk.customer.length;
  }
  const genSeconds = (performance.now() - t0) / 1000;
  trace('generated');
  console.error(`als hm-scale: generated ${at} purchases in ${genSeconds.toFixed(1)} s`);
  const t1 = performance.now();
  const prepared = prepareInteractions(
    { nUsers: demo.sizes.customers, nItems: demo.sizes.articles, user: user.subarray(0, at), item: item.subarray(0, at), day: day.subarray(0, at) },
    { weighting: 'recency', halfLifeDays: 30 },
  );
  const prepareSeconds = (performance.now() - t1) / 1000;
  const w = prepared.weights;
  trace('matrix built');
  console.error(`als hm-scale: matrix ${w.nRows} × ${w.nCols}, ${w.indices.length} pairs in ${prepareSeconds.toFixed(1)} s`);
  return { w, purchases: at, scale, genSeconds, prepareSeconds };
}

/** The weight matrix written by a generating run (ALS_HM_MATRIX_DIR). */
function readMatrix(dir: string): Csr {
  const shape = JSON.parse(readFileSync(path.join(dir, 'shape.json'), 'utf8')) as { nRows: number; nCols: number };
  const view = <T>(file: string, Ctor: new (b: ArrayBuffer, o: number, l: number) => T, bytes = 4) => {
    const b = readFileSync(path.join(dir, file));
    return new Ctor(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength / bytes);
  };
  const w = { nRows: shape.nRows, nCols: shape.nCols, indptr: view('indptr.i32', Int32Array), indices: view('indices.i32', Int32Array), data: view('weights.f32', Float32Array) };
  trace('matrix read');
  return w;
}

async function fit(w: Csr) {
  const iterations = Number(process.env.ALS_HM_ITERATIONS ?? 3);
  const factors = Number(process.env.ALS_HM_FACTORS ?? 64);
  const threads = Number(process.env.ALS_HM_THREADS ?? availableParallelism());
  const seconds: number[] = [];
  const t2 = performance.now();
  const solver = makeSolver('cg', { cg: { threads, spawn: spawnNodeCgThread } });
  let last: Partial<AlsPhaseSeconds> = {};
  // copyFactors false: the factors stay where the kernel updated them (one copy, as implicit's fit leaves
  // its own); the app's ML worker copies them out at the end instead, to transfer them (+(users + items)·k·4 bytes).
  await fitAls(w, { factors, regularization: 0.05, alpha: ALPHA, iterations, cgSteps: 3, seed: 42 }, {
    solver,
    computeLoss: false,
    copyFactors: false,
    onIteration: (i) => {
      trace(`iteration ${i.iteration}`);
      seconds.push(i.seconds);
      // Where the iteration's time went on the calling thread (the kernel's phases; the rest is the fit loop).
      const p = solver.phaseSeconds;
      const d = p && Object.entries(p).map(([n, v]) => [n, v - (last[n as keyof typeof p] ?? 0)] as const);
      if (p) last = { ...p };
      const other = d ? i.seconds - d.reduce((a, [, v]) => a + v, 0) : NaN;
      console.error(`als hm-scale: iteration ${i.iteration}/${iterations}: ${i.seconds.toFixed(1)} s${d ? ` (${d.map(([n, v]) => `${n} ${v.toFixed(1)}`).join(', ')}, other ${other.toFixed(1)})` : ''}`);
    },
  });
  const fitSeconds = (performance.now() - t2) / 1000;
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    factors,
    iterations,
    // The threads the kernel ran on (its pool falls back to one when it cannot start), and the count asked for.
    threads: solver.threadsUsed ?? 1,
    threadsRequested: threads,
    threadsNote: solver.threadsNote ?? null,
    secondsPerIteration: sorted[Math.floor(sorted.length / 2)],
    fitSeconds,
  };
}

async function main() {
  const from = process.env.ALS_HM_FIT_FROM;
  if (from) {
    const w = readMatrix(from);
    const f = await fit(w);
    console.log(JSON.stringify({ ok: true, users: w.nRows, items: w.nCols, nnz: w.indices.length, ...f, peakRssBytes: peakRss() }));
    return;
  }
  const g = generate();
  const { w } = g;
  const dir = process.env.ALS_HM_MATRIX_DIR;
  if (dir) {
    const c = confidenceFromWeights(w, ALPHA);
    writeFileSync(path.join(dir, 'indptr.i32'), w.indptr);
    writeFileSync(path.join(dir, 'indices.i32'), w.indices);
    writeFileSync(path.join(dir, 'weights.f32'), w.data);
    writeFileSync(path.join(dir, 'data.f32'), c.data);
    writeFileSync(path.join(dir, 'shape.json'), JSON.stringify({ nRows: c.nRows, nCols: c.nCols }));
  }
  const base = { ok: true, users: w.nRows, items: w.nCols, nnz: w.indices.length, purchases: g.purchases, scale: g.scale, prepareSeconds: g.prepareSeconds, generateSeconds: g.genSeconds };
  if (process.env.ALS_HM_FIT === '0') {
    console.log(JSON.stringify({ ...base, peakRssBytes: peakRss() }));
    return;
  }
  const f = await fit(w);
  console.log(JSON.stringify({ ...base, ...f, peakRssBytes: peakRss() }));
}

main().catch((err: unknown) => {
  const e = err as Error;
  console.log(JSON.stringify({ ok: false, reason: `${e.name}: ${e.message}`, peakRssBytes: peakRss() }));
  process.exitCode = 1;
});
