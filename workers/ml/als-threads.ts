/**
 * Helper threads for the ALS SIMD kernel in the browser: dedicated Web
 * Workers started from a Blob URL of the pool's helper source (plain
 * JavaScript, no imports, so no bundle entry is needed). Shared
 * WebAssembly memory needs a cross-origin isolated page (the app sends
 * COOP/COEP headers); elsewhere the kernel runs on one thread.
 */
import { webThreadSource, type CgThread, type SpawnCgThread } from '../../lib/cf/wasm/pool';

let scriptUrl: string | null = null;

/** Starts one helper Web Worker. */
export const spawnWebCgThread: SpawnCgThread = (): CgThread => {
  scriptUrl ??= URL.createObjectURL(new Blob([webThreadSource()], { type: 'text/javascript' }));
  const w = new Worker(scriptUrl, { name: 'atelier-als-thread' });
  return {
    postMessage: (msg) => w.postMessage(msg),
    onReply: (handler) => w.addEventListener('message', (e: MessageEvent) => handler(e.data)),
    onFailure: (handler) =>
      w.addEventListener('error', (e: ErrorEvent) => {
        e.preventDefault();
        handler(e.message || 'the helper worker failed to start');
      }),
    terminate: () => w.terminate(),
  };
};

/**
 * Threads for a fit: `requested` when given, else navigator.hardwareConcurrency;
 * 1 where memory cannot be shared (not cross-origin isolated, or no Worker here).
 */
export function alsThreadCount(requested?: number): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number }; Worker?: unknown };
  if (!g.crossOriginIsolated || typeof g.Worker !== 'function') return 1;
  const n = requested ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(64, Math.floor(n)));
}
