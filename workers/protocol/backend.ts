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
  /** For wasm: SIMD, the threaded build, XNNPACK's thread count as TF.js reports it, and the threads asked for (workers/wasm-threads.ts). */
  wasm: { simd: boolean; multithread: boolean; threads: number; threadsAsked: number } | null;
  tfjsVersion: string;
  /** Milliseconds spent initialising the backend (probes included). */
  initMs: number;
  /** How the backend was chosen: every candidate with its probe numbers, the decision and its reason (workers/backend-choice.ts). */
  choice: {
    decision: BackendDecision;
    candidates: BackendCandidate[];
    /** The probe results came from this browser's cache (keyed by user agent + GPU identity). */
    cached: boolean;
    /** The cache key: user agent, WebGPU adapter and WebGL renderer. */
    key: string;
    /** WebGL's (unmasked) renderer string, when WebGL exists. */
    webglRenderer: string | null;
  };
}

/** One backend's short probe: milliseconds per image of the default backbone, per two-tower training step. */
export interface ProbeTiming {
  embedMsPerImage: number;
  trainStepMs: number;
}

/** What is known about one backend before choosing. */
export interface BackendCandidate {
  backend: BackendName;
  /** It initialised and computed 1 + 2 = 3 (or, when not tried yet, it passed the precheck). */
  usable: boolean;
  /** A software or fallback GPU (never preferred over WASM). */
  software: boolean;
  /** Why it is unusable or software, in words. */
  note: string | null;
  /** The probe's numbers, or its failure. */
  probe: ProbeTiming | { error: string } | null;
}

/** The decision and its reason, in words for the System cell. */
export interface BackendDecision {
  backend: BackendName;
  how: 'override' | 'measured' | 'rules';
  why: string;
}
