import { expect, test } from '@playwright/test';
import { loadTinyDemo, metric, openNotebook } from './helpers';

test('presenter mode: one cell at a time, moved and run from the keyboard, with notes and a clock', async ({ page }) => {
  const errors = await openNotebook(page, '?backend=wasm');
  await loadTinyDemo(page);

  // Folding: a cell's explanation and parameters go away and come back.
  const data = page.getByTestId('cell-data');
  await expect(data.locator('.explain')).toBeVisible();
  await page.getByTestId('fold-data').click();
  await expect(data.locator('.explain')).toHaveCount(0);
  await expect(data.locator('[data-kind="metrics"]').first()).toBeVisible();
  await page.getByTestId('fold-data').click();
  await expect(data.locator('.explain')).toBeVisible();

  await page.getByTestId('present').click();
  const presenter = page.getByTestId('presenter');
  await expect(presenter).toHaveAttribute('data-cell', 'system');
  await expect(page.getByTestId('presenter-position')).toHaveText('1 / 9');
  await expect(page.getByTestId('presenter-clock')).toHaveText(/\d{1,2}:\d{2}.*·\s*\d+:\d{2}/);
  // Only the presented cell is on the page; its explanation is in the notes.
  await expect(page.locator('section.cell')).toHaveCount(1);
  await expect(page.getByTestId('presenter-notes')).toContainText('Checks the machine');

  // Run from the keyboard.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cell-system')).toHaveAttribute('data-status', 'done');
  expect(await metric(page, 'system', 'TF.js backend')).toBe('wasm');

  // Arrow keys move; the ends hold.
  await page.keyboard.press('ArrowRight');
  await expect(presenter).toHaveAttribute('data-cell', 'data');
  await expect(page.getByTestId('cell-data')).toHaveAttribute('data-status', 'done');
  await page.keyboard.press('ArrowRight');
  await expect(presenter).toHaveAttribute('data-cell', 'explore');
  await page.keyboard.press('r');
  await expect(page.getByTestId('cell-explore')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('cell-explore').locator('[data-kind="plot"]').first()).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(presenter).toHaveAttribute('data-cell', 'system');
  await page.keyboard.press('End');
  await expect(presenter).toHaveAttribute('data-cell', 'evaluate');
  await expect(page.getByTestId('presenter-position')).toHaveText('9 / 9');
  // The contents bar jumps, and shows the last durations.
  await expect(page.getByTestId('duration-explore')).toBeVisible();
  await page.getByTestId('contents-data').click();
  await expect(presenter).toHaveAttribute('data-cell', 'data');

  await page.keyboard.press('Escape');
  await expect(presenter).toHaveCount(0);
  await expect(page.locator('section.cell')).toHaveCount(9);
  expect(errors).toEqual([]);
});
