import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { build } from 'esbuild';

/** Opens the notebook (forcing a TF.js backend unless told otherwise) and waits for it. */
export async function openNotebook(page: Page, query = '?backend=wasm', base = '') {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // E2E_CONSOLE=1 echoes the page's console, its workers and crashes (to see where a spec stands).
  if (process.env.E2E_CONSOLE) {
    const t0 = Date.now();
    const say = (...a: unknown[]) => console.log(`[page +${((Date.now() - t0) / 1000).toFixed(0)}s]`, ...a);
    page.on('console', (m) => say(m.type(), m.text().slice(0, 400)));
    page.on('crash', () => say('renderer crashed'));
    page.on('worker', (w) => (say('worker', w.url()), w.on('close', () => say('worker closed', w.url()))));
    const timer = setInterval(() => {
      page
        .evaluate(() => [...document.querySelectorAll('section.cell')].map((c) => `${c.id}:${c.getAttribute('data-status')}${c.querySelector('.progress')?.textContent?.slice(0, 90) ?? ''}`).join(' | '))
        .then((s) => say(s), () => clearInterval(timer));
    }, 20_000);
    page.on('close', () => clearInterval(timer));
  }
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
    const err = await cell.getByTestId(`error-${id}`).textContent({ timeout: 5_000 }).catch(() => null);
    throw new Error(`cell ${id} ended ${status}, expected ${expected}: ${err ?? '(no error shown)'}`);
  }
  return cell;
}

/**
 * Waits for each cell to settle and fails with the first that did not end done, naming its error.
 * The error element is read only when the cell failed: a locator's textContent() waits for its element.
 */
export async function expectAllDone(page: Page, ids: readonly string[]) {
  for (const id of ids) {
    const cell = page.getByTestId(`cell-${id}`);
    await expect(cell).toHaveAttribute('data-status', /^(done|error|cancelled)$/);
    const status = await cell.getAttribute('data-status');
    const err = status === 'done' ? null : await page.getByTestId(`error-${id}`).textContent({ timeout: 5_000 }).catch(() => null);
    expect(status, `${id} ended ${status}: ${err ?? '(no error shown)'}`).toBe('done');
  }
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

/** Bundles a TS entry for a page that the spec serves itself (page.route); returns the ES module's text. */
export async function bundleForPage(entry: string): Promise<string> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'url', 'module'],
  });
  return bundle.outputFiles[0].text;
}
