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
  // Half the logical CPUs (at least 1, at most 8: workers/wasm-threads.ts appWasmThreads), and TF.js's pool really has them.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const asked = Math.max(1, Math.min(Math.floor(cores / 2), 8));
  expect(Number(await metric(page, 'system', 'WASM threads asked'))).toBe(asked);
  expect(Number(await metric(page, 'system', 'WASM threads'))).toBe(asked);
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
