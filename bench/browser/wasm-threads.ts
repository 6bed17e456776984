// TF.js WASM thread check, in the page (`?where=page`) or in a module worker
// (`?where=worker`, this same bundle): starts the backend through
// workers/wasm-threads.ts on `?threads=` threads and reports the threads the
// pool has, isolation, the build flags, and `?runs=` timed 768×768 matMuls (ms).
import * as tf from '@tensorflow/tfjs';
import { startWasm } from '../../workers/wasm-threads';

async function check(threads: number, runs: number) {
  const got = await startWasm(threads);
  const a = tf.randomNormal([768, 768]);
  await tf.matMul(a, a).data();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = tf.matMul(a, a);
    await r.data();
    r.dispose();
    ms.push(performance.now() - t0);
  }
  a.dispose();
  return {
    threads: got,
    asked: threads,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    ms,
  };
}

if (typeof window === 'undefined') {
  self.onmessage = async (e: MessageEvent<{ threads: number; runs: number }>) => {
    try {
      self.postMessage(await check(e.data.threads, e.data.runs));
    } catch (err) {
      self.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  };
} else {
  const q = new URLSearchParams(location.search);
  const threads = Number(q.get('threads') ?? navigator.hardwareConcurrency);
  const runs = Number(q.get('runs') ?? 3);
  (window as unknown as { benchResult: Promise<unknown> }).benchResult =
    q.get('where') === 'worker'
      ? new Promise((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { type: 'module' });
          w.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve({ ...e.data, where: 'worker' }));
          w.onerror = (e) => reject(new Error(`worker: ${e.message}`));
          w.postMessage({ threads, runs });
        })
      : check(threads, runs).then((r) => ({ ...r, where: 'page' }));
}
