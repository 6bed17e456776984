/**
 * The worker's IndexedDB store (workers/ml/idb.ts) in real Chromium: a write whose value is over Chromium's limit for
 * one value aborts its transaction without failing the request, and must reject (it used to wait forever: a full-size
 * H&M ALS fit, ~0.75 GB, hung the ALS cell after its last iteration while the worker waited on the cache write).
 */
import { describe, expect, it } from 'vitest';
import { pageResult, withBrowserPage } from '../../bench/lib/browser.mjs';

type Outcome = { ok: true; value?: unknown } | { ok: false; error: string };
type Result = { bigRequest: Outcome; bigWrite: Outcome; smallRequest: Outcome; readBack: number[] | Outcome; missing: boolean[] | Outcome };

describe('idbStore in Chromium', () => {
  it('rejects a write over the value size limit (request and write), keeps working, and stores small values', async () => {
    let r: Result | undefined;
    await withBrowserPage({ entry: 'test/browser/idb.ts' }, async (page: import('playwright-core').Page, { url }: { url: string }) => {
      await page.goto(url);
      r = (await pageResult(page)) as Result;
    });
    expect(r).toBeDefined();
    const { bigRequest, bigWrite, smallRequest, readBack, missing } = r!;
    expect(bigRequest.ok).toBe(false);
    expect(bigWrite.ok).toBe(false);
    expect(!bigRequest.ok && bigRequest.error).toMatch(/too large|abort/i);
    expect(smallRequest.ok).toBe(true);
    expect(readBack).toEqual([1.5, 2.5, 3.5]);
    // Nothing of the aborted writes was kept.
    expect(missing).toEqual([true, true]);
  });
});
