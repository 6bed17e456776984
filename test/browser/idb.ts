/**
 * Page entry for workers/ml/idb.test.ts: the worker's IndexedDB store in real Chromium, with a value over
 * Chromium's size limit for one value (the ALS fit of a full-size H&M run is ~0.75 GB) and a small one.
 */
import { idbStore } from '../../workers/ml/idb';

type Outcome = { ok: true; value?: unknown } | { ok: false; error: string };

const settle = async (p: Promise<unknown>): Promise<Outcome> => {
  // A promise that never settles is the bug this checks; the test's own time limit is vitest's, not this page's.
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
};

async function run() {
  const store = idbStore('atelier-idb-test', 'values');
  const big = new Float32Array((200 * 1024 * 1024) / 4); // 200 MiB, over Chromium's ~127 MiB for one value
  const small = Float32Array.from([1.5, 2.5, 3.5]);
  const bigRequest = await settle(store.request('readwrite', (s) => s.put({ big }, 'big')));
  const bigWrite = await settle(store.write((s) => void s.put({ big }, 'big2')));
  const smallRequest = await settle(store.request('readwrite', (s) => s.put({ small }, 'small')));
  const readBack = await settle(store.request('readonly', (s) => s.get('small') as IDBRequest<{ small: Float32Array } | undefined>));
  const missing = await settle(store.requests((s) => [s.get('big') as IDBRequest<unknown>, s.get('big2') as IDBRequest<unknown>]));
  return {
    bigRequest,
    bigWrite,
    smallRequest,
    readBack: readBack.ok ? Array.from((readBack.value as { small: Float32Array }).small) : readBack,
    missing: missing.ok ? (missing.value as unknown[]).map((v) => v === undefined) : missing,
  };
}

(window as unknown as { benchResult: Promise<unknown> }).benchResult = run();
