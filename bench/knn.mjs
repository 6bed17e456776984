#!/usr/bin/env node
// knn: exact top-10 cosine neighbours of 105,542 x 2048 seeded random vectors
// (the H&M catalogue size at ResNet50V2 width). Ours: lib/embed/knn blocked
// TF.js path on the WASM backend in headless Chromium (as the ML worker runs
// it); peer: NumPy blocked matmul + argpartition on CPU in the same run.
// Figures: seconds (median) and peak_memory_bytes (ours: summed resident
// memory of the Chromium this benchmark launched and its child processes, so
// the browser's own baseline is included; peer: the Python process's max RSS). Both hold the n x d input.
// --quick: 10,000 x 2048, one timed run each.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pageResult, withBrowserPage } from './lib/browser.mjs';
import { ensureVenv } from './lib/python.mjs';
import { median, report, root, writeResults } from './lib/report.mjs';

const BENCH = 'knn';
const quick = process.argv.includes('--quick');
const n = quick ? 10_000 : 105_542;
const d = 2048;
const k = 10;
// BENCH_RUNS / BENCH_WARMUP=0 shorten a full-size run (one full run takes over half an hour here).
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 3));
const warmup = process.env.BENCH_WARMUP !== undefined ? process.env.BENCH_WARMUP !== '0' : !quick;
const python = await ensureVenv(['numpy']);
// Same block size for both: 16M scores (64 MB) per block, as lib/embed/knn's default.
const blockRows = Math.max(1, Math.floor((16 * 1024 * 1024) / n));

/**
 * Peak summed RSS of this process's descendants (the Chromium that
 * withBrowserPage launched, with its renderer, GPU and utility processes)
 * while `work` runs. Unlike summing every chromium on the machine, this is
 * safe on a machine shared with other browsers.
 */
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

async function oursOnce() {
  const { result, peakBytes } = await withBrowserPage({ entry: 'bench/browser/knn.ts' }, async (page, { url }) =>
    sampleDescendantsRss(async () => {
      await page.goto(`${url}?n=${n}&d=${d}&k=${k}&blockRows=${blockRows}&runs=1&warmup=0`);
      return pageResult(page);
    }),
  );
  if (result.error) throw new Error(`ours: ${result.error}`);
  return { seconds: result.seconds[0], peak: peakBytes, backend: result.backend };
}

function peerOnce() {
  const p = spawnSync(python, [path.join(root, 'bench/py/knn_peer.py'), String(n), String(d), String(k), String(blockRows)], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`peer: ${p.stderr}`);
  const out = JSON.parse(p.stdout.trim().split('\n').pop());
  peerOnce.version = `NumPy ${out.numpy}`;
  return { seconds: out.seconds, peak: out.peak_memory_bytes };
}

// A warm-up of each (page and wasm compilation, BLAS threads), then alternate.
const ours = [];
const peer = [];
if (warmup) {
  await oursOnce();
  peerOnce();
}
for (let i = 0; i < runs; i++) {
  ours.push(await oursOnce());
  peer.push(peerOnce());
}
const size = { vectors: n, dim: d, k, block_rows: blockRows };
const peerName = `${peerOnce.version} blocked matmul + argpartition (CPU)`;
report({
  bench: BENCH, figure: 'seconds', dataset: 'random-uniform', size, ours: median(ours.map((o) => o.seconds)), peer: peerName,
  peer_value: median(peer.map((o) => o.seconds)), better: 'lower', backend: ours[0].backend, runs,
});
report({
  bench: BENCH, figure: 'peak_memory_bytes', dataset: 'random-uniform', size, ours: Math.max(...ours.map((o) => o.peak)), peer: peerName,
  peer_value: Math.max(...peer.map((o) => o.peak)), better: 'lower', backend: ours[0].backend, runs,
  note: 'ours: summed RSS of the benchmark Chromium and its child processes (browser baseline included); peer: Python max RSS',
});
writeResults(BENCH);
