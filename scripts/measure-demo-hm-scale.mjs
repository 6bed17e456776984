#!/usr/bin/env node
// Measures the hm-scale pipeline in the real app in headless Chromium, one tab:
// the Data cell's `hm-scale` demo (105,542 articles, 1,371,980 customers,
// 31,788,324 transactions, or a share of them with --scale), then Explore,
// Graph, Image embeddings (the demo has no photos at this scale: the cell says
// so and hands on no image neighbours), ALS, Hybrid and Evaluate. For each cell
// it prints one line: status, seconds, the browser's peak RSS while the cell
// ran (the sum over Chromium's processes, sampled every 250 ms) and the RSS
// when it started. A cell whose pre-flight memory estimate exceeds its budget
// fails before it starts; its message is printed. Not a test and not a
// benchmark (no peer): a record of what H&M scale needs on this machine.
// Usage: start the app (node scripts/start.mjs --port 3610 --no-build), then
//   node scripts/measure-demo-hm-scale.mjs http://127.0.0.1:3610 [--scale 0.1]
//     [--cells data,explore,graph,embeddings,als,hybrid,evaluate] [--param als-iterations=1 ...]
//     [--cell-limit-min 40[,hybrid=5]] [--breakdown]
// --param ID=VALUE sets a cell parameter (the input with that id) before the runs.
// --cell-limit-min cancels a cell that runs longer, per cell where named (its last progress line says how far it got).
// After Data (and after every cell with --breakdown) it prints where the tab's memory is: per Chromium process and
// big mapping (a WebAssembly memory is one mapping), DuckDB's own count, the page's heap, Chromium's per-realm figure.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../bench/lib/browser.mjs';
import { chromiumBreakdown, sampleChildrenRss } from '../bench/lib/memory.mjs';

const argv = process.argv.slice(2);
const base = argv[0];
if (!base || !/^https?:\/\//.test(base)) {
  console.error(`invalid app URL: ${JSON.stringify(base)}; expected e.g. http://127.0.0.1:3610`);
  process.exit(2);
}
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const ALL = ['data', 'explore', 'graph', 'embeddings', 'als', 'hybrid', 'evaluate'];
const cells = argv.includes('--no-explore') ? ALL.filter((c) => c !== 'explore') : flag('cells', ALL.join(',')).split(',');
for (const c of cells) {
  if (!ALL.includes(c)) {
    console.error(`invalid --cells entry: ${c}; expected some of ${ALL.join(', ')}`);
    process.exit(2);
  }
}
const scale = Number(flag('scale', '1'));
if (!(scale > 0 && scale <= 1)) {
  console.error(`invalid --scale: ${flag('scale')}; expected a number in (0, 1]`);
  process.exit(2);
}
// --cell-limit-min 25 or e.g. 25,hybrid=5: minutes a cell may run (0: no limit), per cell where named.
const limits = Object.fromEntries(flag('cell-limit-min', '0').split(',').map((e) => (e.includes('=') ? e.split('=') : ['*', e])).map(([k, v]) => [k, Number(v)]));
if (Object.values(limits).some((v) => !(v >= 0))) {
  console.error(`invalid --cell-limit-min: ${flag('cell-limit-min')}; expected minutes, e.g. 25 or 25,hybrid=5`);
  process.exit(2);
}
const limitOf = (id) => limits[id] ?? limits['*'] ?? 0;
const params = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] !== '--param') continue;
  const m = /^([\w-]+)=(.*)$/.exec(argv[i + 1] ?? '');
  if (!m) {
    console.error(`invalid --param: ${JSON.stringify(argv[i + 1])}; expected ID=VALUE, e.g. als-iterations=1`);
    process.exit(2);
  }
  params.push([m[1], m[2]]);
}
const gib = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const page = await browser.newPage();
// A cell may block the page's main thread for minutes at this scale (the ALS cell's split and weights over 31.8M
// rows): a click or an attribute read waits for it instead of failing after Playwright's 30 s.
page.setDefaultTimeout(0);
page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
await page.goto(`${base}/?backend=wasm`);
await page.getByTestId('notebook').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 0 });

