/**
 * TF.js's WASM backend in real Chromium (cross-origin isolated, through
 * bench/lib/browser.mjs) gets the threads asked for, in the page and in a
 * module worker: TF.js alone caps the pool at half the logical CPUs
 * (workers/wasm-threads.ts says why), so on a 2-core machine asking 2 gave 1.
 */
import { describe, expect, it } from 'vitest';
import { pageResult, withBrowserPage } from '../bench/lib/browser.mjs';

type Check = { threads: number; asked: number; crossOriginIsolated: boolean; hardwareConcurrency: number; multithread: boolean; ms: number[]; where: string };

describe('TF.js WASM threads', () => {
  it('the pool has the threads asked for (1, and every logical CPU up to 8), in the page and in a worker', async () => {
    const seen: Check[] = [];
    await withBrowserPage({ entry: 'bench/browser/wasm-threads.ts' }, async (page: import('playwright-core').Page, { url }: { url: string }) => {
      // The entry's first load starts a backend too: its report says the CPUs once it has started.
      await page.goto(`${url}?where=page&threads=1&runs=1`);
      const cores = ((await pageResult(page)) as Check).hardwareConcurrency;
      for (const where of ['page', 'worker']) {
        for (const threads of [1, Math.min(cores, 8)]) {
          await page.goto(`${url}?where=${where}&threads=${threads}&runs=1`);
          seen.push((await pageResult(page)) as Check);
        }
      }
    });
    expect(seen).toHaveLength(4);
    for (const r of seen) {
      expect(r.crossOriginIsolated, r.where).toBe(true);
      expect(r.multithread, r.where).toBe(true);
      // The library's own cap would have given max(1, hardwareConcurrency / 2) here.
      expect({ where: r.where, threads: r.threads }).toEqual({ where: r.where, threads: r.asked });
      expect(r.ms[0]).toBeGreaterThan(0);
    }
    expect(seen.map((r) => r.asked)).toContain(Math.min(seen[0].hardwareConcurrency, 8));
  });
});
