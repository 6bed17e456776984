/**
 * Request and response types of the towers.* ML-worker methods (kept apart
 * so the method table, ml.ts, stays one short table). Only typed arrays and
 * plain records: they cross threads.
 */
import type { Csr } from '../../lib/data/csr';
import type { EpochReport, MfConfig, MfData, TowerEmbeddings, TwoTowerConfig, TwoTowerData } from '../../lib/towers/types';
import type { BackendName } from './backend';

/** Test users and their relevant items (CSR-like) for per-epoch ranking metrics in the worker. */
export interface TowersEvalSpec {
  testUsers: Int32Array;
  /** relevantItems[relevantIndptr[k] .. relevantIndptr[k+1]] are test user k's relevant items. */
  relevantIndptr: Int32Array;
  relevantItems: Int32Array;
  /** Items each user already has (excluded from recommendations). */
  exclude: Csr;
  k: number;
}

export interface TowersTrainRequest {
  data: TwoTowerData;
  config: TwoTowerConfig;
  /** Held-out positives for the validation loss curve. */
  validation: TwoTowerData | null;
  evaluate: TowersEvalSpec | null;
  /** Key of the IndexedDB checkpoint (dataset fingerprint + parameters); null disables caching. */
  cacheKey: string | null;
}

export interface TowersMfRequest {
  data: MfData;
  config: MfConfig;
  /** Key of the IndexedDB checkpoint (dataset fingerprint + parameters); null disables caching. */
  cacheKey: string | null;
}

export interface TowersTrainResult {
  backend: BackendName;
  /** What ran the training steps: the two-tower's WebAssembly SIMD kernel, or TF.js ops on `backend`. */
  engine: 'kernel' | 'tfjs';
  embeddings: TowerEmbeddings;
  /** Every epoch, including those restored from the cache. */
  history: EpochReport[];
  /** Epochs restored from the cache (0 for a fresh run). */
  resumedEpochs: number;
  /** Training seconds in this call and examples (positives × epochs) per second. */
  seconds: number;
  examplesPerSecond: number;
}
