// Smoke entry for bench/lib/browser.mjs: reports isolation and a WASM matmul time.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

(window as unknown as { benchResult: Promise<unknown> }).benchResult = (async () => {
  setWasmPaths(`${location.origin}/vendor/tfjs/`);
  setThreadsCount(navigator.hardwareConcurrency);
  await tf.setBackend('wasm');
  const a = tf.randomNormal([512, 512]);
  await tf.matMul(a, a).data();
  const t0 = performance.now();
  await tf.matMul(a, a).data();
  return { coi: crossOriginIsolated, backend: tf.getBackend(), ms: performance.now() - t0 };
})();