async function setParam(id, value) {
  const input = page.locator(`#${id}`);
  if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
  else if ((await input.getAttribute('type')) === 'checkbox') await input.setChecked(value === 'true');
  else {
    await input.fill(value);
    await input.press('Enter');
    await input.blur();
  }
}

/** Runs a cell, printing its progress line every 10 s; returns {status, seconds, peak, start}. */
async function run(id) {
  const limitMin = limitOf(id);
  const cell = page.getByTestId(`cell-${id}`);
  // memory.mjs's sampler returns its peak when stopped: restart it at each report.
  let sampler = sampleChildrenRss({ ms: 250 });
  const start = sampler.stop();
  sampler = sampleChildrenRss({ ms: 250 });
  let peak = start;
  const peakSoFar = () => {
    peak = Math.max(peak, sampler.stop());
    sampler = sampleChildrenRss({ ms: 250 });
    return peak;
  };
  const t0 = Date.now();
  await cell.getByTestId(`run-${id}`).click();
  let cancelled = false;
  let highest = { total: 0 };
  let progress = '';
  let said = t0;
  for (;;) {
    // The status every second (a short cell ends on time), the progress line every 10 s.
    await page.waitForTimeout(1_000);
    const status = await cell.getAttribute('data-status');
    const ended = status && !['running', 'queued'].includes(status);
    const secs = (Date.now() - t0) / 1000;
    if (!ended && Date.now() - said < 10_000) continue;
    said = Date.now();
    progress = ((await cell.getByTestId(`progress-${id}`).textContent({ timeout: 1_000 }).catch(() => null)) ?? progress).replace(/\s+/g, ' ').trim();
    console.error(`${id}: ${status} after ${secs.toFixed(0)} s ${progress} (browser RSS peak so far ${gib(peakSoFar())})`);
    // The processes' big mappings at the highest of these 10-s samples (where the peak is, roughly).
    const now = chromiumBreakdown();
    const total = now.reduce((s, p) => s + p.rss, 0);
    if (total > highest.total) highest = { total, at: secs, progress, procs: now };
    if (ended) {
      const error = status === 'error' ? (await cell.getByTestId(`error-${id}`).textContent({ timeout: 5_000 }).catch(() => null))?.replace(/\s+/g, ' ').trim() : null;
      peakSoFar();
      sampler.stop();
      console.error(`${id}: highest 10-s sample: ${gib(highest.total)} at ${highest.at?.toFixed(0)} s (${highest.progress}): ${JSON.stringify(highest.procs?.map((p) => ({ type: p.type, rssMiB: Math.round(p.rss / 2 ** 20), big: p.big.map((m) => `${m.rssMiB} MiB in ${m.reservedGiB} GiB ${m.name}`) })))}`);
      return { status: cancelled ? `cancelled after ${limitMin} min` : status, error, seconds: secs, peak, start, lastProgress: cancelled ? progress : undefined };
    }
    if (limitMin > 0 && secs > limitMin * 60 && !cancelled) {
      cancelled = true;
      console.error(`${id}: over ${limitMin} min: cancelling (last progress: ${progress})`);
      await cell.getByTestId(`cancel-${id}`).click().catch(() => undefined);
    }
  }
}

/**
 * Where the tab's memory is after a cell: per Chromium process (RSS, big mappings: a WebAssembly memory is a
 * reservation of 8 GiB or more), the page's JavaScript heap, the Data cell's typed arrays, DuckDB's own
 * accounting (duckdb_memory(), database_size, row counts, memory_limit, threads), and Chromium's per-realm
 * measurement (main page vs workers) where the page is cross-origin isolated.
 */
