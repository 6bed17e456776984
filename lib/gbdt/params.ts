/**
 * Parameters and training data of the gradient-boosted trees, and their
 * validation at entry (messages name the field and the bad value).
 */

/** Training parameters; names and defaults follow LightGBM's. */
export interface GbdtParams {
  /** `binary`: logloss on labels 0/1; `lambdarank`: NDCG-based pairwise gradients per query group. */
  objective: 'binary' | 'lambdarank';
  /** Boosting rounds (trees). */
  numRounds: number;
  /** Shrinkage applied to every tree's leaf values. */
  learningRate: number;
  /** Maximum depth of a tree (root = depth 0); -1 = no limit. */
  maxDepth: number;
  /** Maximum leaves of a tree (leaf-wise growth, best gain first). */
  numLeaves: number;
  /** Minimum rows in a leaf. */
  minDataInLeaf: number;
  /** Share of the features each tree may split on (drawn per tree). */
  featureFraction: number;
  /** Share of the rows each tree is grown on (drawn per round; 1 = no bagging). */
  baggingFraction: number;
  /** L2 regularisation of leaf values. */
  lambdaL2: number;
  /** Most quantile bins per feature (a feature with missing values keeps one of them for NaN). */
  maxBin: number;
  /** Fewest rows a bin closes with (LightGBM's min_data_in_bin); 1 gives every distinct value its own bin while there are at most maxBin. */
  minDataInBin: number;
  /** Seed of bagging, feature sampling and of the sample the bins are found on. */
  seed: number;
}

/** LightGBM's defaults: 100 rounds, lr 0.1, 31 leaves, no depth limit, 20 rows per leaf, 255 bins of at least 3 rows. */
export const DEFAULT_GBDT_PARAMS: GbdtParams = Object.freeze({
  objective: 'binary',
  numRounds: 100,
  learningRate: 0.1,
  maxDepth: -1,
  numLeaves: 31,
  minDataInLeaf: 20,
  featureFraction: 1,
  baggingFraction: 1,
  lambdaL2: 0,
  maxBin: 255,
  minDataInBin: 3,
  seed: 0,
});

/** LightGBM's min_sum_hessian_in_leaf: a child whose hessian sum is below this is not made. */
export const MIN_SUM_HESSIAN_IN_LEAF = 1e-3;
/** LightGBM's lambdarank_truncation_level: pairs need one document in the top 30 by score. */
export const LAMBDARANK_TRUNCATION = 30;
/** Highest relevance label lambdarank accepts (LightGBM's default label_gain has 31 entries). */
export const MAX_RANK_LABEL = 30;
/** Rows the bin boundaries are found on (LightGBM's bin_construct_sample_cnt). */
export const BIN_SAMPLE_ROWS = 200_000;

