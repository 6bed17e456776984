import { expect, test } from '@playwright/test';
import { loadTinyDemo, metric, metricNumber, openNotebook, runCell, setParam } from './helpers';

test('the ALS cell trains on the demo dataset in the worker and shows loss, holdout metrics, recommendations and look-alikes', async ({ page }) => {
  const errors = await openNotebook(page, '?backend=wasm');
  await loadTinyDemo(page);
  await setParam(page, 'als-factors', 16);
  await setParam(page, 'als-iterations', 6);
  await setParam(page, 'als-holdoutDays', 30);
  const cell = await runCell(page, 'als');

  // Training facts, with the SIMD kernel in the worker.
  expect(await metric(page, 'als', 'solver')).toBe('cg (SIMD)');
  // On a pool of threads (Web Workers sharing the kernel's memory), one per core: the page is cross-origin isolated.
  expect(await metricNumber(page, 'als', 'kernel threads')).toBe(await page.evaluate(() => navigator.hardwareConcurrency));
  // Whole numbers are shown with thousands separators.
  expect(await metricNumber(page, 'als', '(customer, article) pairs')).toBeGreaterThan(0);
  // The loss chart: one point per iteration.
  const chart = cell.locator('[data-kind="plot"]').first();
  await expect(chart.locator('svg').first()).toBeVisible();
  await expect(cell.getByTestId('output-als-1')).toContainText('Training loss per iteration');
  // Holdout metrics for ALS and the popularity baseline, all in [0, 1].
  const table = cell.locator('table').filter({ hasText: 'popularity' }).first();
  const als = table.locator('tbody tr').first();
  await expect(als.locator('td').first()).toHaveText('ALS');
  for (const col of [2, 3, 4]) {
    const v = Number((await als.locator(`td:nth-child(${col})`).textContent())?.replace(/,/g, ''));
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  // A customer's history and 12 recommendations, with photos; then an article's look-alikes.
  const galleries = cell.locator('[data-kind="images"]');
  await expect(galleries).toHaveCount(3);
  await expect(galleries.nth(0)).toContainText('last purchases before the holdout');
  await expect(galleries.nth(1).locator('figure')).toHaveCount(12);
  await expect(galleries.nth(1).locator('img').first()).toHaveAttribute('src', /.+/);
  await expect(galleries.nth(2)).toContainText('nearest articles by factor cosine');
  await expect(galleries.nth(2).locator('figure')).toHaveCount(11);

  // Degenerate input gives a clear message: filters that leave nothing to train on.
  await setParam(page, 'als-minUserCount', 100000);
  await runCell(page, 'als', 'error');
  await expect(cell.getByTestId('error-als')).toContainText('No purchases are left to train on');
  expect(errors).toEqual([]);
});