async function breakdown() {
  // The processes first: the queries below may grow DuckDB-WASM's heap (which never shrinks).
  const procs = chromiumBreakdown().map((p) => ({ type: p.type, rssMiB: Math.round(p.rss / 2 ** 20), big: p.big.map((m) => `${m.rssMiB} MiB in ${m.reservedGiB} GiB ${m.name}`) }));
  const inPage = await page.evaluate(async () => {
    const out = {};
    const pm = performance.memory;
    if (pm) out.mainJsHeapMiB = { used: Math.round(pm.usedJSHeapSize / 2 ** 20), total: Math.round(pm.totalJSHeapSize / 2 ** 20) };
    const a = window.__atelier?.artifactsOf('data');
    if (a) {
      const log = a.interactions;
      out.logMiB = Math.round(['user', 'item', 'day', 'value', 'channel'].reduce((s, k) => s + (log[k]?.byteLength ?? 0), 0) / 2 ** 20);
      const db = a.db;
      out.duckdbMemory = (await db.rows('SELECT tag, memory_usage_bytes AS b FROM duckdb_memory() WHERE memory_usage_bytes > 0')).map((r) => `${r.tag} ${Math.round(r.b / 2 ** 20)} MiB`);
      out.databaseSize = (await db.rows('PRAGMA database_size')).map((r) => `${r.memory_usage} of ${r.memory_limit}`);
      out.settings = await db.rows("SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads', 'preserve_insertion_order')");
      // Row counts, not duckdb_tables(): its `sql` column spells out the customer_id ENUM's 1.37M values (at share 0.25 it grew DuckDB-WASM's heap by 99 MiB).
      out.rows = await db.rows('SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM transactions) AS transactions');
      // (pragma_storage_info is left out: at share 0.25 it grew DuckDB-WASM's memory to its 4 GiB and failed.)
    }
    if (globalThis.crossOriginIsolated && performance.measureUserAgentSpecificMemory) {
      const m = await Promise.race([performance.measureUserAgentSpecificMemory(), new Promise((r) => setTimeout(() => r(null), 60_000))]);
      if (m) out.realmsMiB = { total: Math.round(m.bytes / 2 ** 20), parts: m.breakdown.filter((b) => b.bytes > 2 ** 20).map((b) => `${Math.round(b.bytes / 2 ** 20)} ${b.types.join('+')} ${b.attribution.map((x) => x.url.split('/').pop() + (x.scope ? `(${x.scope})` : '')).join(',')}`) };
    }
    return out;
  }).catch((e) => ({ error: String(e) }));
  return { procs, totalMiB: procs.reduce((s, p) => s + p.rssMiB, 0), ...inPage };
}

await setParam('data-source', 'demo-hm-scale');
await setParam('data-hmScaleFraction', String(scale));
for (const [id, value] of params) await setParam(id, value);
const out = { scale, params: Object.fromEntries(params), cells: {} };
console.error(`hm-scale pipeline at scale ${scale}: ${cells.join(', ')}`);
for (const id of cells) {
  const r = await run(id);
  const line = { cell: id, status: r.status, seconds: Number(r.seconds.toFixed(1)), peak_gib: Number((r.peak / 2 ** 30).toFixed(2)), start_gib: Number((r.start / 2 ** 30).toFixed(2)) };
  if (r.error) line.error = r.error;
  if (r.lastProgress) line.last_progress = r.lastProgress;
  // The cell's pre-flight memory estimate (lib/notebook/memory.ts), as its log says it.
  const estimate = await page.getByTestId(`cell-${id}`).locator('pre.log').textContent({ timeout: 1_000 }).then((t) => /memory estimate: [^\n]*/.exec(t ?? '')?.[0]).catch(() => undefined);
  if (estimate) line.estimate = estimate;
  if (id === 'data') {
    line.metrics = await page.getByTestId('cell-data').locator('.metric').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-name'), e.querySelector('.value')?.textContent?.trim()])),
    );
  }
  console.log(JSON.stringify(line));
  if (id === 'data' || argv.includes('--breakdown')) console.error(`${id}: memory after: ${JSON.stringify(await breakdown(), null, 1)}`);
  out.cells[id] = line;
  if (id === 'data' && r.status !== 'done') break;
}
console.log(JSON.stringify({ summary: Object.fromEntries(Object.entries(out.cells).map(([k, v]) => [k, { status: v.status, seconds: v.seconds, peak_gib: v.peak_gib }])), scale }));
await browser.close();
