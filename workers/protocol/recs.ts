/**
 * Request and response types of the recs.* ML-worker methods (Hybrid and
 * Evaluate cells). Only typed arrays and plain records: the inputs are packed
 * by lib/recs/evaluate/pack.ts (copies, sent with a transfer list).
 */
import type { AlsSaved } from '../../lib/cf';
import type { EvaluationReport, EvaluationSettings, HybridStats, PackedRecsData } from '../../lib/recs';

export interface RecsBacktestRequest {
  data: PackedRecsData;
  settings: EvaluationSettings;
}

export type RecsBacktestResult = EvaluationReport;

export interface RecsHybridRequest {
  data: PackedRecsData;
  /** The ALS model that ranks the kept candidates, or null (similarity order). */
  als: AlsSaved | null;
  /** The popularity fallback, best first. */
  popular: Int32Array;
  excludeBought: boolean;
  maxCandidates: number;
  k: number;
}

export interface RecsHybridResult {
  /** k items per dense user id (row-major, −1 pads a short list). */
  items: Int32Array;
  /** Source per slot: index into REC_SOURCES (−1 pads). */
  sources: Int8Array;
  stats: HybridStats;
}
