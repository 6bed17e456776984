/**
 * The Image embeddings cell in the browser refuses to write SIMILAR into a graph that holds another
 * dataset: the tiny demo is loaded into Neo4j, then the small demo is loaded in the Data cell and the
 * embeddings cell run alone; it fails naming both datasets and the Graph cell, and writes nothing.
 * (test/integration/similar-dataset.test.ts checks the same rule on the real Neo4j headless, and that
 * the write goes ahead once the Graph cell has loaded the dataset.)
 */
import { expect, test } from '@playwright/test';
import { loadTinyDemo, openNotebook, runCell } from './helpers';

test('SIMILAR is not written into another dataset’s graph: the cell says which datasets and what to do', async ({ page }) => {
  const errors = await openNotebook(page);
  await loadTinyDemo(page);
  await runCell(page, 'graph');
  await page.locator('#data-source').selectOption('demo-small');
  await runCell(page, 'data');
  await page.locator('#embeddings-backbone').selectOption('histogram');
  await expect(page.locator('#embeddings-writeNeo4j')).toBeChecked();
  const cell = await runCell(page, 'embeddings', 'error');
  await expect(cell.getByTestId('error-embeddings')).toContainText(/Neo4j holds Demo \(tiny, seed 42\) \(fingerprint [0-9a-f]{12}\), not this notebook's Demo \(small, seed 42\)/);
  await expect(cell.getByTestId('error-embeddings')).toContainText('SIMILAR relationships and embeddings were not written');
  await expect(cell).toContainText('Re-run the Graph cell to load Demo (small, seed 42) into Neo4j');
  expect(errors).toEqual([]);
});
