/**
 * The thread protocol of the ML worker: every method with its request and
 * response types. Both sides are typed from this one table (the client's
 * `call` and the worker's handlers), so they cannot drift. Progress and log
 * events and errors use the generic wire format in lib/rpc/wire.ts.
 *
 * Each cell adds its methods here, one section per cell. Only typed arrays
 * and plain records cross: no class instances, no tensors.
 */

import type { TowersMfRequest, TowersTrainRequest, TowersTrainResult } from './towers-protocol';
import type { AlsFitRequest, AlsFitResult } from './als-protocol';
import type { EmbedImagesRequest, EmbedImagesResult, EmbedKnnRequest, EmbedKnnResult, EmbedLoadRequest, EmbedLoadResult } from './embed-protocol';
import type { BackendCandidate, BackendDecision } from './backend-choice';

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

export type MlMethods = {
  /** Initialises (or re-initialises) TF.js with the preferred backend, falling back in order. */
  'backend.init': { req: { preferred: BackendName | null }; res: BackendReport };
  /** A small deterministic computation (matmul + softmax) to compare backends numerically. */
  'backend.selftest': { req: { n: number; seed: number }; res: { backend: BackendName; values: Float32Array; ms: number } };

  // ---- towers: Neural models cell (issue 7); types in workers/towers-protocol.ts ----
  /** Trains a two-tower model (resuming from the IndexedDB checkpoint under cacheKey); per-epoch reports arrive as log lines (lib/towers/progress.ts). */
  'towers.trainTwoTower': { req: TowersTrainRequest; res: TowersTrainResult };
  /** Trains MF with dense towers on (user, item, target) triples with a seeded validation split. */
  'towers.trainMf': { req: TowersMfRequest; res: TowersTrainResult };
  /** Deletes cached two-tower checkpoints (all, or one key). */
  'towers.clearCache': { req: { cacheKey: string | null }; res: { deleted: number } };

  // ---- als: Collaborative filtering cell (issue 6); types in workers/als-protocol.ts ----
  /** Fits ALS (progress per iteration, a log line with the loss per iteration, cancel between row chunks), then scores the holdout. */
  'als.fit': { req: AlsFitRequest; res: AlsFitResult };

  // ---- embed: Image embeddings cell (issue 5); types in workers/embed-protocol.ts ----
  /** Loads a backbone (vendored URL, a URL, picked files, or none for the histogram / labelled random ResNet50V2). */
  'embed.load': { req: EmbedLoadRequest; res: EmbedLoadResult };
  /** Fetches, decodes and embeds photos in batches, resuming from the per-article IndexedDB cache; progress in images. */
  'embed.images': { req: EmbedImagesRequest; res: EmbedImagesResult };
  /** Exact top-k cosine neighbours in blocks (never n x n); progress in rows. */
  'embed.knn': { req: EmbedKnnRequest; res: EmbedKnnResult };
  /** Deletes cached embeddings (one backbone, or all). */
  'embed.clearCache': { req: { backbone: string | null }; res: { deleted: number } };
};
