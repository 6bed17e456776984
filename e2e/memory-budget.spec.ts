import { expect, test } from '@playwright/test';
import { openNotebook, runCell, setParam } from './helpers';

// The model cells estimate their memory from the dataset's sizes before they start (lib/notebook/memory.ts); a
// budget lowered under the default demo's estimate (a few MiB) makes it too large, as H&M scale would with the default.
test('a model cell whose memory estimate exceeds its budget stops before it starts, with the estimate and its inputs', async ({ page }) => {
  await openNotebook(page, '?backend=wasm');
  // The default demo (small: 50,000 transactions).
  await runCell(page, 'data');

  await setParam(page, 'als-memoryBudgetMB', 1);
  const als = await runCell(page, 'als', 'error');
  const error = als.getByTestId('error-als');
  await expect(error).toContainText(/Not started: ALS needs about \d+\.\d MiB \(/);
  await expect(error).toContainText('WebAssembly kernel: both CSRs, factors, Gram blocks');
  await expect(error).toContainText(/for rows [\d,]+, users [\d,]+, items [\d,]+, nnz [\d,]+, factors 64, threads \d+, over the memory budget of 1\.0 MiB/);
  await expect(error).toContainText('memory budget (MB)');
  // Nothing was trained: no outputs.
  await expect(als.locator('[data-testid^="output-als-"]')).toHaveCount(0);

  // The Graph cell says so the same way, before writing anything to Neo4j.
  await setParam(page, 'graph-memoryBudgetMB', 1);
  const graph = await runCell(page, 'graph', 'error');
  await expect(graph.getByTestId('error-graph')).toContainText(/Not started: Graph needs about [\d.]+ MiB .*PURCHASED columns/);

  // With the default budget the same cell runs.
  await setParam(page, 'als-memoryBudgetMB', 4096);
  await setParam(page, 'als-iterations', 2);
  await runCell(page, 'als');
});
