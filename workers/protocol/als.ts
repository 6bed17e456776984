/**
 * Request and response types of the als.* ML-worker methods (kept apart so
 * the method table (ml.ts) stays one short table). Only typed arrays and plain
 * records: they cross threads.
 */
import type { Csr } from '../../lib/data/csr';
import type { AlsParams, AlsSaved, AlsSolverName, HoldoutSpec } from '../../lib/cf';
import type { MetricReport } from '../../lib/metrics';
import type { BackendName } from './backend';

export interface AlsFitRequest {
  /** users × items weights w ≥ 0 (from lib/cf prepareInteractions); confidence is 1 + alpha·w. */
  weights: Csr;
  params: AlsParams;
  solver: AlsSolverName;
  filteredUsers: Int32Array;
  filteredItems: Int32Array;
  /** Holdout users to score after the fit (top-12, lib/metrics), or null. */
  evaluate: { spec: HoldoutSpec; filterAlreadyBought: boolean } | null;
  /** IndexedDB key of a cached reply (dataset fingerprint + every parameter); null disables the cache. */
  cacheKey: string | null;
  /** Threads for the `cg` solver; default navigator.hardwareConcurrency (1 where memory cannot be shared). */
  threads?: number;
}

export interface AlsFitResult {
  model: AlsSaved;
  /** Seconds per iteration (the two half-steps; the loss excluded). */
  seconds: Float64Array;
  solver: AlsSolverName;
  /** The TF.js backend in the worker (used by the `tfjs` solver only). */
  backend: BackendName;
  /** Whether the WebAssembly SIMD kernel ran (`cg`). */
  simd: boolean;
  /** Threads the `cg` kernel actually ran on (fewer than requested when its pool could not start; 1 for the other solvers). */
  threads: number;
  metrics: MetricReport | null;
  /** Holdout users the model could not score. */
  unscorable: number;
  /** True when the reply came from the IndexedDB cache (no fit ran). */
  cached: boolean;
}
