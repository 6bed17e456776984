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
 *
 * Held to LightGBM's rules where they change the trees (the bench compares
 * both on the same data): bins by its BinMapper (zero alone, min_data_in_bin,
 * NaN bin; a feature with no NaN in training reads NaN as 0), cuts scanned
 * from the top with missing values left first (ties: higher cut, missing
 * left), minDataInLeaf on its hessian-based row estimates, a feature with no
 * valid cut in a leaf skipped in the leaf's descendants, and its random
 * streams for bagging and the feature fraction (lib/gbdt/sampling), so one
 * seed draws the same bags and feature subsets.
 * Where we knowingly differ: a split must gain more than 1e-10 and
 * near-equal gains are ties (lower feature, then the scan order above);
 * LightGBM compares exactly, so its rounding decides some ties, most often
 * whether a leaf without missing values sends them left (its first scan) or
 * right (its second scan wins by a last-bit difference: in 27 of 162 such
 * splits in the first trees on the two-stage bench's matrices); gradients are
 * float64 and the lambdarank sigmoid is computed, not looked up in a table;
 * bin bounds come from at most 200,000 seeded rows. Over 200 rounds those
 * ties make the two ensembles drift apart a little (prediction correlation
 * 0.98-0.99 on the two-stage bench's matrices).
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
