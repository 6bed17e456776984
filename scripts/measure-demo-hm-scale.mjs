#!/usr/bin/env node
// Measures the Data cell's `hm-scale` demo (105,542 articles, 1,371,980
// customers, 31,788,324 transactions) in the real app in headless Chromium:
// wall time of the Data cell, peak RSS of the browser's processes, the
// counts it shows, and then the Explore cell on it. Not a test and not a
// benchmark (no peer): a record of whether H&M scale fits this machine.
// Usage: start the app (node scripts/start.mjs --port 3610 --no-build), then
//   node scripts/measure-demo-hm-scale.mjs http://127.0.0.1:3610 [--no-explore]
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../bench/lib/browser.mjs';
import { sampleChildrenRss } from '../bench/lib/memory.mjs';

const base = process.argv[2];
if (!base || !/^https?:\/\//.test(base)) {
  console.error(`invalid app URL: ${JSON.stringify(base)}; expected e.g. http://127.0.0.1:3610`);
  process.exit(2);
}
const explore = !process.argv.includes('--no-explore');
const gib = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const page = await browser.newPage();
page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
await page.goto(`${base}/?backend=wasm`);
await page.getByTestId('notebook').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 0 });

/** Runs a cell, printing its progress line every 10 s; returns {status, seconds, peak}. */
async function run(id) {
  const cell = page.getByTestId(`cell-${id}`);
  // memory.mjs's sampler returns its peak when stopped: restart it at each report.
  let sampler = sampleChildrenRss({ ms: 250 });
  let peak = 0;
  const peakSoFar = () => {
    peak = Math.max(peak, sampler.stop());
    sampler = sampleChildrenRss({ ms: 250 });
    return peak;
  };
  const t0 = Date.now();
  await cell.getByTestId(`run-${id}`).click();
  for (;;) {
    await page.waitForTimeout(10_000);
    const status = await cell.getAttribute('data-status');
    const progress = (await cell.getByTestId(`progress-${id}`).textContent().catch(() => null)) ?? '';
    console.error(`${id}: ${status} after ${((Date.now() - t0) / 1000).toFixed(0)} s ${progress.replace(/\s+/g, ' ').trim()} (browser RSS peak so far ${gib(peakSoFar())})`);
    if (status && !['running', 'queued'].includes(status)) {
      const error = status === 'error' ? await cell.getByTestId(`error-${id}`).textContent().catch(() => null) : null;
      const seconds = (Date.now() - t0) / 1000;
      peakSoFar();
      sampler.stop();
      return { status, error, seconds, peak };
    }
  }
}

await page.getByTestId('params-data').locator('select').first().selectOption('demo-hm-scale');
const data = await run('data');
const metrics = await page.getByTestId('cell-data').locator('.metric').evaluateAll((els) =>
  Object.fromEntries(els.map((e) => [e.getAttribute('data-name'), e.querySelector('.value')?.textContent?.trim()])),
);
const out = { data: { ...data, peak_gib: Number((data.peak / 2 ** 30).toFixed(2)), metrics } };
if (explore && data.status === 'done') {
  const ex = await run('explore');
  out.explore = { ...ex, peak_gib: Number((ex.peak / 2 ** 30).toFixed(2)) };
}
console.log(JSON.stringify(out));
await browser.close();
