/**
 * The hm-scale fit for bench/als.mjs (run as its own Node process so the
 * peak RSS is this fit's alone): generates the hm-scale demo (1.37M
 * customers × 105k articles, 31.8M purchases, seeded), builds the
 * recency-weighted matrix with lib/cf, and fits ALS with the WebAssembly SIMD
 * CG kernel (the same code the ML worker runs). Prints one JSON line:
 * {ok: true, users, items, nnz, secondsPerIteration, fitSeconds, peakRssBytes, ...}
 * or {ok: false, reason}.
 * Environment: ALS_HM_ITERATIONS (default 3), ALS_HM_FACTORS (default 64),
 * ALS_HM_SCALE (default 1: the full sizes; 0.1 scales customers, articles and
 * purchases alike, which keeps purchases per customer and per article),
 * ALS_HM_THREADS (default: the machine's cores; the kernel's thread pool;
 * `threads` in the result is what it ran on, `threadsRequested` what was asked),
 * ALS_HM_MATRIX_DIR (when set, the confidence matrix 1 + alpha·w is written
 * there as raw indptr.i32, indices.i32, data.f32 and shape.json, for the
 * peer to fit the same matrix).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { confidenceFromWeights, fitAls, makeSolver, prepareInteractions } from '../../lib/cf';
import { spawnNodeCgThread } from '../../lib/cf/wasm/node-threads';
import { DEMO_PRESETS, generateDemo } from '../../lib/data/demo';

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function main() {
  const iterations = Number(process.env.ALS_HM_ITERATIONS ?? 3);
  const factors = Number(process.env.ALS_HM_FACTORS ?? 64);
  const threads = Number(process.env.ALS_HM_THREADS ?? availableParallelism());
  const alpha = 10;
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
  console.error(`als hm-scale: generated ${at} purchases in ${genSeconds.toFixed(1)} s`);
  const t1 = performance.now();
  const prepared = prepareInteractions(
    { nUsers: demo.sizes.customers, nItems: demo.sizes.articles, user: user.subarray(0, at), item: item.subarray(0, at), day: day.subarray(0, at) },
    { weighting: 'recency', halfLifeDays: 30 },
  );
  const prepareSeconds = (performance.now() - t1) / 1000;
  const w = prepared.weights;
  console.error(`als hm-scale: matrix ${w.nRows} × ${w.nCols}, ${w.indices.length} pairs in ${prepareSeconds.toFixed(1)} s`);
  const dir = process.env.ALS_HM_MATRIX_DIR;
  if (dir) {
    const c = confidenceFromWeights(w, alpha);
    writeFileSync(path.join(dir, 'indptr.i32'), c.indptr);
    writeFileSync(path.join(dir, 'indices.i32'), c.indices);
    writeFileSync(path.join(dir, 'data.f32'), c.data);
    writeFileSync(path.join(dir, 'shape.json'), JSON.stringify({ nRows: c.nRows, nCols: c.nCols }));
  }
  const seconds: number[] = [];
  const t2 = performance.now();
  const solver = makeSolver('cg', { cg: { threads, spawn: spawnNodeCgThread } });
  await fitAls(w, { factors, regularization: 0.05, alpha, iterations, cgSteps: 3, seed: 42 }, {
    solver,
    computeLoss: false,
    onIteration: (i) => {
      seconds.push(i.seconds);
      console.error(`als hm-scale: iteration ${i.iteration}/${iterations}: ${i.seconds.toFixed(1)} s`);
    },
  });
  const fitSeconds = (performance.now() - t2) / 1000;
  const sorted = [...seconds].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      ok: true,
      users: w.nRows,
      items: w.nCols,
      nnz: w.indices.length,
      purchases: at,
      factors,
      iterations,
      // The threads the kernel ran on (its pool falls back to one when it cannot start), and the count asked for.
      threads: solver.threadsUsed ?? 1,
      threadsRequested: threads,
      threadsNote: solver.threadsNote ?? null,
      scale,
      secondsPerIteration: sorted[Math.floor(sorted.length / 2)],
      fitSeconds,
      prepareSeconds,
      generateSeconds: genSeconds,
      peakRssBytes: peakRss(),
    }),
  );
}

main().catch((err: unknown) => {
  const e = err as Error;
  console.log(JSON.stringify({ ok: false, reason: `${e.name}: ${e.message}`, peakRssBytes: peakRss() }));
  process.exitCode = 1;
});
