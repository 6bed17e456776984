// Browser entry for bench/knn.mjs: exact top-k cosine over the benchmark's
// matrix (fetched from /data/knn.f32, the same bytes the NumPy peer reads),
// with lib/embed/knn: `impl=wasm` (the SIMD kernel on `threads` threads, Web
// Workers sharing its memory, as the ML worker runs it) or `impl=tfjs` (the
// blocked TF.js path on the WASM backend).
// Query: n, d, k, impl, threads, blockRows (0 = default), runs, warmup, indices (1: return them).
// Result: {backend, seconds: number[] (one per timed run), threads (used), threadsNote, kernel (which build), indices?}.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { setBackendThreaded } from '../../workers/wasm-threads';
import { blockedTopK, defaultBlockRows, wasmTopK, type KnnResult } from '../../lib/embed/knn';
import { spawnWebCgThread } from '../../workers/ml/als-threads';

declare global {
  interface Window {
    benchResult?: unknown;
  }
}

const q = new URLSearchParams(location.search);
const num = (name: string, d: number) => (q.has(name) ? Number(q.get(name)) : d);

window.benchResult = (async () => {
  const n = num('n', 10_000);
  const d = num('d', 2048);
  const k = num('k', 10);
  const impl = q.get('impl') ?? 'wasm';
  const threads = num('threads', navigator.hardwareConcurrency);
  const res = await fetch('/data/knn.f32');
  if (!res.ok) throw new Error(`fetch /data/knn.f32: ${res.status}`);
  const data = new Float32Array(await res.arrayBuffer());
  if (data.length !== n * d) throw new Error(`invalid matrix: ${data.length} floats; expected ${n} × ${d}`);
  let run: () => Promise<KnnResult & { threads?: number; threadsNote?: string | null; kernel?: string }>;
  let backend = 'wasm-kernel';
  if (impl === 'tfjs') {
    const name = q.get('backend') ?? 'wasm';
    if (!(await setBackendThreaded(name, threads))) throw new Error('backend wasm failed to initialise');
    backend = tf.getBackend();
    const blockRows = num('blockRows', 0) || defaultBlockRows(n);
    // XNNPACK's own thread count, as TF.js reports it (it may use fewer than asked).
    run = async () => ({ ...(await blockedTopK(tf, { data, n, d }, { k, blockRows })), threads: getThreadsCount(), threadsNote: null });
  } else if (impl === 'wasm') {
    const blockRows = num('blockRows', 0) || undefined;
    run = () => wasmTopK({ data, n, d }, { k, blockRows, threads, spawn: spawnWebCgThread });
  } else throw new Error(`invalid impl: ${impl}; expected wasm or tfjs`);
  const seconds: number[] = [];
  let last: Awaited<ReturnType<typeof run>> | null = null;
  for (let i = 0; i < num('warmup', 1) + num('runs', 3); i++) {
    const t0 = performance.now();
    last = await run();
    if (last.indices.length !== n * k) throw new Error('short result');
    if (i >= num('warmup', 1)) seconds.push((performance.now() - t0) / 1000);
  }
  return { backend, seconds, threads: last?.threads ?? 1, threadsNote: last?.threadsNote ?? null, kernel: last?.kernel ?? null, indices: q.get('indices') === '1' ? Array.from(last!.indices) : undefined };
})().catch((e: Error) => ({ error: `${e.name}: ${e.message}` }));
