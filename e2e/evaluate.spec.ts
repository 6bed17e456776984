import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { loadTinyDemo, metric, openNotebook, runCell, setParam } from './helpers';

/** The strategy table's rows by name: column header → cell text. */
async function tableRows(table: Locator): Promise<Map<string, Record<string, string>>> {
  const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  const rows = new Map<string, Record<string, string>>();
  for (const tr of await table.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    rows.set(cells[0], Object.fromEntries(headers.map((h, j) => [h, cells[j]])));
  }
  return rows;
}

test('the backtest on the demo ranks strategies sensibly, with intervals, verdicts, a per-week chart, the explainer and the submission', async ({ page }) => {
  const errors = await openNotebook(page, '?backend=wasm');
  await loadTinyDemo(page);
  await setParam(page, 'embeddings-gallerySample', 1);
  await page.locator('#embeddings-writeNeo4j').uncheck();

  const evaluate = await runCell(page, 'evaluate');
  const table = evaluate.locator('table').filter({ hasText: 'MAP@12 95% CI' }).first();
  const rows = await tableRows(table);
  for (const [name, r] of rows) console.log(`evaluate: ${name} | ${Object.values(r).slice(1).join(' | ')}`);
  const map = (name: string) => Number(rows.get(name)!['MAP@12']);
  // The demo plants repeat purchases: repurchase beats random; the best strategy beats popularity.
  expect(map('repurchase')).toBeGreaterThan(map('random'));
  const best = [...rows.keys()].reduce((a, b) => (map(b) > map(a) ? b : a));
  expect(best).not.toBe('popularity');
  expect(map(best)).toBeGreaterThan(map('popularity'));
  expect(rows.has('two-stage')).toBe(true);
  // Every row shows its interval around the mean, and every row but the reference a verdict.
  for (const [name, r] of rows) {
    const m = /^\[(-?[\d.]+), (-?[\d.]+)\]$/.exec(r['MAP@12 95% CI']);
    expect(m, `${name}: ${r['MAP@12 95% CI']}`).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(map(name) + 1e-4);
    expect(Number(m![2])).toBeGreaterThanOrEqual(map(name) - 1e-4);
    expect(['better', 'not distinguishable', 'worse', 'reference']).toContain(r.verdict);
    if (r.verdict !== 'reference') expect(r['Δ 95% CI']).toMatch(/^\[-?[\d.]+, -?[\d.]+\]$/);
  }
  expect([...rows.values()].filter((r) => r.verdict === 'reference')).toHaveLength(1);
  // Random is far below the reference (a repeat-purchase baseline on this data): the verdict says worse.
  expect(rows.get('random')!.verdict).toBe('worse');

  // The per-week chart and the importance chart render.
  await expect(evaluate.locator('h3', { hasText: 'MAP@12 per test week' })).toBeVisible();
  await expect(evaluate.locator('[data-kind="plot"] svg').first()).toBeVisible();
  expect(await evaluate.locator('[data-kind="plot"] svg').count()).toBeGreaterThanOrEqual(2);

  // The explainer: 12 recommendations with their sources for a chosen customer.
  const who = (await evaluate.locator('[data-kind="markdown"]', { hasText: 'Explainer' }).locator('code').first().textContent())!.trim();
  await setParam(page, 'evaluate-customer', who);
  const again = await runCell(page, 'evaluate');
  await expect(again.locator('[data-kind="markdown"]', { hasText: 'Explainer' })).toContainText(who);
  const recs = again.locator('[data-kind="images"]').filter({ hasText: 'the 12 recommendations with their sources' });
  await expect(recs.locator('figure')).toHaveCount(12);
  for (const d of await recs.locator('figcaption .detail').allTextContents()) expect(d).toMatch(/repurchase|colours|trending|bought-together|image|als|hybrid|popularity fill/);
  await expect(again.locator('table').filter({ hasText: 'ranker score' })).toContainText('department / index');

  // The submission: the best strategy by default, 12 distinct 10-digit ids for every customer.
  expect(await metric(page, 'evaluate', 'strategy')).toContain('(the best)');
  const link = again.getByRole('link', { name: 'submission.csv' });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('submission.csv');
  const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
  expect(lines[0]).toBe('customer_id,prediction');
  expect(lines.length - 1).toBe(Number((await metric(page, 'evaluate', 'customers')).replace(/,/g, '')));
  for (const line of lines.slice(1)) {
    expect(line).toMatch(/^[0-9a-f]+,\d{10}( \d{10}){11}$/);
    expect(new Set(line.split(',')[1].split(' ')).size).toBe(12);
  }
  expect(errors).toEqual([]);
});
