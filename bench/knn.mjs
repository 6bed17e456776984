#!/usr/bin/env node
// knn: exact top-10 cosine neighbours of 105,542 x 2048 seeded random vectors
// (the H&M catalogue size at ResNet50V2 width). The matrix is written once to
// a file (bench/node/knn-matrix.ts) that both sides read: the page fetches it,
// the peer np.fromfile's it, so ours and the peer get the same bytes.
// Ours: lib/embed/knn `wasmTopK` (the WebAssembly SIMD kernel, scores fused
// with the top-k, on a pool of Web Workers sharing its memory) in headless
// Chromium, as the ML worker runs it; peer: NumPy blocked matmul +
// argpartition on CPU, alternating, with the same threads (OPENBLAS_NUM_THREADS).
// Figures: seconds (median) with THREADS threads each and with 1 thread each,
// and peak_memory_bytes (ours: summed resident memory of the Chromium this
// benchmark launched and its child processes, so the browser's own baseline
// and the fetched matrix are included; peer: the Python process's max RSS;
// both hold the n x d input). Each line says how many of NumPy's neighbours
// ours found (`same_neighbours`). With --tfjs, also the older blocked TF.js
// path on the WASM backend (one run, THREADS threads asked of XNNPACK).
// --quick: 10,000 x 2048, one timed run each. `--threads N` (default: cores);
// `--no-single-thread` skips the 1-thread pass (for the full size, whose runs
// take many minutes). Each time line also gives GFLOP/s per thread
// (`gflops_per_thread`): ours counts the multiply-adds it does (each pair of
// rows once, n(n+1)/2 dot products), the peer's its full product (n^2).
// `--concurrent` runs ours and the peer at the same time instead of one after
// the other (each with the same threads; the lines say `concurrent`): on a
// machine shared with other work, the two then get the same share of the
// cores over the same minutes, and a full-size pair takes about the time of
// one side. The peer's process is left out of ours' memory then.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pageResult, withBrowserPage } from './lib/browser.mjs';
import { ensureVenv } from './lib/python.mjs';
import { median, report, root, writeResults } from './lib/report.mjs';

const BENCH = 'knn';
const quick = process.argv.includes('--quick');
const concurrent = process.argv.includes('--concurrent');
const n = Number(process.env.BENCH_KNN_N ?? (quick ? 10_000 : 105_542));
const d = 2048;
const k = 10;
const threadsAt = process.argv.indexOf('--threads');
const THREADS = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : os.availableParallelism();
if (!(Number.isInteger(THREADS) && THREADS >= 1)) throw new Error(`invalid --threads: ${process.argv[threadsAt + 1]}; expected a whole number >= 1`);
// BENCH_RUNS / BENCH_WARMUP=0 shorten a full-size run.
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 3));
const warmup = process.env.BENCH_WARMUP !== undefined ? process.env.BENCH_WARMUP !== '0' : !quick;
const python = await ensureVenv(['numpy']);
// The peer's block: 16M scores (64 MB) per block, as lib/embed/knn's blocked default. Ours needs none (no score block).
const blockRows = Math.max(1, Math.floor((16 * 1024 * 1024) / n));

