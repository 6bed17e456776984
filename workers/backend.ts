/**
 * TF.js backend selection, the only place a backend is set. Every backend is
 * checked (navigator.gpu adapter, WebGL renderer, WASM); a software GPU is
 * never preferred over WASM (not even measured while WASM works); when two or
 * more backends qualify, a short probe of the real work on each decides
 * (workers/backend-probe.ts), cached per browser. The rule itself is the pure
 * chooseBackend (workers/backend-choice.ts). An override skips the probe.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend, isSoftwareRenderer, probeWorthy, type BackendCandidate } from './backend-choice';
import { cachedProbes, probeCurrentBackend, storeProbes } from './backend-probe';
import { BACKEND_ORDER, type BackendName, type BackendReport } from './protocol/backend';
import { appWasmThreads, setBackendThreaded } from './wasm-threads';

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

/** WebGL's unmasked renderer (names SwiftShader when WebGL is emulated), or null without WebGL. */
function webglRenderer(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof r === 'string' ? r : null;
  } catch {
    // No WebGL in this worker: the precheck says so.
    return null;
  }
}

/** Sets `name` and proves it computes; throws with the reason otherwise. */
async function activate(name: BackendName): Promise<void> {
  // WASM on the app's thread count (workers/wasm-threads.ts: half the CPUs, measured faster here than all of them).
  const ok = await setBackendThreaded(name, appWasmThreads());
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') returned false`);
  const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
  const v = (await probe.data())[0];
  probe.dispose();
  if (v !== 3) throw new Error(`1 + 2 computed ${v}, expected 3`);
}

function describeAdapter(a: NonNullable<BackendReport['adapter']>): string {
  return [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') || 'unnamed adapter';
}

/** What is known about each backend before trying it: usable (so far), software, and why. */
function precheck(adapter: BackendReport['adapter'], renderer: string | null): BackendCandidate[] {
  const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
  return BACKEND_ORDER.map((backend): BackendCandidate => {
    if (backend === 'webgpu') {
      if (!hasGpu) return { backend, usable: false, software: false, note: 'navigator.gpu is missing (WebGPU not enabled in this browser)', probe: null };
      if (!adapter) return { backend, usable: false, software: false, note: 'no WebGPU adapter (headless Chromium needs --enable-unsafe-webgpu)', probe: null };
      const name = describeAdapter(adapter);
      const software = adapter.isFallbackAdapter || isSoftwareRenderer(name);
      return { backend, usable: true, software, note: software ? `${adapter.isFallbackAdapter ? 'fallback adapter' : 'software adapter'}: ${name}` : name, probe: null };
    }
    if (backend === 'webgl') {
      if (typeof OffscreenCanvas === 'undefined') return { backend, usable: false, software: false, note: 'OffscreenCanvas is missing in this worker', probe: null };
      if (!renderer) return { backend, usable: false, software: false, note: 'no WebGL context in this worker', probe: null };
      const software = isSoftwareRenderer(renderer);
      return { backend, usable: true, software, note: software ? `software renderer: ${renderer}` : renderer, probe: null };
    }
    return { backend, usable: true, software: false, note: null, probe: null };
  });
}

/** Initialises TF.js on the chosen backend and reports what was measured and why. */
export async function initBackend(preferred: BackendName | null): Promise<BackendReport> {
  const t0 = performance.now();
  const adapter = await adapterInfo().catch(() => null);
  const renderer = webglRenderer();
  const key = JSON.stringify({ ua: navigator.userAgent, adapter, renderer });
  let cands = precheck(adapter, renderer);
  const set = (b: BackendName, patch: Partial<BackendCandidate>) => (cands = cands.map((c) => (c.backend === b ? { ...c, ...patch } : c)));
  const tryActivate = async (b: BackendName) => {
    try {
      await activate(b);
      return true;
    } catch (err) {
      set(b, { usable: false, note: err instanceof Error ? err.message : String(err) });
      return false;
    }
  };

  let cached = false;
  // An override that works needs no probe.
  if (!(preferred && cands.find((c) => c.backend === preferred)?.usable && (await tryActivate(preferred)))) {
    // WASM first: it is the yardstick, and whether it works decides if a software GPU may be tried at all.
    await tryActivate('wasm');
    const worthy = probeWorthy(cands);
    if (worthy.length >= 2) {
      const stored = await cachedProbes(key);
      if (stored) {
        cands = cands.map((c) => ({ ...c, probe: stored.find((s) => s.backend === c.backend)?.probe ?? null }));
        cached = true;
      } else {
        for (const b of worthy) {
          if (b !== 'wasm' && !(await tryActivate(b))) continue;
          if (b === 'wasm') await activate('wasm');
          set(b, { probe: await probeCurrentBackend() });
        }
        await storeProbes(key, cands);
      }
    }
  }
  const decision = chooseBackend(cands, preferred);
  if (tf.getBackend() !== decision.backend && !(await tryActivate(decision.backend))) {
    throw new Error(`${decision.backend} was chosen but failed to start: ${cands.find((c) => c.backend === decision.backend)?.note}`);
  }
  const chosen = decision.backend;
  const wasmFlags =
    chosen === 'wasm'
      ? {
          simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
          multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
          threads: getThreadsCount(),
          threadsAsked: self.crossOriginIsolated ? appWasmThreads() : 1,
        }
      : null;
  return {
    backend: chosen,
    requested: preferred,
    failures: cands.filter((c) => c.backend !== chosen && (!c.usable || c.software)).map((c) => ({ backend: c.backend, reason: c.note ?? 'not usable' })),
    adapter,
    crossOriginIsolated: Boolean(self.crossOriginIsolated),
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
    wasm: wasmFlags,
    tfjsVersion: tf.version.tfjs,
    initMs: performance.now() - t0,
    choice: { decision, candidates: cands, cached, key, webglRenderer: renderer },
  };
}
