/** The TF.js backends of the ML worker and the report of which one it got (shared by every ML method). */

/** TF.js backends, best first. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export function isBackendName(v: unknown): v is BackendName {
  return typeof v === 'string' && (BACKEND_ORDER as readonly string[]).includes(v);
}

/** What the worker got, and why better backends were not used. */
export interface BackendReport {
  backend: BackendName;
  /** The override that was asked for, if any. */
  requested: BackendName | null;
  /** Backends tried before this one, with the reason each failed. */
  failures: { backend: BackendName; reason: string }[];
  /** navigator.gpu adapter info when WebGPU was probed. */
  adapter: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean } | null;
  crossOriginIsolated: boolean;
  /** navigator.hardwareConcurrency inside the worker. */
  hardwareConcurrency: number;
  /** For wasm: SIMD, the threaded build, and XNNPACK's thread count, as TF.js reports them. */
  wasm: { simd: boolean; multithread: boolean; threads: number } | null;
  tfjsVersion: string;
  /** Milliseconds spent initialising the backend. */
  initMs: number;
}
