/**
 * Helper threads for the SIMD CG pool in Node (`worker_threads`), for tests,
 * benchmarks and scripts. Node only: browser code spawns Web Workers instead
 * (workers/ml/als-threads.ts); nothing in the app imports this file.
 */
import { Worker } from 'node:worker_threads';
import { nodeThreadSource, type CgThread, type SpawnCgThread } from './pool';

/** Spawns `worker_threads` Workers running the pool's helper. */
export const spawnNodeCgThread: SpawnCgThread = (): CgThread => {
  const w = new Worker(nodeThreadSource(), { eval: true });
  // A helper must not keep the process alive once its pool is forgotten.
  w.unref();
  return {
    postMessage: (msg) => w.postMessage(msg),
    onReply: (handler) => w.on('message', handler),
    onFailure: (handler) => {
      w.on('error', (err) => handler(err.message));
      w.on('exit', (code) => handler(`exited with code ${code}`));
    },
    terminate: () => void w.terminate(),
  };
};