/** Training data: row-major features, one label per row, query sizes for lambdarank. */
export interface GbdtData {
  /** Row-major n × nFeatures; NaN = missing. */
  X: Float32Array;
  nFeatures: number;
  /** One label per row: 0/1 for binary, whole relevance grades 0..30 for lambdarank. */
  y: Float32Array;
  /** Query sizes in row order (rows of one query are contiguous); required for lambdarank. */
  groups?: Int32Array;
  /** Optional names, one per feature, kept in the model. */
  featureNames?: string[];
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function check(ok: boolean, name: string, value: unknown, expected: string): void {
  if (!ok) throw new Error(`invalid ${name}: ${show(value)}; expected ${expected}`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Defaults merged with `params`, every field checked; unknown fields are rejected (typos). */
export function resolveParams(params: Partial<GbdtParams>): GbdtParams {
  if (params === null || typeof params !== 'object') throw new Error(`invalid params: ${show(params)}; expected an object`);
  for (const key of Object.keys(params)) {
    check(key in DEFAULT_GBDT_PARAMS, 'parameter', key, `one of ${Object.keys(DEFAULT_GBDT_PARAMS).join(', ')}`);
  }
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const p: GbdtParams = { ...DEFAULT_GBDT_PARAMS, ...defined };
  check(p.objective === 'binary' || p.objective === 'lambdarank', 'objective', p.objective, "'binary' or 'lambdarank'");
  check(isInt(p.numRounds) && p.numRounds >= 1, 'numRounds', p.numRounds, 'a whole number ≥ 1');
  check(isNum(p.learningRate) && p.learningRate > 0, 'learningRate', p.learningRate, 'a number > 0');
  check(isInt(p.maxDepth) && (p.maxDepth === -1 || p.maxDepth >= 1), 'maxDepth', p.maxDepth, 'a whole number ≥ 1, or -1 for no limit');
  check(isInt(p.numLeaves) && p.numLeaves >= 2 && p.numLeaves <= 131072, 'numLeaves', p.numLeaves, 'a whole number in 2..131072');
  check(isInt(p.minDataInLeaf) && p.minDataInLeaf >= 0, 'minDataInLeaf', p.minDataInLeaf, 'a whole number ≥ 0');
  check(isNum(p.featureFraction) && p.featureFraction > 0 && p.featureFraction <= 1, 'featureFraction', p.featureFraction, 'a number in (0, 1]');
  check(isNum(p.baggingFraction) && p.baggingFraction > 0 && p.baggingFraction <= 1, 'baggingFraction', p.baggingFraction, 'a number in (0, 1]');
  check(isNum(p.lambdaL2) && p.lambdaL2 >= 0, 'lambdaL2', p.lambdaL2, 'a number ≥ 0');
  check(isInt(p.maxBin) && p.maxBin >= 2 && p.maxBin <= 65535, 'maxBin', p.maxBin, 'a whole number in 2..65535');
  check(isInt(p.minDataInBin) && p.minDataInBin >= 1, 'minDataInBin', p.minDataInBin, 'a whole number ≥ 1');
  check(isNum(p.seed), 'seed', p.seed, 'a finite number');
  return p;
}

/** Checks shapes and labels; returns the number of rows. */
export function validateData(data: GbdtData, objective: GbdtParams['objective']): number {
  if (data === null || typeof data !== 'object') throw new Error(`invalid data: ${show(data)}; expected { X, nFeatures, y }`);
  const { X, nFeatures, y, groups, featureNames } = data;
  check(X instanceof Float32Array, 'X', X === undefined ? undefined : Object.prototype.toString.call(X), 'a Float32Array');
  check(y instanceof Float32Array, 'y', y === undefined ? undefined : Object.prototype.toString.call(y), 'a Float32Array');
  check(isInt(nFeatures) && nFeatures >= 1, 'nFeatures', nFeatures, 'a whole number ≥ 1');
  const n = y.length;
  check(n >= 1, 'y.length', n, 'at least one row');
  check(X.length === n * nFeatures, 'X.length', X.length, `y.length × nFeatures = ${n} × ${nFeatures} = ${n * nFeatures}`);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (objective === 'binary') check(v === 0 || v === 1, `y[${i}]`, v, '0 or 1 for the binary objective');
    else check(Number.isInteger(v) && v >= 0 && v <= MAX_RANK_LABEL, `y[${i}]`, v, `a whole relevance grade in 0..${MAX_RANK_LABEL} for lambdarank`);
  }
  if (objective === 'lambdarank') check(groups !== undefined, 'groups', groups, 'query sizes (an Int32Array) for the lambdarank objective');
  if (groups !== undefined) {
    check(groups instanceof Int32Array, 'groups', Object.prototype.toString.call(groups), 'an Int32Array of query sizes');
    let sum = 0;
    for (let q = 0; q < groups.length; q++) {
      check(groups[q] >= 1, `groups[${q}]`, groups[q], 'a query size ≥ 1');
      sum += groups[q];
    }
    check(sum === n, 'groups', `sizes summing to ${sum}`, `sizes summing to the ${n} rows`);
  }
  if (featureNames !== undefined) {
    check(Array.isArray(featureNames) && featureNames.length === nFeatures, 'featureNames', Array.isArray(featureNames) ? `${featureNames.length} names` : featureNames, `${nFeatures} names, one per feature`);
  }
  return n;
}
