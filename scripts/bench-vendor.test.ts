/**
 * Benchmarks prepare the files their pages load from /vendor/ themselves
 * (bench/lib/browser.mjs `prepareVendor`): on a tree with no public/vendor
 * (a fresh clone, no build) the wasm files, worker bundles and models are
 * made, a stale copy or bundle is redone, and a benchmark page then starts
 * TF.js on the WASM backend in real Chromium. A page whose entry throws
 * before setting its result fails with a message instead of waiting forever.
 * Works in a temporary folder, never in public/vendor.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareVendor, withBrowserPage, pageResult } from '../bench/lib/browser.mjs';
import { VENDOR_FILES } from './copy-vendor.mjs';
import { WORKERS, workersStale } from './build-workers.mjs';
import { VENDORED } from './vendor-models.mjs';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'atelier-vendor-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const expected = (dir: string) => [
  ...VENDOR_FILES.map(([src, sub]) => path.join(dir, sub, path.basename(src))),
  ...Object.keys(WORKERS).map((w) => path.join(dir, 'workers', `${w}.js`)),
  ...Object.keys(VENDORED).map((m) => path.join(dir, 'models', m, 'model.json')),
];

describe('bench vendor files', () => {
  it('are made in an empty folder, each copy the size of its source', async () => {
    const dir = fresh();
    const r = await prepareVendor(dir);
    expect(r.copy.copied).toBe(VENDOR_FILES.length);
    expect(r.workers.built).toBe(true);
    for (const f of expected(dir)) expect(existsSync(f), f).toBe(true);
    for (const [src, sub] of VENDOR_FILES) expect(statSync(path.join(dir, sub, path.basename(src))).size).toBe(statSync(src).size);
    expect(workersStale(path.join(dir, 'workers'))).toBeNull();
  });

  it('are redone when a copy is damaged or a worker bundle is older than its sources', async () => {
    const dir = fresh();
    await prepareVendor(dir);
    const [src, sub] = VENDOR_FILES[0];
    const copy = path.join(dir, sub, path.basename(src));
    truncateSync(copy, 10);
    const bundle = path.join(dir, 'workers', 'ml.worker.js');
    utimesSync(bundle, new Date(0), new Date(0));
    expect(workersStale(path.join(dir, 'workers'))).toMatch(/changed since the last build/);
    // A second process would prepare again: import the steps it runs directly.
    const { copyVendor } = await import('./copy-vendor.mjs');
    const { buildWorkers } = await import('./build-workers.mjs');
    expect(copyVendor(dir).copied).toBe(1);
    expect(statSync(copy).size).toBe(statSync(src).size);
    expect((await buildWorkers({ outdir: path.join(dir, 'workers'), ifStale: true })).built).toBe(true);
    expect(workersStale(path.join(dir, 'workers'))).toBeNull();
    expect(readFileSync(bundle, 'utf8').length).toBeGreaterThan(1000);
  });

  it('let a benchmark page start TF.js on the WASM backend from an empty folder', async () => {
    const dir = fresh();
    const r = (await withBrowserPage({ entry: 'bench/browser/smoke.ts', vendorDir: dir }, (page: unknown) => pageResult(page))) as { coi: boolean; backend: string; ms: number };
    expect(r.backend).toBe('wasm');
    expect(r.coi).toBe(true);
    expect(r.ms).toBeGreaterThan(0);
  });

  it('fail with a message when a benchmark page cannot start, and still wait for one that sets its result late', async () => {
    const dir = fresh();
    const broken = path.join(dir, 'broken-entry.ts');
    writeFileSync(broken, `throw new Error('this entry cannot start');\n`);
    const run = withBrowserPage({ entry: broken, vendorDir: dir }, (page: unknown) => pageResult(page));
    await expect(run).rejects.toThrow(/bench page did not start \(uncaught error: .*this entry cannot start\)/);
    const late = path.join(dir, 'late-entry.ts');
    // An uncaught error after the result is set does not count against the page.
    writeFileSync(late, `setTimeout(() => { (window as any).benchResult = 42; setTimeout(() => { throw new Error('later'); }, 10); }, 300);\n`);
    expect(await withBrowserPage({ entry: late, vendorDir: dir }, (page: unknown) => pageResult(page))).toBe(42);
  });
});
