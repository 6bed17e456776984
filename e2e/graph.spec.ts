import { expect, test, type Page } from '@playwright/test';
import { loadTinyDemo, openNotebook, runCell, setParam } from './helpers';

/** Rows of the table titled `title` in the graph cell, as text cells. */
async function tableRows(page: Page, title: string | RegExp): Promise<string[][]> {
  const output = page.getByTestId('cell-graph').locator('.output').filter({ has: page.locator('h3', { hasText: title }) }).first();
  return output.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')));
}

test('the Graph cell loads the demo into Neo4j with visible progress, is idempotent, and browses a customer', async ({ page }) => {
  await openNotebook(page, '?backend=wasm');
  await loadTinyDemo(page);
  // Other specs may have written this dataset's graph already: start from an empty one.
  await page.locator('#graph-replace').selectOption('always');

  // Record every progress text the cell shows: on a quiet machine the tiny load can
  // finish before a poll would see the bar, so watch the DOM instead of polling it.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __graphProgress: string[] }).__graphProgress = seen;
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="progress-graph"]');
      if (el?.textContent && seen.at(-1) !== el.textContent) seen.push(el.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // runCell names the cell's error if it fails (reading the error element only then: a
  // done cell has none, and waiting for it would hang the test).
  const cell = await runCell(page, 'graph');
  // Progress was on screen, with done/total and the phase names.
  const seen = await page.evaluate(() => (window as unknown as { __graphProgress: string[] }).__graphProgress);
  expect(seen.some((t) => /(Products and catalogue|Customers|PURCHASED).*\d+ \/ \d+/.test(t)), seen.join('\n')).toBe(true);

  // The counts in Neo4j equal the dataset's, row by row.
  await expect(cell.locator('h3', { hasText: 'Neo4j matches the dataset' })).toBeVisible();
  const counts = await tableRows(page, 'Neo4j matches the dataset');
  expect(counts.map((r) => r[0])).toEqual(['customers', 'products', 'PURCHASED', 'units (Σ quantity)']);
  for (const r of counts) expect(r[2], `${r[0]} in Neo4j`).toBe(r[1]);
  expect(Number(counts[2][1].replace(/,/g, ''))).toBeGreaterThan(0);

  // Browse: the busiest customer's neighbourhood picture, purchases, departments and neighbours.
  await expect(cell.locator('[data-kind="graph"]')).toHaveCount(1);
  await expect(cell.locator('h3', { hasText: 'Purchases (newest first)' })).toBeVisible();
  expect((await tableRows(page, 'Departments bought from')).length).toBeGreaterThan(0);
  const neighbours = await tableRows(page, 'Customers sharing the most products');
  expect(neighbours.length).toBeGreaterThan(0);

  // A second run writes nothing; browsing a neighbour shows that customer.
  const other = neighbours[0][0];
  await page.locator('#graph-replace').selectOption('auto');
  await setParam(page, 'graph-customer', other);
  await runCell(page, 'graph');
  await expect(cell).toContainText('This dataset was already loaded: nothing was written');
  const again = await tableRows(page, 'Neo4j matches the dataset');
  expect(again.map((r) => r[3])).toEqual(['0', '0', '0', '–']);
  await expect(cell.locator('.metrics', { hasText: 'PURCHASED relationships' }).first()).toBeVisible();
  await expect(cell).toContainText(`Customer ${other}`);
});
