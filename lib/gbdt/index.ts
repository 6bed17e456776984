/**
 * Gradient-boosted decision trees (LightGBM's method) in plain TypeScript,
 * for the learned ranker of the two-stage recommender: `binary` (logloss) and
 * `lambdarank` objectives, histogram-based leaf-wise growth with L2
 * regularisation, minDataInLeaf, a minimum hessian sum, feature fraction and
 * bagging from a seed, and NaN = missing sent to the better side of each split.
 * Runs in Node and in a worker (no browser globals).
 *
 * Two growers behind one boosting loop: `histogram` (the fast path,
 * `histogram.ts`) and `exact` (the plain reference, `exact.ts`); the
 * conformance test holds them to the same trees.
 */
import { trainWith, type TrainOptions } from './train';
import type { GbdtData, GbdtParams } from './params';
import type { GbdtModel } from './model';

export { DEFAULT_GBDT_PARAMS, type GbdtData, type GbdtParams } from './params';
export { gbdtFromJSON, type GbdtModel } from './model';
export type { TrainOptions } from './train';

/**
 * Trains a model on `data` (row-major X, n × nFeatures, NaN = missing; labels
 * y; query sizes `groups` for lambdarank) with `params` over
 * DEFAULT_GBDT_PARAMS. Throws on invalid input (the message names the field
 * and value) and CancelledError when `opts.signal` aborts (checked between rounds).
 */
export function trainGbdt(data: GbdtData, params: Partial<GbdtParams>, opts: TrainOptions = {}): GbdtModel {
  return trainWith('histogram', data, params, opts);
}
