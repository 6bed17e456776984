import { expect, type Page, test } from '@playwright/test';
import { expectAllDone, metric, metricNumber, openNotebook } from './helpers';

const CELLS = ['system', 'data', 'explore', 'graph', 'embeddings', 'als', 'towers', 'hybrid', 'evaluate'];

/** Clicks Run all and waits for every cell to settle; fails with the first cell that did not end done. */
async function runAll(page: Page) {
  await page.getByTestId('run-all').click();
  await expectAllDone(page, CELLS);
}

test('Run all on the default demo with the automatic backend: every cell done with its key outputs; a second Run all reuses them', async ({ page }) => {
  const errors = await openNotebook(page, '');
  await runAll(page);

  // System: the backend was chosen (no override) and the choice is explained.
  expect(await metric(page, 'system', 'requested')).toBe('automatic');
  expect(['webgpu', 'webgl', 'wasm']).toContain(await metric(page, 'system', 'TF.js backend'));
  await expect(page.getByTestId('cell-system')).toContainText('How the backend was chosen');
  // Data: the default demo.
  expect(await metricNumber(page, 'data', 'articles')).toBe(2000);
  expect(await metricNumber(page, 'data', 'transactions')).toBeGreaterThan(0);
  // Explore and Graph: charts, and the graph matches the dataset.
  await expect(page.getByTestId('cell-explore').locator('[data-kind="plot"]').first()).toBeVisible();
  await expect(page.getByTestId('cell-graph')).toContainText('Neo4j matches the dataset');
  // Image embeddings: every photo embedded (drawings shared between products embedded once), a gallery, SIMILAR written.
  const embedded = await metricNumber(page, 'embeddings', 'embedded');
  expect(embedded).toBeGreaterThan(1000);
  expect(await metricNumber(page, 'embeddings', 'same photo as another product (embedded once)')).toBeGreaterThan(0);
  await expect(page.getByTestId('cell-embeddings').locator('[data-kind="images"]').first()).toBeVisible();
  expect(await metricNumber(page, 'embeddings', 'SIMILAR relationships written')).toBeGreaterThan(0);
  // ALS, Neural models, Hybrid, Evaluate.
  await expect(page.getByTestId('cell-als').locator('[data-kind="plot"]').first()).toBeVisible();
  expect(await metricNumber(page, 'towers', 'epochs')).toBeGreaterThan(0);
  expect(await metricNumber(page, 'hybrid', 'customers')).toBeGreaterThan(0);
  await expect(page.getByTestId('cell-evaluate')).toContainText('MAP@12');
  await expect(page.getByTestId('cell-evaluate')).toContainText('Kaggle submission');
  // The contents bar shows each cell's last duration.
  for (const id of CELLS) await expect(page.getByTestId(`duration-${id}`)).toBeVisible();

  // Nothing changed: the second Run all keeps every result and each cell says so.
  await runAll(page);
  for (const id of CELLS) {
    await expect(page.getByTestId(`reused-${id}`)).toContainText('Results reused');
    await expect(page.getByTestId(`duration-${id}`)).toHaveText(/reused/);
  }
  expect(errors).toEqual([]);
});