const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-knn-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const matrix = path.join(dir, 'knn.f32');
{
  const t0 = Date.now();
  const g = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/knn-matrix.ts'), String(n), String(d), matrix], { cwd: root, stdio: 'inherit' });
  if (g.status !== 0) throw new Error(`knn: writing the matrix failed (exit ${g.status})`);
  console.error(`knn: ${n} x ${d} matrix written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Peak summed RSS of this process's descendants (the Chromium that
 * withBrowserPage launched, with its renderer, GPU and utility processes)
 * while `work` runs. Unlike summing every chromium on the machine, this is
 * safe on a machine shared with other browsers.
 */
/** The peer's running processes, left out of ours' memory when both run at once. */
const peerPids = new Set();

async function sampleDescendantsRss(work, intervalMs = 100) {
  let peak = 0;
  const sample = () => {
    const parent = new Map();
    const rss = new Map();
    for (const pid of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      try {
        const st = readFileSync(`/proc/${pid}/status`, 'utf8');
        parent.set(Number(pid), Number(/PPid:\s+(\d+)/.exec(st)[1]));
        rss.set(Number(pid), Number(/VmRSS:\s+(\d+) kB/.exec(st)?.[1] ?? 0) * 1024);
      } catch {
        /* the process ended while sampling */
      }
    }
    let total = 0;
    for (const [pid, bytes] of rss) {
      for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
        if (peerPids.has(p) || peerPids.has(pid)) break;
        if (p === process.pid) {
          total += bytes;
          break;
        }
      }
    }
    peak = Math.max(peak, total);
  };
  const timer = setInterval(sample, intervalMs);
  try {
    sample();
    const result = await work();
    sample();
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

async function oursOnce(threads, { impl = 'wasm', indices = false } = {}) {
  const { result, peakBytes } = await withBrowserPage({ entry: 'bench/browser/knn.ts', mounts: { '/data/': dir } }, async (page, { url }) =>
    sampleDescendantsRss(async () => {
      await page.goto(`${url}?n=${n}&d=${d}&k=${k}&impl=${impl}&threads=${threads}&runs=1&warmup=0${indices ? '&indices=1' : ''}`);
      return pageResult(page);
    }),
  );
  if (result.error) throw new Error(`ours: ${result.error}`);
  if (result.threadsNote) console.error(`knn: ours: ${result.threadsNote}`);
  return { seconds: result.seconds[0], peak: peakBytes, backend: result.backend, threads: result.threads, kernel: result.kernel, indices: result.indices };
}

async function peerOnce(threads, out = null) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const child = spawn(python, [path.join(root, 'bench/py/knn_peer.py'), matrix, String(n), String(d), String(k), String(blockRows), ...(out ? [out] : [])], { env });
  peerPids.add(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  const status = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  peerPids.delete(child.pid);
  if (status !== 0) throw new Error(`peer: exit ${status}: ${stderr}`);
  const res = JSON.parse(stdout.trim().split('\n').pop());
  peerOnce.version = `NumPy ${res.numpy}`;
  return { seconds: res.seconds, peak: res.peak_memory_bytes };
}

/** Share of the peer's neighbours (n x k) that ours lists too, order aside (ties may swap the last places). */
function sameNeighbours(ours, peerFile) {
  const theirs = new Int32Array(readFileSync(peerFile).buffer.slice(0));
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const mine = new Set(ours.slice(i * k, i * k + k));
    for (let r = 0; r < k; r++) if (mine.has(theirs[i * k + r])) hit++;
  }
  return hit / (n * k);
}

const size = { vectors: n, dim: d, k, peer_block_rows: blockRows };
const threadCounts = THREADS > 1 && !process.argv.includes('--no-single-thread') ? [THREADS, 1] : [THREADS];
let same = null;
let peakOurs = 0;
let peakPeer = 0;
let backend = null;
for (const threads of threadCounts) {
  // A warm-up of each (page and wasm compilation, BLAS threads), then alternate.
  if (warmup) {
    await oursOnce(threads);
    await peerOnce(threads);
  }
  const ours = [];
  const peer = [];
  for (let i = 0; i < runs; i++) {
    const check = same === null && i === 0;
    const peerFile = check ? path.join(dir, 'peer.i32') : null;
    let o;
    if (concurrent) {
      const [a, b] = await Promise.all([oursOnce(threads, { indices: check }), peerOnce(threads, peerFile)]);
      o = a;
      peer.push(b);
    } else {
      o = await oursOnce(threads, { indices: check });
      peer.push(await peerOnce(threads, peerFile));
    }
    ours.push(o);
    if (check) {
      same = sameNeighbours(o.indices, peerFile);
      console.error(`knn: ours lists ${(100 * same).toFixed(3)}% of NumPy's neighbours`);
    }
  }
  backend = ours[0].backend;
  peakOurs = Math.max(peakOurs, ...ours.map((o) => o.peak));
  peakPeer = Math.max(peakPeer, ...peer.map((o) => o.peak));
  const used = ours[0].threads;
  report({
    bench: BENCH, figure: 'seconds', dataset: 'random-uniform (seed 42, same file for both)', size, ours: median(ours.map((o) => o.seconds)),
    peer: `${peerOnce.version} blocked matmul + argpartition (CPU)`, peer_value: median(peer.map((o) => o.seconds)), better: 'lower', backend,
    variant: `wasmTopK: ${ours[0].kernel} kernel, fused top-k, ${used} thread${used === 1 ? '' : 's'}${used === threads ? '' : ` (${threads} requested)`}`,
    threads: { ours: used, peer: threads }, runs,
    fields: {
      concurrent,
      same_neighbours: same,
      gflops_per_thread: {
        ours: +(((n * (n + 1)) / 2) * 2 * d / median(ours.map((o) => o.seconds)) / used / 1e9).toFixed(1),
        peer: +((n * n * 2 * d) / median(peer.map((o) => o.seconds)) / threads / 1e9).toFixed(1),
      },
      load_average: os.loadavg().map((l) => +l.toFixed(2)),
    },
  });
}
report({
  bench: BENCH, figure: 'peak_memory_bytes', dataset: 'random-uniform (seed 42, same file for both)', size, ours: peakOurs, peer: `${peerOnce.version} blocked matmul + argpartition (CPU)`,
  peer_value: peakPeer, better: 'lower', backend, runs,
  note: 'ours: summed RSS of the benchmark Chromium and its child processes (browser baseline and the fetched matrix included); peer: Python max RSS',
});
if (process.argv.includes('--tfjs')) {
  const o = await oursOnce(THREADS, { impl: 'tfjs' });
  const p = await peerOnce(THREADS);
  report({
    bench: BENCH, figure: 'seconds', dataset: 'random-uniform (seed 42, same file for both)', size, ours: o.seconds, peer: `${peerOnce.version} blocked matmul + argpartition (CPU)`,
    peer_value: p.seconds, better: 'lower', backend: o.backend, variant: `blockedTopK: TF.js matMul + topk, XNNPACK threads ${o.threads} (${THREADS} asked)`, threads: { ours: o.threads, peer: THREADS }, runs: 1,
  });
}
writeResults(BENCH);
