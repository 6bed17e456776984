import { expect, test } from '@playwright/test';
import { metric, openNotebook, runCell } from './helpers';

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
