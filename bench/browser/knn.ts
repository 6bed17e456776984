// Browser entry for bench/knn.mjs: exact top-k cosine over seeded random
// vectors with lib/embed/knn's blocked TF.js path on the WASM backend.
// Query: n, d, k, blockRows (0 = default), runs, warmup.
// Result: {backend, seconds: number[] (one per timed run), blockRows}.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { blockedTopK, defaultBlockRows } from '../../lib/embed/knn';
import { uniformArray } from '../../lib/util/random';

declare global {
  interface Window {
    benchResult?: unknown;
  }
}

const q = new URLSearchParams(location.search);
const num = (name: string, d: number) => (q.has(name) ? Number(q.get(name)) : d);

window.benchResult = (async () => {
  setWasmPaths(`${location.origin}/vendor/tfjs/`);
  setThreadsCount(navigator.hardwareConcurrency);
  await tf.setBackend(q.get('backend') ?? 'wasm');
  const n = num('n', 10_000);
  const d = num('d', 2048);
  const k = num('k', 10);
  const blockRows = num('blockRows', 0) || defaultBlockRows(n);
  const data = uniformArray(n * d, 42, -1, 1);
  const seconds: number[] = [];
  for (let i = 0; i < num('warmup', 1) + num('runs', 3); i++) {
    const t0 = performance.now();
    const r = await blockedTopK(tf, { data, n, d }, { k, blockRows });
    if (r.indices.length !== n * k) throw new Error('short result');
    if (i >= num('warmup', 1)) seconds.push((performance.now() - t0) / 1000);
  }
  return { backend: tf.getBackend(), seconds, blockRows };
})().catch((e: Error) => ({ error: `${e.name}: ${e.message}` }));
