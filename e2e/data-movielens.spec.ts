import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { metric, openNotebook, runCell, setParam } from './helpers';

const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../shared/data');
const ML = path.join(DATA_DIR, 'movielens-100k');
const hasMl = existsSync(path.join(ML, 'u.data'));
if (!hasMl) console.warn(`SKIPPED: the MovieLens spec needs ${ML}/u.data (set DATA_DIR to the shared data folder)`);

test.describe(() => {
  test.skip(!hasMl, `needs MovieLens 100k in ${ML}`);

  test('MovieLens 100k through the file chooser and the column-mapping form: counts and the charts it supports', async ({ page }) => {
    // u.data has no header: the mapped reader wants one, as a person would add it.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-ml-'));
    const file = path.join(dir, 'ratings.tsv');
    writeFileSync(file, `user\tmovie\tstars\twhen\n${readFileSync(path.join(ML, 'u.data'), 'latin1')}`);

    const errors = await openNotebook(page, '?backend=wasm');
    await page.locator('#data-source').selectOption('interactions');
    await setParam(page, 'data-userColumn', 'user');
    await setParam(page, 'data-itemColumn', 'movie');
    await setParam(page, 'data-timeColumn', 'when');
    await setParam(page, 'data-weightColumn', 'stars');
    await page.getByTestId('data-files-input').setInputFiles(file);
    await expect(page.getByTestId('data-picked')).toContainText('ratings.tsv');
    await runCell(page, 'data');
    expect(await metric(page, 'data', 'transactions')).toBe('100,000');
    expect(await metric(page, 'data', 'customers')).toBe('943');
    expect(await metric(page, 'data', 'articles')).toBe('1,682');
    // Unix seconds became days: MovieLens 100k spans 1997-09-20 to 1998-04-22.
    expect(await metric(page, 'data', 'first day')).toBe('1997-09-20');
    expect(await metric(page, 'data', 'last day')).toBe('1998-04-22');

    await runCell(page, 'explore');
    const cell = page.getByTestId('cell-explore');
    for (const title of ['Transactions per week', 'Purchases per customer', 'Purchases per article']) {
      const out = cell.locator('.output[data-kind="plot"]').filter({ hasText: title });
      await expect(out, title).toHaveCount(1);
      expect(await out.locator('svg [aria-label] > *').count(), title).toBeGreaterThan(0);
    }
    // Charts that need H&M columns say so instead of failing.
    await expect(cell).toContainText('Price distribution (up to the 99th percentile): not available for this dataset');
    // 100,000 ratings over 943 × 1,682 pairs.
    expect(await metric(page, 'explore', 'density')).toBe('6.300 %');
    expect(errors).toEqual([]);
  });
});
