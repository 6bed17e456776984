import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { loadHmSample, metric, openNotebook, runCell } from './helpers';

const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../shared/data');
const HM = path.join(DATA_DIR, 'hm');
const hasHm = existsSync(path.join(HM, 'articles.parquet'));
if (!hasHm) console.warn(`SKIPPED: the H&M file-chooser spec needs ${HM} (set DATA_DIR to the shared data folder)`);

/** The Explore charts: one plot per aggregate (weekly, price, top 20, departments, ages, per customer, per article). */
const CHARTS = ['Transactions per week', 'Price distribution', 'Top 20 articles', 'Sales by index group and department', 'Customer age', 'Purchases per customer', 'Purchases per article'];

async function expectEveryChart(page: Page) {
  const cell = page.getByTestId('cell-explore');
  for (const title of CHARTS) {
    const out = cell.locator('.output[data-kind="plot"]').filter({ hasText: title });
    await expect(out, title).toHaveCount(1);
    // Observable Plot drew marks into an SVG.
    await expect(out.locator('svg').first(), title).toBeVisible();
    expect(await out.locator('svg [aria-label] > *').count(), title).toBeGreaterThan(0);
  }
  await expect(cell.locator('.metric[data-name="density"]')).toHaveCount(1);
}

/** Every image in the cell's galleries decoded (a broken URL has naturalWidth 0). */
async function expectImagesLoaded(page: Page, cellId: string, atLeast: number) {
  const imgs = page.getByTestId(`cell-${cellId}`).locator('.gallery img');
  await expect.poll(() => imgs.count()).toBeGreaterThanOrEqual(atLeast);
  await expect
    .poll(() => imgs.evaluateAll((els) => els.filter((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0).length))
    .toBeGreaterThanOrEqual(atLeast);
}

test('demo dataset: the Data cell loads it into DuckDB and Explore shows every chart', async ({ page }) => {
  const errors = await openNotebook(page, '?backend=wasm');
  await runCell(page, 'data');
  expect(await metric(page, 'data', 'articles')).toBe('2,000');
  expect(await metric(page, 'data', 'customers')).toBe('2,000');
  expect(await metric(page, 'data', 'transactions')).toBe('50,000');
  expect(await metric(page, 'data', 'first day')).toBe('2018-09-20');
  await expectImagesLoaded(page, 'data', 12);

  await runCell(page, 'explore');
  await expectEveryChart(page);
  await expectImagesLoaded(page, 'explore', 20);
  // The editable query: a paged table and a quick chart.
  const explore = page.getByTestId('cell-explore');
  await expect(explore.locator('.output[data-kind="table"]').filter({ hasText: 'Your query' })).toContainText('product_group_name');
  await expect(explore.locator('.output[data-kind="plot"]').filter({ hasText: 'Quick chart' })).toHaveCount(1);

  // A SQL error shows DuckDB's message in the cell.
  const sql = page.locator('#explore-sql');
  await sql.fill('SELECT no_such_column FROM transactions');
  await sql.blur();
  await runCell(page, 'explore');
  await expect(explore).toContainText('SQL error: Binder Error');
  expect(errors).toEqual([]);
});

test.describe(() => {
  test.skip(!hasHm, `needs the H&M sample in ${HM}`);

  test('H&M sample through the file chooser: charts and photos; a broken file keeps the previous dataset; a reload keeps the data', async ({ page }) => {
    const errors = await openNotebook(page, '?backend=wasm');
    await loadHmSample(page, HM, '2,522 product images');
    expect(await metric(page, 'data', 'articles')).toBe('105,542');
    expect(await metric(page, 'data', 'customers')).toBe('1,364');
    expect(await metric(page, 'data', 'transactions')).toBe('31,443');
    expect(await metric(page, 'data', 'last day')).toBe('2020-09-15');
    const fingerprint = await metric(page, 'data', 'fingerprint');
    // Article ids keep their leading zero.
    await expect(page.getByTestId('cell-data').locator('table.data')).toContainText(/\b0\d{9}\b/);
    await expectImagesLoaded(page, 'data', 6);

    await runCell(page, 'explore');
    await expectEveryChart(page);
    await expectImagesLoaded(page, 'explore', 10);

    // A broken transactions file: its error is shown, the H&M sample stays loaded and usable.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-'));
    const broken = path.join(dir, 'transactions_train.csv');
    writeFileSync(broken, 't_dat,customer_id,price,sales_channel_id\n2020-09-01,abc,0.1,2\n');
    await page.getByTestId('data-picker').getByRole('button', { name: 'Clear' }).click();
    await page.getByTestId('data-files-input').setInputFiles([broken, path.join(HM, 'articles.parquet')]);
    await runCell(page, 'data', 'error');
    const dataCell = page.getByTestId('cell-data');
    await expect(dataCell).toContainText('Load failed: transactions_train.csv, column article_id: expected a column named article_id in the transactions header');
    await expect(dataCell).toContainText('Still using the previous dataset');
    expect(await metric(page, 'data', 'transactions')).toBe('31,443');
    await runCell(page, 'explore');
    await expectEveryChart(page);

    // Reload: nothing is picked, and the stored dataset comes back.
    await page.reload();
    await expect(page.getByTestId('notebook')).toHaveAttribute('data-ready', 'true');
    await page.locator('#data-source').selectOption('hm-files');
    await runCell(page, 'data');
    await expect(dataCell).toContainText('Restored from browser storage');
    expect(await metric(page, 'data', 'transactions')).toBe('31,443');
    expect(await metric(page, 'data', 'fingerprint')).toBe(fingerprint);
    await expectImagesLoaded(page, 'data', 6);
    await runCell(page, 'explore');
    await expectEveryChart(page);
    expect(errors).toEqual([]);
  });
});
