import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { loadHmSample, metric, openNotebook, runCell } from './helpers';

const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../shared/data');
const HM = path.join(DATA_DIR, 'hm');
const hasHm = existsSync(path.join(HM, 'transactions_sample.csv'));
if (!hasHm) console.warn(`SKIPPED: the bad-input spec needs ${HM} (set DATA_DIR to the shared data folder)`);

/** The first `n` sample transactions, each passed through `damage` (line k is 1-based data row k). */
function sampleWith(n: number, damage: (fields: string[], row: number) => string[]): string {
  const lines = readFileSync(path.join(HM, 'transactions_sample.csv'), 'utf8').split('\n');
  const rows = lines.slice(1, n + 1).map((l, k) => damage(l.split(','), k + 1).join(','));
  return [lines[0], ...rows].join('\n') + '\n';
}

async function pick(page: Page, transactions: string) {
  await page.getByTestId('data-picker').getByRole('button', { name: 'Clear' }).click();
  await page.getByTestId('data-files-input').setInputFiles([transactions, path.join(HM, 'articles.parquet'), path.join(HM, 'customers_sample.csv')]);
}

async function expectPreviousDataset(page: Page) {
  expect(await metric(page, 'data', 'transactions')).toBe('31,443');
  await expect(page.getByTestId('cell-data')).toHaveAttribute('data-status', 'error');
  await expect(page.getByTestId('error-data')).toContainText('Still using the previous dataset');
}

test.describe(() => {
  test.skip(!hasHm, `needs the H&M sample in ${HM}`);

  test('bad files on both paths fail the load, keep the previous dataset and stop Run all; a reload restores it', async ({ page }) => {
    const errors = await openNotebook(page, '?backend=wasm');
    await loadHmSample(page, HM, '2,522 product images');
    expect(await metric(page, 'data', 'transactions')).toBe('31,443');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-'));

    // Every price negative, under the default "skip bad rows": nothing would be kept, so the load fails.
    const allBad = path.join(dir, 'transactions_train.csv');
    writeFileSync(allBad, sampleWith(200, (f) => [f[0], f[1], f[2], `-${f[3]}`, f[4]]));
    await pick(page, allBad);
    await runCell(page, 'data', 'error');
    await expect(page.getByTestId('error-data')).toContainText('Load failed: transactions_train.csv, row 1, column price: expected at least one valid row, found 200 bad rows of 200 (0 kept, 0%)');
    await expectPreviousDataset(page);
    // Run all stops at the failed Data cell ...
    await page.getByTestId('run-all').click();
    await expect(page.getByTestId('cell-explore')).toHaveAttribute('data-status', 'error');
    await expect(page.getByTestId('error-explore')).toContainText('Not run: "Data" has no results');
    // ... while Explore run on its own still uses the previous dataset.
    await runCell(page, 'explore');
    await expect(page.getByTestId('cell-explore').locator('.output[data-kind="plot"]').first()).toBeVisible();

    // The large-file path (forced with the size threshold): a channel of 3 on most rows is named, and fails the load.
    await page.locator('#data-largeFileMB').fill('0');
    await page.locator('#data-largeFileMB').blur();
    const damaged = path.join(dir, 'large', 'transactions_train.csv');
    mkdirSync(path.dirname(damaged));
    writeFileSync(damaged, sampleWith(100, (f, row) => (row >= 2 ? [...f.slice(0, 4), '3'] : f)));
    await pick(page, damaged);
    await runCell(page, 'data', 'error');
    await expect(page.getByTestId('error-data')).toContainText(
      'Load failed: transactions_train.csv, row 2, column sales_channel_id: expected at least 50% of the rows to be valid, found 99 bad rows of 100 (1 kept, 1%); the first: expected one of 1, 2, found "3"',
    );
    await expectPreviousDataset(page);

    // A reload after the failed loads restores the previous dataset from browser storage.
    await page.reload();
    await expect(page.getByTestId('notebook')).toHaveAttribute('data-ready', 'true');
    await page.locator('#data-source').selectOption('hm-files');
    await runCell(page, 'data');
    await expect(page.getByTestId('cell-data')).toContainText('Restored from browser storage');
    expect(await metric(page, 'data', 'transactions')).toBe('31,443');
    expect(errors).toEqual([]);
  });
});
