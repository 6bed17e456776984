import { expect, test } from '@playwright/test';
import { expectAllDone, metric, openNotebook, runCell } from './helpers';

// This server (see playwright.config.ts) has NEO4J_URI pointing at a closed port.
const DOWN = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 1}`;

test('with Neo4j unreachable the System cell says how to fix it and the page keeps working', async ({ page }) => {
  await openNotebook(page, '?backend=wasm', DOWN);
  const cell = await runCell(page, 'system');
  await expect(cell).toContainText('Neo4j is not available');
  await expect(cell).toContainText('npm run neo4j');
  await expect(cell).toContainText('NEO4J_URI');
  // The browser side still works: backend and self-test are shown, and the cell can run again.
  expect(await metric(page, 'system', 'TF.js backend')).toBe('wasm');
  await runCell(page, 'system');
  await expect(page.getByTestId('run-all')).toBeEnabled();
});

test('Run all completes with Neo4j down: writes are skipped and named, Hybrid and Evaluate run in memory', async ({ page }) => {
  await openNotebook(page, '?backend=wasm', DOWN);
  // The tiny demo keeps this spec short; the skipping is the same at every size.
  await page.locator('#data-source').selectOption('demo-tiny');
  await page.getByTestId('run-all').click();
  await expectAllDone(page, ['system', 'data', 'explore', 'graph', 'embeddings', 'als', 'towers', 'hybrid', 'evaluate']);
  const graph = page.getByTestId('cell-graph');
  await expect(graph).toContainText('Neo4j writes skipped');
  await expect(graph).toContainText('re-run the Graph cell');
  const emb = page.getByTestId('cell-embeddings');
  await expect(emb).toContainText('Neo4j writes skipped');
  await expect(emb).toContainText(/SIMILAR relationships and embeddings of [\d,]+ products/);
  await expect(emb).toContainText('npm run neo4j');
  await expect(page.getByTestId('cell-hybrid')).toContainText('the filter and co-purchase ran in memory');
  await expect(page.getByTestId('cell-evaluate').locator('.metric, table').first()).toBeVisible();
});
