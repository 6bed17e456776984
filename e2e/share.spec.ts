/**
 * Share and reproduce, as a person does it: run the tiny demo's Data and ALS
 * cells, save the notebook, open it in a fresh browser context (saved results
 * shown without running), re-run and compare, share by link, reload (autosave),
 * bad files, the offline HTML report, and the headless runner on the same file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { compareValue } from '../lib/notebook/compare';
import type { MetricsExport } from '../lib/notebook/export';
import { loadTinyDemo, metric, openNotebook, runCell, setParam } from './helpers';


test.describe.configure({ mode: 'serial' });

let savedPath = '';
let shareUrl = '';
let finalLoss = '';
let browserMetricsPath = '';

async function download(page: Page, action: () => Promise<unknown>, to: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), action()]);
  await d.saveAs(to);
  return to;
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

const alsRunCount = (page: Page) => page.evaluate(() => (window as unknown as { __atelier: { state(id: string): { runCount: number } } }).__atelier.state('als').runCount);

test('save after running, then open in a fresh context: saved results without running, every field from the file', async ({ page, browser }, info) => {
  await openNotebook(page);
  await loadTinyDemo(page);
  await setParam(page, 'als-factors', 32);
  await setParam(page, 'als-iterations', 6);
  await runCell(page, 'als');
  finalLoss = await metric(page, 'als', 'final loss');
  expect(finalLoss).toMatch(/^\d/);

  savedPath = await download(page, () => page.getByTestId('save-notebook').click(), info.outputPath('notebook.json'));
  const file = JSON.parse(readFileSync(savedPath, 'utf8'));
  expect(file).toMatchObject({ format: 'atelier-notebook', version: 2, seed: 42, dataset: { kind: 'demo', preset: 'tiny', seed: 42 } });
  expect(file.cells.als).toMatchObject({ status: 'done', params: { factors: 32, iterations: 6 } });
  expect(file.cells.als.summary.map_at_12).toEqual(expect.any(Number));
  const chart = file.cells.als.outputs.find((o: { kind: string }) => o.kind === 'chart');
  expect(chart.svg).toMatch(/^<svg/);
  expect(chart.data).toHaveLength(6);
  expect(file.recommendations[0]).toMatchObject({ cell: 'als', customers: expect.any(Array) });
  browserMetricsPath = await download(page, () => page.getByTestId('export').selectOption('metrics-json'), info.outputPath('metrics.json'));
  // ALS item factors as NumPy .npy (the first of the four files it offers). The option is checked first: a server
  // that is not this build (Playwright reuses whatever answers on E2E_PORT) would otherwise leave selectOption waiting.
  await expect(page.getByTestId('export').locator('option[value="als-npy"]')).toHaveCount(1);
  const npy = readFileSync(await download(page, () => page.getByTestId('export').selectOption('als-npy'), info.outputPath('als-item-factors.npy')));
  expect(npy.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  expect(npy.toString('latin1', 10, 128)).toMatch(/'descr': '<f4', 'fortran_order': False, 'shape': \(\d+, 32\)/);

  // A field showing another value and an error: opening the file must replace both.
  const fresh = await freshPage(browser);
  await openNotebook(fresh);
  await setParam(fresh, 'als-factors', 48);
  await setParam(fresh, 'als-iterations', -3);
  await expect(fresh.getByTestId('params-als').getByRole('alert')).toBeVisible();
  await fresh.getByTestId('open-notebook').setInputFiles(savedPath);
  await expect(fresh.getByTestId('toolbar-message')).toContainText('Opened notebook.json');
  await expect(fresh.locator('#als-factors')).toHaveValue('32');
  await expect(fresh.locator('#als-iterations')).toHaveValue('6');
  await expect(fresh.locator('#data-source')).toHaveValue('demo-tiny');
  await expect(fresh.getByTestId('params-als').getByRole('alert')).toHaveCount(0);
  await expect(fresh.getByTestId('status-als')).toHaveText('done');
  await expect(fresh.getByTestId('saved-als')).toContainText('saved 20');
  expect(await metric(fresh, 'als', 'final loss')).toBe(finalLoss);
  await expect(fresh.getByTestId('cell-als').getByTestId('saved-chart')).toBeVisible();
  expect(await alsRunCount(fresh)).toBe(0);

  // Re-run and compare: same demo, same seed, same code → identical (or within the stated tolerance).
  await fresh.getByTestId('rerun-compare').click();
  await expect(fresh.getByTestId('compare-als')).toBeVisible();
  await expect(fresh.getByTestId('verdict-data')).toHaveText(/^(identical|within tolerance)$/);
  await expect(fresh.getByTestId('verdict-als')).toHaveText(/^(identical|within tolerance)$/);
  await expect(fresh.getByTestId('toolbar-message')).toContainText('0 different');
  await expect(fresh.getByTestId('dataset-check')).toHaveAttribute('data-ok', 'true');
  expect(await alsRunCount(fresh)).toBe(1);
  await expect(fresh.getByTestId('saved-als')).toHaveCount(0);

  shareUrl = await (async () => {
    await page.getByTestId('share-link-button').click();
    return (await page.getByTestId('share-link').inputValue()) as string;
  })();
  expect(shareUrl).toMatch(/#notebook=[A-Za-z0-9_-]+$/);
  await fresh.context().close();
});

test('a share link opened in a fresh context reproduces the notebook', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.goto(shareUrl);
  await expect(page.getByTestId('notebook')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('toolbar-message')).toContainText('Opened the share link');
  await expect(page.locator('#als-factors')).toHaveValue('32');
  await expect(page.getByTestId('status-als')).toHaveText('done');
  expect(await metric(page, 'als', 'final loss')).toBe(finalLoss);
  expect(new URL(page.url()).hash).toBe('');
  // Run it: the same figures.
  await page.getByTestId('run-als').click();
  await expect(page.getByTestId('saved-als')).toHaveCount(0);
  await expect(page.getByTestId('status-als')).toHaveText('done');
  expect(await metric(page, 'als', 'final loss')).toBe(finalLoss);
  await page.context().close();
});

test('a reload restores parameters, statuses and outputs; bad files keep the notebook', async ({ browser }) => {
  const page = await freshPage(browser);
  await openNotebook(page);
  await loadTinyDemo(page);
  await setParam(page, 'als-factors', 16);
  await setParam(page, 'als-iterations', 4);
  await runCell(page, 'als');
  const loss = await metric(page, 'als', 'final loss');
  const bar = page.getByTestId('share-bar');
  const before = Number(await bar.getAttribute('data-autosaves'));
  await expect.poll(async () => Number(await bar.getAttribute('data-autosaves'))).toBeGreaterThan(before);
  await page.reload();
  await expect(page.getByTestId('notebook')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('toolbar-message')).toContainText('Restored the autosave of this browser');
  await expect(page.getByTestId('toolbar-message')).toContainText('saved results shown for Data, Collaborative filtering (ALS)');
  await expect(page.locator('#als-factors')).toHaveValue('16');
  await expect(page.locator('#data-source')).toHaveValue('demo-tiny');
  await expect(page.getByTestId('status-data')).toHaveText('done');
  await expect(page.getByTestId('status-als')).toHaveText('done');
  expect(await metric(page, 'als', 'final loss')).toBe(loss);

  const good = readFileSync(savedPath, 'utf8');
  const cases: [string, string, RegExp][] = [
    ['truncated.json', good.slice(0, Math.floor(good.length * 0.6)), /truncated: its JSON ends early/],
    ['corrupt.json', good.replace('"format":', '"format"::'), /not JSON/],
    ['foreign.json', JSON.stringify({ nbformat: 4, cells: [] }), /not an Atelier notebook: it has no "format"/],
    ['wrong-field.json', good.replace('"seed": 42', '"seed": "forty-two"'), /seed: /],
  ];
  for (const [name, text, message] of cases) {
    await page.getByTestId('open-notebook').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect(page.getByTestId('toolbar-message')).toContainText(name);
    await expect(page.getByTestId('toolbar-message')).toHaveText(message);
    await expect(page.getByTestId('toolbar-message')).toContainText('The open notebook is unchanged');
    await expect(page.locator('#als-factors')).toHaveValue('16');
    await expect(page.getByTestId('status-als')).toHaveText('done');
  }
  await page.context().close();
});

test('the HTML report opens in Chromium with the network off and shows every cell’s outputs', async ({ browser }, info) => {
  const page = await freshPage(browser);
  await openNotebook(page);
  await page.getByTestId('open-notebook').setInputFiles(savedPath);
  await expect(page.getByTestId('status-als')).toHaveText('done');
  const reportPath = await download(page, () => page.getByTestId('export').selectOption('report'), info.outputPath('report.html'));
  await page.context().close();

  const context = await browser.newContext({ offline: true });
  const requests: string[] = [];
  context.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
  });
  const report = await context.newPage();
  await report.goto(pathToFileURL(reportPath).href);
  const saved = JSON.parse(readFileSync(savedPath, 'utf8'));
  for (const id of ['data', 'als']) {
    await expect(report.locator(`section#${id} .output`)).toHaveCount(saved.cells[id].outputs.length);
  }
  await expect(report.locator('section#als .metric').filter({ hasText: 'final loss' })).toContainText(finalLoss);
  const chart = report.locator('section#als img.chart').first();
  await expect(chart).toBeVisible();
  expect(await chart.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const gallery = report.locator('section#als .gallery img').first();
  expect(await gallery.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const shot = info.outputPath('report.png');
  await report.screenshot({ path: shot, fullPage: true });
  await info.attach('report', { path: shot, contentType: 'image/png' });
  expect(requests).toEqual([]);
  await context.close();
});

test('the headless runner on the same notebook file gives the browser’s figures', async ({}, info) => {
  const out = info.outputPath('headless-metrics.json');
  const log = execFileSync('npx', ['tsx', '--conditions=react-server', 'scripts/notebook/cli.ts', 'run', savedPath, '--json', out, '--check'], { encoding: 'utf8' });
  writeFileSync(info.outputPath('headless.log'), log);
  expect(log).toMatch(/compare als: (identical|within tolerance)/);
  const headless = JSON.parse(readFileSync(out, 'utf8')) as MetricsExport;
  const browserMetrics = JSON.parse(readFileSync(browserMetricsPath, 'utf8')) as MetricsExport;
  expect(Object.keys(headless)).toEqual(Object.keys(browserMetrics));
  for (const id of ['data', 'als']) {
    const a = browserMetrics.cells[id].figures;
    const b = headless.cells[id].figures;
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    const differ = Object.keys(a).filter((k) => compareValue(k, a[k], b[k]) === 'different');
    expect(differ).toEqual([]);
  }
});
