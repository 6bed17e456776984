import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { loadTinyDemo, metric, openNotebook, runCell, setParam } from './helpers';

// WebGPU needs this flag (SwiftShader adapter); WASM ignores it. One browser serves both runs.
test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } });

/** Trains a tiny two-tower on `backend` with `engine`; returns the per-epoch train losses and the test metrics shown. */
async function trainTiny(page: Page, backend: 'wasm' | 'webgpu', engine: 'kernel' | 'tfjs' = 'tfjs') {
  await openNotebook(page, `?backend=${backend}`);
  await loadTinyDemo(page);
  await page.locator('#towers-engine').selectOption(engine);
  await setParam(page, 'towers-epochs', 3);
  await setParam(page, 'towers-dim', 8);
  await setParam(page, 'towers-batchSize', 256);
  await setParam(page, 'towers-negatives', 5);
  await setParam(page, 'towers-minUserInteractions', 1);
  await page.locator('#towers-cache').uncheck();
  const cell = await runCell(page, 'towers');
  expect(await metric(page, 'towers', 'backend')).toBe(backend);
  expect(await metric(page, 'towers', 'engine')).toBe(engine === 'kernel' ? 'WebAssembly SIMD kernel' : 'TF.js ops');
  // The loss chart: an SVG with two curves (train, validation).
  const chart = cell.locator('[data-kind="plot"]').first();
  await expect(chart.locator('svg').first()).toBeVisible();
  await expect(chart).toContainText('validation');
  const perEpoch = cell.locator('table').filter({ hasText: 'validation loss' }).first();
  const losses = (await perEpoch.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
  const ours = cell.locator('table').filter({ hasText: 'popularity' }).first().locator('tbody tr').first();
  const ndcg = Number(await ours.locator('td:nth-child(2)').textContent());
  return { losses, ndcg };
}

test('a tiny two-tower trains under WASM: the loss falls and the loss chart shows', async ({ page }) => {
  const wasm = await trainTiny(page, 'wasm');
  expect(wasm.losses).toHaveLength(3);
  expect(wasm.losses[2]).toBeLessThan(wasm.losses[0]);
  expect(wasm.ndcg).toBeGreaterThanOrEqual(0);
});

// The default engine: the WebAssembly SIMD step kernel, the same model and update as TF.js's ops.
test('the two-tower kernel engine trains the same model as TF.js ops on WASM', async ({ page }) => {
  const kernel = await trainTiny(page, 'wasm', 'kernel');
  const tfjs = await trainTiny(await page.context().newPage(), 'wasm', 'tfjs');
  expect(kernel.losses).toHaveLength(3);
  expect(kernel.losses[2]).toBeLessThan(kernel.losses[0]);
  kernel.losses.forEach((l, e) => expect(Math.abs(l - tfjs.losses[e])).toBeLessThan(2e-3));
  expect(Math.abs(kernel.ndcg - tfjs.ndcg)).toBeLessThan(0.03);
});

// Losses agree to 2e-3 (float32 kernels differ between backends; the batches and the initial
// weights are identical for a seed).
test('a tiny two-tower trains under WebGPU (SwiftShader) with the same losses as WASM', async ({ page }) => {
  const wasm = await trainTiny(page, 'wasm');
  const gpu = await trainTiny(await page.context().newPage(), 'webgpu');
  expect(gpu.losses).toHaveLength(3);
  gpu.losses.forEach((l, e) => expect(Math.abs(l - wasm.losses[e])).toBeLessThan(2e-3));
  expect(Math.abs(gpu.ndcg - wasm.ndcg)).toBeLessThan(0.03);
});

for (const model of ['two-tower', 'mf'] as const) {
  test(`${model} checkpoints are cached in IndexedDB: after a reload the same run resumes instead of retraining`, async ({ page }) => {
    const train = async () => {
      await openNotebook(page, '?backend=wasm');
      await loadTinyDemo(page);
      await page.locator('#towers-model').selectOption(model);
      await setParam(page, 'towers-epochs', 2);
      await setParam(page, 'towers-dim', 8);
      await setParam(page, 'towers-minUserInteractions', 1);
      await page.locator('#towers-cache').check();
      await runCell(page, 'towers');
      return { resumed: Number(await metric(page, 'towers', 'resumed from cache')), loss: await metric(page, 'towers', 'final train loss') };
    };
    const first = await train();
    await page.reload();
    const second = await train();
    // Each test gets a fresh browser context, so only the second run can find a checkpoint.
    expect(first.resumed).toBe(0);
    expect(second.resumed).toBe(2);
    expect(second.loss).toBe(first.loss);
  });
}
