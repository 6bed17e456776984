/**
 * Starts TF.js's WASM backend on the number of threads asked for.
 *
 * Why this exists: `setThreadsCount(n)` alone gives one thread on a 2-core
 * machine. tfjs-backend-wasm (4.x, src/cc/backend.cc) caps its XNNPACK thread
 * pool at `num_cores = emscripten_num_logical_cores() / 2`, i.e.
 * `navigator.hardwareConcurrency / 2` (it assumes two hyperthreads per core),
 * and reads that once, when the wasm module instantiates. With 2 logical CPUs
 * that cap is 1 whatever was asked. Measured in Chromium here: asked 2, got 1;
 * the threaded-SIMD binary and its 8 pthread workers load fine.
 *
 * So while the module instantiates, `navigator.hardwareConcurrency` reads as
 * twice the threads asked (an own property on this global's navigator,
 * removed right after), which lifts the cap to what was asked; the thread
 * count itself still comes from `setThreadsCount`. Code running in the same
 * global during that start would read the doubled value: in the ML worker
 * nothing does (app/notebook/services.ts awaits `backend.init` before any
 * other call). Only the first start of
 * the backend in a global instantiates the module; later calls change nothing
 * and `getThreadsCount()` tells what the pool really has.
 *
 * Speed, measured on the shared 2-core machine (load 5-6, bench/browser/embed.ts
 * `threads=1|2`, interleaved): MobileNetV2 1.4 batch 8 ran at 27-28 images/s on 1
 * thread and 21-22 on 2; a 768² matMul took the same time; ResNet50V2 was 1.65x
 * faster once and 1.6x slower once. Both threads do work (per-thread CPU time
 * splits ~60/45), but with more runnable processes than cores the second thread
 * does not pay off there. Whether it does on a quiet machine is not measured.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Every logical CPU, at most 8 (the pthread workers the threaded build starts): what benchmarks give ours and the peer alike. */
export function defaultWasmThreads(): number {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8));
}

/**
 * The app's choice: half the logical CPUs (TF.js's own default), at least 1, at most 8. Measured here
 * (2-core machine, Chromium, interleaved, load 4-6): MobileNetV2 1.4 batch 8 ran at 21.8-28.5 images/s on
 * 1 thread and 16.4-22.2 on 2, so the app does not ask for every core until a probe shows it pays off.
 */
export function appWasmThreads(): number {
  return Math.max(1, Math.min(Math.floor((navigator.hardwareConcurrency || 1) / 2), 8));
}

let pathsSet = false;

/**
 * Sets the wasm paths (once) and `threads` (threaded builds only: the global
 * must be cross-origin isolated), then runs `start` (which must make TF.js
 * initialise the wasm backend, e.g. `tf.setBackend('wasm')`) with the
 * thread cap lifted. Returns what `start` returned.
 */
export async function withWasmThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  if (!pathsSet) {
    setWasmPaths(`${self.location.origin}/vendor/tfjs/`);
    pathsSet = true;
  }
  if (!self.crossOriginIsolated) return start();
  setThreadsCount(threads);
  const nav = navigator as Navigator & { hardwareConcurrency: number };
  const lifted = Math.max(nav.hardwareConcurrency || 1, 2 * threads);
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  Object.defineProperty(nav, 'hardwareConcurrency', { value: lifted, configurable: true });
  try {
    return await start();
  } finally {
    if (own) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/**
 * `tf.setBackend(name)`; for 'wasm', on `threads` threads (default: every
 * logical CPU, at most 8). Returns what `tf.setBackend` returned.
 */
export function setBackendThreaded(name: string, threads = defaultWasmThreads()): Promise<boolean> {
  return name === 'wasm' ? withWasmThreads(threads, () => tf.setBackend('wasm')) : tf.setBackend(name);
}

/** Sets the wasm backend on `threads` threads and returns the threads its pool has. */
export async function startWasm(threads = defaultWasmThreads()): Promise<number> {
  if (!(await setBackendThreaded('wasm', threads))) throw new Error("tf.setBackend('wasm') returned false");
  await tf.ready();
  return getThreadsCount();
}
