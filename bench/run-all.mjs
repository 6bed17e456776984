#!/usr/bin/env node
// run-all: a new user's first act, timed. Starts the built app (as `npm
// start`: embedded Neo4j in a temporary folder), opens it in Debian's Chromium
// with an empty profile, without and with --enable-unsafe-webgpu (automatic
// backend in both), clicks Run all on the default demo and prints `seconds`
// per cell (variant: the cell id) and in total (variant: total), then clicks
// Run all again with nothing changed (variant: second-run-total). Each line
// carries the backend chosen, webgpu_flag and, on the totals, the browser's
// peak_memory_bytes. No peer: `peer` is null. --quick runs the same (it is
// already small). BENCH_PORT (default 3300) is the app's port;
// BENCH_FLAGS=off|on|both (default both); BENCH_NO_BUILD=1 serves the
// existing build as it is.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findPid, samplePeakRss } from './lib/browser.mjs';
import { report, root, writeResults } from './lib/report.mjs';

const BENCH = 'run-all';
const port = Number(process.env.BENCH_PORT ?? 3300);
const base = `http://127.0.0.1:${port}`;
const flags = { off: [false], on: [true], both: [false, true] }[process.env.BENCH_FLAGS ?? 'both'];
if (!flags) throw new Error(`invalid BENCH_FLAGS: ${process.env.BENCH_FLAGS}; expected off, on or both`);

async function startApp() {
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs'), '--port', String(port), '--neo4j-port', 'auto', '--neo4j-data', 'tmp', ...(process.env.BENCH_NO_BUILD ? ['--no-build'] : [])], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NEO4J_URI: '' },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (;;) {
    const code = await Promise.race([exited.then((c) => ({ c })), new Promise((r) => setTimeout(r, 1000))]);
    if (code) throw new Error(`the app exited (code ${code.c}) before it served ${base}`);
    try {
      if ((await fetch(`${base}/`)).ok) break;
    } catch {
      /* not listening yet */
    }
  }
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}

/** Clicks Run all and waits until no cell is queued or running; returns every cell's state. */
async function runAll(page) {
  await page.getByTestId('run-all').click();
  // Each cell's end goes to stderr as it happens (a long run shows where it is).
  const seen = new Set();
  const watch = setInterval(async () => {
    const done = await page
      .evaluate(() => [...window.__atelier.getSnapshot().states.entries()].filter(([, s]) => s.status !== 'queued' && s.status !== 'running' && s.runCount > 0).map(([id, s]) => [id, s.status, s.finishedAt - s.startedAt]))
      .catch(() => []);
    for (const [id, status, ms] of done) if (!seen.has(id)) (seen.add(id), console.error(`run-all: ${id} ${status} in ${(ms / 1000).toFixed(1)} s`));
  }, 2000);
  await page.waitForFunction(
    () => {
      const rt = window.__atelier;
      if (!rt) return false;
      const states = [...rt.getSnapshot().states.values()];
      return states.every((s) => s.status !== 'queued' && s.status !== 'running') && states.some((s) => s.runCount > 0);
    },
    null,
    { timeout: 0, polling: 500 },
  );
  clearInterval(watch);
  return page.evaluate(() => {
    const rt = window.__atelier;
    return rt.cells.map((c) => {
      const s = rt.getSnapshot().states.get(c.id);
      return { id: c.id, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, error: s.error?.message ?? null, backend: s.summary?.backend ?? null };
    });
  });
}

function emit(cells, t0, t1, flag, backend, peak, prefix) {
  const size = { dataset: 'demo-small', articles: 2000, customers: 2000, transactions: 50000 };
  const fields = { webgpu_flag: flag };
  const load = os.loadavg().map((l) => l.toFixed(1)).join('/');
  if (!prefix) {
    for (const c of cells) {
      if (c.startedAt === null || c.finishedAt === null) continue;
      report({
        bench: BENCH, figure: 'seconds', dataset: 'demo-small', size, ours: (c.finishedAt - c.startedAt) / 1000, peer: null, better: 'lower',
        backend, variant: c.id, runs: 1, fields, note: c.status === 'done' ? undefined : `${c.status}: ${c.error}`,
      });
    }
  }
  const failed = cells.filter((c) => c.status !== 'done');
  report({
    bench: BENCH, figure: 'seconds', dataset: 'demo-small', size, ours: (t1 - t0) / 1000, peer: null, better: 'lower', backend,
    variant: `${prefix}total`, runs: 1, fields,
    note: `load average ${load} (1/5/15 min) on ${os.cpus().length} cores${failed.length ? `; NOT done: ${failed.map((c) => `${c.id} (${c.status}: ${c.error})`).join('; ')}` : ''}`,
  });
  report({ bench: BENCH, figure: 'peak_memory_bytes', dataset: 'demo-small', size, ours: peak, peer: null, better: 'lower', backend, variant: `${prefix}total`, runs: 1, fields });
}

const stop = await startApp();
try {
  for (const flag of flags) {
    const marker = `--atelier-bench-run=${process.pid}-${Date.now()}`;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [...CHROMIUM_ARGS, ...(flag ? ['--enable-unsafe-webgpu'] : []), marker],
    });
    try {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`run-all page error: ${e.message}`));
      await page.goto(`${base}/`);
      await page.getByTestId('notebook').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 0 });
      const pid = await findPid(marker);
      for (const prefix of ['', 'second-run-']) {
        const t0 = Date.now();
        const { result: cells, peakBytes } = await samplePeakRss(() => runAll(page), 200, pid);
        const t1 = Date.now();
        const backend = cells.find((c) => c.id === 'system')?.backend ?? 'unknown';
        emit(cells, t0, t1, flag, backend, peakBytes, prefix);
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await stop();
  writeResults(BENCH);
}
