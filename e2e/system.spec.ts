import { expect, test } from '@playwright/test';
import { metric, openNotebook, runCell } from './helpers';

test('System cell: WASM backend with threads, cross-origin isolation, and a real Neo4j 5.26 community', async ({ page }) => {
  const errors = await openNotebook(page, '?backend=wasm');
  const cell = await runCell(page, 'system');
  expect(await metric(page, 'system', 'TF.js backend')).toBe('wasm');
  expect(await metric(page, 'system', 'requested')).toBe('wasm');
  expect(await metric(page, 'system', 'cross-origin isolated')).toBe('yes');
  expect(await metric(page, 'system', 'WASM SIMD')).toBe('yes');
  expect(await metric(page, 'system', 'WASM threaded build')).toBe('yes');
  // Every logical CPU (at most 8), and TF.js's pool really has them (it caps at half the CPUs on its own: workers/wasm-threads.ts).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(Number(await metric(page, 'system', 'WASM threads asked'))).toBe(Math.min(cores, 8));
  expect(Number(await metric(page, 'system', 'WASM threads'))).toBe(Math.min(cores, 8));
  expect(await metric(page, 'system', 'server')).toMatch(/^Neo4j 5\.26\.\d+ community$/);
  expect(await metric(page, 'system', 'database')).toBe('neo4j');
  await expect(cell).not.toContainText('Neo4j is not available');
  expect(errors).toEqual([]);
});

test('a parameter-free re-run keeps the notebook usable and the status visible', async ({ page }) => {
  await openNotebook(page, '?backend=cpu');
  await runCell(page, 'system');
  expect(await metric(page, 'system', 'TF.js backend')).toBe('cpu');
  // Re-run works and returns to done.
  await runCell(page, 'system');
  await expect(page.getByTestId('status-system')).toHaveText('done');
});
