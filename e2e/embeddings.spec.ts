import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { bundleForPage, loadHmSample, loadTinyDemo, metric, openNotebook, runCell, setParam } from './helpers';

// WebGPU needs this flag (SwiftShader adapter); WASM ignores it.
test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } });
const root = path.resolve(__dirname, '..');
const HM = path.join(process.env.DATA_DIR ?? path.resolve(root, '../shared/data'), 'hm');
const hasHm = existsSync(path.join(HM, 'articles.parquet'));

const num = (s: string) => Number(s.replace(/[^\d.]/g, ''));

test('the gallery shows 10 neighbours for a demo product, SIMILAR lands in Neo4j, and a rerun is idempotent and cached', async ({ page }) => {
  await openNotebook(page, '?backend=wasm');
  await loadTinyDemo(page);
  // The graph first, as a user would: Neo4j may hold another dataset (earlier specs share the server),
  // and the Graph cell replaces it, so SIMILAR counts below are this dataset's alone.
  await runCell(page, 'graph');
  await setParam(page, 'embeddings-gallerySample', '2');
  const cell = await runCell(page, 'embeddings');

  const embedded = num(await metric(page, 'embeddings', 'embedded'));
  expect(embedded).toBeGreaterThan(11);
  // The CNN ran on TF.js WASM with half the logical CPUs (at least 1, at most 8: workers/wasm-threads.ts appWasmThreads).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(num(await metric(page, 'embeddings', 'TF.js WASM threads'))).toBe(Math.max(1, Math.min(Math.floor(cores / 2), 8)));
  console.log(`embeddings: ${await metric(page, 'embeddings', 'throughput')} with ${await metric(page, 'embeddings', 'TF.js WASM threads')} TF.js threads`);
  // Each gallery: the query (highlighted) then its 10 most similar products, with score · type · department.
  const gallery = cell.locator('.gallery').first();
  await expect(gallery.locator('figure')).toHaveCount(11);
  await expect(gallery.locator('figure.highlight')).toHaveCount(1);
  await expect(gallery.locator('figcaption').nth(1)).toContainText(/^\s*0?\.\d{3} · .+ · .+/);
  await expect(cell).toContainText('Precision@10');
  // The gallery's neighbours are read back from Neo4j (SIMILAR), as seed 001 queried them; no GDS in the embedded server.
  await expect(cell.getByText(/and its 10 most similar \(SIMILAR read from Neo4j\)/).first()).toBeVisible();
  await expect(cell).toContainText('GDS KNN (seed 001’s gds.knn.write) not run: the server has no Graph Data Science plugin');

  const written = num(await metric(page, 'embeddings', 'SIMILAR relationships written'));
  const inNeo4j = num(await metric(page, 'embeddings', 'SIMILAR in Neo4j'));
  expect(written).toBe(embedded * 10);
  expect(inNeo4j).toBe(embedded * 10);
  expect(num(await metric(page, 'embeddings', 'products with an embedding'))).toBe(embedded);
  const recall = Number(await metric(page, 'embeddings', 'vector index recall@k'));
  expect(recall).toBeGreaterThan(0.5);
  // Exact neighbours on the WASM backend: the SIMD kernel on one thread per core (the page is cross-origin isolated).
  expect(Number(await metric(page, 'embeddings', 'exact top-k threads'))).toBe(Math.min(64, cores));

  // A second run: every embedding from the IndexedDB cache, the same SIMILAR count in Neo4j.
  await runCell(page, 'embeddings');
  expect(num(await metric(page, 'embeddings', 'from cache'))).toBe(embedded);
  expect(num(await metric(page, 'embeddings', 'SIMILAR in Neo4j'))).toBe(embedded * 10);

  // The same-department filter keeps only neighbours from the query's department.
  await page.locator('#embeddings-sameDeptIndex').check();
  await setParam(page, 'embeddings-gallerySample', '1');
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

// ResNet50V2 runs at 64x64 here (random weights): the pure-JS cpu backend needs minutes per 224x224 image.
test('WebGPU (SwiftShader) gives the same embeddings as the cpu backend for a couple of images', async ({ page }) => {
  // bench/browser/embed.ts in compare mode: the same lib/embed code on cpu, then on webgpu, in one page.
  execFileSync(process.execPath, [path.join(root, 'scripts/vendor-models.mjs')]);
  const bundle = await bundleForPage(path.join(root, 'bench/browser/embed.ts'));
  // localhost is a secure context (WebGPU needs one); nothing listens there, page.route answers.
  const origin = 'http://localhost:47913';
  await page.route(`${origin}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="/embed.js"></script>' });
    if (url.pathname === '/embed.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
    const file = path.join(root, 'public', url.pathname);
    if (url.pathname.startsWith('/vendor/models/') && existsSync(file)) return route.fulfill({ body: readFileSync(file) });
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(`${origin}/?mode=compare&backbones=mobilenet-v2-140-hub:0,resnet50v2:64&images=2`);
  await page.waitForFunction(() => (window as { benchResult?: unknown }).benchResult !== undefined, null, { timeout: 0 });
  const r = (await page.evaluate(() => (window as { benchResult?: unknown }).benchResult)) as {
    results?: Record<string, { cpu: number[]; webgpu: number[] }>;
    adapter?: string | null;
    error?: string;
  };
  expect(r.error).toBeUndefined();
  expect(r.adapter).toBe('swiftshader');
  expect(Object.keys(r.results!)).toEqual(['mobilenet-v2-140-hub', 'resnet50v2']);
  for (const [id, { cpu, webgpu }] of Object.entries(r.results!)) {
    expect(webgpu.length, id).toBe(cpu.length);
    const scale = Math.max(...cpu.map(Math.abs));
    const worst = Math.max(...cpu.map((v, i) => Math.abs(v - webgpu[i])));
    // Float32 on both; only the summation order differs.
    expect(worst / scale, `${id}: max |webgpu - cpu| / max |cpu|`).toBeLessThan(1e-3);
  }
});

test.describe(() => {
  test.skip(!hasHm, `needs the H&M sample in ${HM} (set DATA_DIR to the shared data folder)`);

  test('a corrupt photo and a stray non-image file are counted, named and skipped; the other photos are embedded', async ({ page }) => {
    // An images folder in the Kaggle layout with 24 real photos, one photo whose bytes are not an
    // image, and a text file that is not a photo at all.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-corrupt-'));
    const photos = readdirSync(path.join(HM, 'images'))
      .sort()
      .flatMap((sub) => readdirSync(path.join(HM, 'images', sub)).sort().map((f) => ({ sub, f })))
      .slice(0, 25);
    for (const { sub, f } of photos) {
      mkdirSync(path.join(dir, 'images', sub), { recursive: true });
      copyFileSync(path.join(HM, 'images', sub, f), path.join(dir, 'images', sub, f));
    }
    const bad = photos[24];
    const badId = bad.f.replace(/\.jpg$/, '');
    writeFileSync(path.join(dir, 'images', bad.sub, bad.f), 'this is not a JPEG, only its name says so');
    writeFileSync(path.join(dir, 'images', bad.sub, 'README.txt'), 'not a photo');

    await openNotebook(page, '?backend=wasm');
    await loadHmSample(page, HM, '25 product images', path.join(dir, 'images'));

    await page.locator('#embeddings-backbone').selectOption('histogram');
    await page.locator('#embeddings-writeNeo4j').uncheck();
    await setParam(page, 'embeddings-gallerySample', 1);
    const cell = await runCell(page, 'embeddings');
    // Products are the articles the transactions use; of the 25 photos only those products' count.
    const products = num(await metric(page, 'embeddings', 'products'));
    const withoutPhoto = num(await metric(page, 'embeddings', 'without a photo (left out)'));
    const embedded = num(await metric(page, 'embeddings', 'embedded'));
    expect(num(await metric(page, 'embeddings', 'corrupt files (skipped)'))).toBe(1);
    expect(embedded).toBe(products - withoutPhoto - 1);
    expect(embedded).toBeGreaterThan(11);
    // The corrupt photo is named with its article id and the reason.
    const table = cell.locator('.output').filter({ has: page.locator('h3', { hasText: 'Files that could not be read' }) });
    await expect(table.locator('tbody tr')).toHaveCount(1);
    await expect(table.locator('tbody tr')).toContainText(badId);
    await expect(table.locator('tbody tr')).toContainText('not a decodable image');
    // Every gallery neighbour comes from the good photos.
    const gallery = cell.locator('.gallery').first();
    await expect(gallery.locator('figure')).toHaveCount(11);
    await expect(gallery).not.toContainText(badId);
  });
});
