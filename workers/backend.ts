/**
 * TF.js backend selection, the only place a backend is chosen. Order:
 * webgpu → webgl → wasm → cpu, or the override first. Every failure is kept
 * with its reason so the UI can say why a better backend was not used.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_ORDER, type BackendName, type BackendReport } from './protocol/backend';

let wasmPathsSet = false;

async function adapterInfo(): Promise<BackendReport['adapter']> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return null;
  const adapter = (await gpu.requestAdapter()) as
    | { info?: Record<string, string>; isFallbackAdapter?: boolean }
    | null;
  if (!adapter) return null;
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean }).isFallbackAdapter),
  };
}

/** Why a backend cannot be used before even trying it, or null. */
async function precheck(name: BackendName): Promise<string | null> {
  if (name === 'webgpu') {
    if (!('gpu' in navigator)) return 'navigator.gpu is missing (WebGPU not enabled in this browser)';
    const a = await adapterInfo();
    if (!a) return 'navigator.gpu.requestAdapter() returned null (no WebGPU adapter; headless Chromium needs --enable-unsafe-webgpu)';
  }
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined') return 'OffscreenCanvas is missing in this worker';
  return null;
}

/** Initialises TF.js on the best available backend and reports what happened. */
export async function initBackend(preferred: BackendName | null): Promise<BackendReport> {
  const t0 = performance.now();
  if (!wasmPathsSet) {
    setWasmPaths(`${self.location.origin}/vendor/tfjs/`);
    // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page.
    if (self.crossOriginIsolated) setThreadsCount(Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)));
    wasmPathsSet = true;
  }
  const order: BackendName[] = preferred ? [preferred, ...BACKEND_ORDER.filter((b) => b !== preferred)] : [...BACKEND_ORDER];
  const failures: BackendReport['failures'] = [];
  let chosen: BackendName | null = null;
  for (const name of order) {
    const why = await precheck(name);
    if (why) {
      failures.push({ backend: name, reason: why });
      continue;
    }
    try {
      const ok = await tf.setBackend(name);
      await tf.ready();
      if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') returned false`);
      // A tiny op proves the backend really executes.
      const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
      const v = (await probe.data())[0];
      probe.dispose();
      if (v !== 3) throw new Error(`probe computed ${v}, expected 3`);
      chosen = name;
      break;
    } catch (err) {
      failures.push({ backend: name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  if (!chosen) throw new Error(`no TF.js backend works: ${failures.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`);
  const wasmFlags =
    chosen === 'wasm'
      ? {
          simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
          multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
          threads: getThreadsCount(),
        }
      : null;
  return {
    backend: chosen,
    requested: preferred,
    failures,
    adapter: chosen === 'webgpu' || order.includes('webgpu') ? await adapterInfo().catch(() => null) : null,
    crossOriginIsolated: Boolean(self.crossOriginIsolated),
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
    wasm: wasmFlags,
    tfjsVersion: tf.version.tfjs,
    initMs: performance.now() - t0,
  };
}
