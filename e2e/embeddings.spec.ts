import { expect, test, type Page } from '@playwright/test';
import { pageResult, withBrowserPage } from '../bench/lib/browser.mjs';
import { vendorModels } from '../scripts/vendor-models.mjs';
import { metric, openNotebook, runCell } from './helpers';

/** Picks the tiny demo dataset in the Data cell (when it offers a choice) and runs it. */
async function loadTinyDemo(page: Page) {
  const form = page.getByTestId('params-data');
  const select = form.locator('select').filter({ has: page.locator('option[value*="tiny"]') }).first();
  if (await select.count()) {
    const value = await select.locator('option[value*="tiny"]').first().getAttribute('value');
    await select.selectOption(value!);
  }
  await runCell(page, 'data');
}

async function setText(page: Page, name: string, value: string) {
  const input = page.locator(`#embeddings-${name}`);
  await input.fill(value);
  await input.press('Enter');
  await input.blur();
}

const num = (s: string) => Number(s.replace(/[^\d.]/g, ''));

test('the gallery shows 10 neighbours for a demo product, SIMILAR lands in Neo4j, and a rerun is idempotent and cached', async ({ page }) => {
  await openNotebook(page, '?backend=wasm');
  await loadTinyDemo(page);
  await setText(page, 'gallerySample', '2');
  const cell = await runCell(page, 'embeddings');

  const embedded = num(await metric(page, 'embeddings', 'embedded'));
  expect(embedded).toBeGreaterThan(11);
  // Each gallery: the query (highlighted) then its 10 most similar products, with score · type · department.
  const gallery = cell.locator('.gallery').first();
  await expect(gallery.locator('figure')).toHaveCount(11);
  await expect(gallery.locator('figure.highlight')).toHaveCount(1);
  await expect(gallery.locator('figcaption').nth(1)).toContainText(/^\s*0?\.\d{3} · .+ · .+/);
  await expect(cell).toContainText('Precision@10');

  const written = num(await metric(page, 'embeddings', 'SIMILAR relationships written'));
  const inNeo4j = num(await metric(page, 'embeddings', 'SIMILAR in Neo4j'));
  expect(written).toBe(embedded * 10);
  expect(inNeo4j).toBe(embedded * 10);
  expect(num(await metric(page, 'embeddings', 'products with an embedding'))).toBe(embedded);
  const recall = Number(await metric(page, 'embeddings', 'vector index recall@k'));
  expect(recall).toBeGreaterThan(0.5);

  // A second run: every embedding from the IndexedDB cache, the same SIMILAR count in Neo4j.
  await runCell(page, 'embeddings');
  expect(num(await metric(page, 'embeddings', 'from cache'))).toBe(embedded);
  expect(num(await metric(page, 'embeddings', 'SIMILAR in Neo4j'))).toBe(embedded * 10);

  // The same-department filter keeps only neighbours from the query's department.
  await page.locator('#embeddings-sameDeptIndex').check();
  await setText(page, 'gallerySample', '1');
  await runCell(page, 'embeddings');
  const g = page.getByTestId('cell-embeddings').locator('.gallery').first();
  const captions = await g.locator('figcaption > div:first-child').allTextContents();
  const dept = (c: string) => c.split(' · ').pop()!.trim();
  for (const c of captions.slice(1)) expect(dept(c)).toBe(dept(captions[0]));
});

test('ResNet50V2 without weights says plainly that embeddings need them', async ({ page }) => {
  await openNotebook(page, '?backend=wasm');
  await loadTinyDemo(page);
  await page.locator('#embeddings-backbone').selectOption('resnet50v2');
  const cell = await runCell(page, 'embeddings', 'error');
  await expect(cell).toContainText('ResNet50V2 embeddings need weights');
});

// ResNet50V2 runs at 64x64 here: the pure-JS cpu backend needs minutes per 224x224 image.
test('WebGPU (SwiftShader) gives the same embeddings as the cpu backend for a couple of images', async () => {
  vendorModels();
  const r = (await withBrowserPage({ entry: 'bench/browser/embed.ts', webgpu: true }, async (p, { url }) => {
    await p.goto(`${url}?mode=compare&backbones=mobilenet-v2-140-hub:0,resnet50v2:64&images=2`);
    return pageResult(p);
  })) as { results?: Record<string, { cpu: number[]; webgpu: number[] }>; adapter?: string | null; error?: string };
  expect(r.error).toBeUndefined();
  expect(r.adapter).toBe('swiftshader');
  for (const [id, { cpu, webgpu }] of Object.entries(r.results!)) {
    expect(webgpu.length, id).toBe(cpu.length);
    const scale = Math.max(...cpu.map(Math.abs));
    const worst = Math.max(...cpu.map((v, i) => Math.abs(v - webgpu[i])));
    // Float32 on both; only the summation order differs.
    expect(worst / scale, `${id}: max |webgpu - cpu| / max |cpu|`).toBeLessThan(1e-3);
  }
});
