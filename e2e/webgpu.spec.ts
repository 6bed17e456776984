import * as tf from '@tensorflow/tfjs';
import { expect, test } from '@playwright/test';
import { selfTest } from '../lib/compute/selftest';
import { SELFTEST } from '../app/notebook/cells/system-constants';
import { metric, openNotebook, runCell } from './helpers';

test('the ML worker gets WebGPU (SwiftShader) and computes the same numbers as the cpu backend', async ({ page }) => {
  await openNotebook(page, '?backend=webgpu');
  const cell = await runCell(page, 'system');
  expect(await metric(page, 'system', 'TF.js backend')).toBe('webgpu');
  await expect(cell).toContainText(/WebGPU adapter: \*?\*?google \/ swiftshader/i);

  // The self-test table: one row per value, computed in the worker on WebGPU.
  const table = cell.locator('table.data').filter({ hasText: 'row' }).last();
  await expect(cell.getByText(/Self-test on webgpu/)).toBeVisible();
  const texts = await table.locator('tbody tr td:nth-child(2)').allTextContents();
  const gpu = texts.map(Number);

  await tf.setBackend('cpu');
  const cpu = Array.from(await selfTest(tf, SELFTEST.n, SELFTEST.seed));
  expect(gpu).toHaveLength(Math.min(cpu.length, 20));
  gpu.forEach((v, i) => expect(Math.abs(v - cpu[i])).toBeLessThan(1e-4));
});
