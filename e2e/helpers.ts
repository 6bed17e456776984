import path from 'node:path';
import { expect, type Page } from '@playwright/test';

/** Opens the notebook (forcing a TF.js backend unless told otherwise) and waits for it. */
export async function openNotebook(page: Page, query = '?backend=wasm', base = '') {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/${query}`);
  await expect(page.getByTestId('notebook')).toHaveAttribute('data-ready', 'true');
  return errors;
}

/** Clicks a cell's Run button and waits until it is done (or fails the test with the cell's error). */
export async function runCell(page: Page, id: string, expected: 'done' | 'error' = 'done') {
  const cell = page.getByTestId(`cell-${id}`);
  await cell.getByTestId(`run-${id}`).click();
  await expect(cell).toHaveAttribute('data-status', /^(done|error|cancelled)$/);
  const status = await cell.getAttribute('data-status');
  if (status !== expected) {
    const err = await cell.getByTestId(`error-${id}`).textContent().catch(() => null);
    throw new Error(`cell ${id} ended ${status}, expected ${expected}: ${err ?? '(no error shown)'}`);
  }
  return cell;
}

/** The value shown for a named metric in a cell. */
export async function metric(page: Page, cellId: string, name: string): Promise<string> {
  const el = page.getByTestId(`cell-${cellId}`).locator(`.metric[data-name="${name}"] .value`).first();
  return (await el.textContent())?.trim() ?? '';
}

/** A metric as a number: thousands separators and a trailing unit are dropped. */
export async function metricNumber(page: Page, cellId: string, name: string): Promise<number> {
  const text = await metric(page, cellId, name);
  return Number(text.replace(/,/g, '').replace(/\s+\S+$/, ''));
}

/** Picks the tiny demo dataset in the Data cell (when it offers a choice) and runs it. */
export async function loadTinyDemo(page: Page) {
  const form = page.getByTestId('params-data');
  const select = form.locator('select').filter({ has: page.locator('option[value*="tiny"]') }).first();
  if (await select.count()) {
    const value = await select.locator('option[value*="tiny"]').first().getAttribute('value');
    await select.selectOption(value!);
  }
  await runCell(page, 'data');
}

/** Sets a cell parameter by its input id (`<cell>-<param>`), committing it like a person would. */
export async function setParam(page: Page, id: string, value: number | string) {
  const input = page.locator(`#${id}`);
  await input.fill(String(value));
  await input.press('Enter');
  await input.blur();
}

/**
 * Picks the H&M sample's three files from `hmDir` and an images folder (the sample's own by default)
 * through the Data cell's file chooser, waits for the picker to count `photos`, and runs the cell.
 */
export async function loadHmSample(page: Page, hmDir: string, photos: string, imagesDir = path.join(hmDir, 'images')) {
  await page.locator('#data-source').selectOption('hm-files');
  await page.getByTestId('data-files-input').setInputFiles([
    path.join(hmDir, 'articles.parquet'),
    path.join(hmDir, 'customers_sample.csv'),
    path.join(hmDir, 'transactions_sample.csv'),
  ]);
  await page.getByTestId('data-folder-input').setInputFiles(imagesDir);
  await expect(page.getByTestId('data-picked')).toContainText(photos);
  return runCell(page, 'data');
}
