/**
 * The shared contract of the neural models: configurations, training data,
 * per-epoch reports, trained embeddings and the errors they raise. Both the
 * TF.js fast path and the plain reference implementation use these types.
 */

/**
 * How embedding rows are looked up and differentiated (see lookup.ts):
 * `scatter` gathers forward and scatter-adds backward (works on every
 * backend); `onehot` multiplies by a one-hot matrix (memory grows with
 * batch × rows); `gather` is plain `tf.gather`, whose gradient needs
 * UnsortedSegmentSum, missing on WASM.
 */
export type LookupMode = 'scatter' | 'onehot' | 'gather';

/**
 * What runs a two-tower training step: `kernel` is the WebAssembly SIMD step of kernel.ts (sampled
 * negatives only; in-batch negatives, and runtimes without WebAssembly SIMD, use TF.js), `tfjs` the
 * TF.js ops of twotower.ts on the current backend (with `lookup`).
 */
export type TwoTowerEngine = 'kernel' | 'tfjs';

/** Loss of the two-tower model. */
export type TwoTowerLoss = 'bce' | 'softmax';

/** Where negatives come from: N uniform random items per positive, or the other positives of the batch. */
export type NegativeSource = 'sampled' | 'in-batch';

export type OptimizerName = 'adam' | 'sgd';

/**
 * A categorical side feature feeding a tower: each user (or item) has one
 * code in [0, cardinality); the tower adds that code's embedding to the id
 * embedding. Numeric features (age) are bucketised into codes by the caller.
 */
export interface CategoricalFeature {
  name: string;
  /** One code per user (user features) or per item (item features). */
  codes: Int32Array;
  cardinality: number;
}

/** Two-tower training settings. Defaults in DEFAULT_TWO_TOWER. */
export interface TwoTowerConfig {
  /** Embedding size d. */
  dim: number;
  epochs: number;
  /** Positives per step. */
  batchSize: number;
  /** Random negatives per positive (loss `bce` or `softmax` with `sampled`). */
  negatives: number;
  loss: TwoTowerLoss;
  negativeSource: NegativeSource;
  optimizer: OptimizerName;
  learningRate: number;
  /** L2 penalty on the looked-up tower outputs, per example. */
  l2: number;
  /** Standard deviation of the initial embeddings. */
  initScale: number;
  seed: number;
  lookup: LookupMode;
  /** What runs the training steps (the trained model is the same up to float rounding). */
  engine: TwoTowerEngine;
  /** A learned per-item bias added to every score (weight `item.bias`, last; no L2). */
  itemBias: boolean;
  /**
   * logQ correction for in-batch negatives: subtract log(share of the item among the training
   * positives) from each in-batch logit, so popular items are not over-penalised for appearing
   * as negatives more often. No effect with uniform random negatives (the correction is a constant).
   */
  logQ: boolean;
}

export const DEFAULT_TWO_TOWER: TwoTowerConfig = {
  dim: 32,
  epochs: 10,
  batchSize: 256,
  negatives: 10,
  loss: 'bce',
  negativeSource: 'sampled',
  optimizer: 'adam',
  learningRate: 0.01,
  l2: 0,
  initScale: 0.1,
  seed: 42,
  lookup: 'scatter',
  engine: 'kernel',
  itemBias: false,
  logQ: false,
};

/** Positive user–item pairs plus optional side features. */
export interface TwoTowerData {
  nUsers: number;
  nItems: number;
  /** Positive pairs, parallel arrays. */
  users: Int32Array;
  items: Int32Array;
  userFeatures?: readonly CategoricalFeature[];
  itemFeatures?: readonly CategoricalFeature[];
}

/** MF with dense towers: Emb → Dense(hidden, relu) on both sides, dot product, MSE. */
export interface MfConfig {
  dim: number;
  /** Units of each tower's Dense layer (128 in the seed). */
  hidden: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Share of the triples held out for validation (0.2 = the seed's 80/20). */
  validationFraction: number;
  seed: number;
  lookup: LookupMode;
}

export const DEFAULT_MF: MfConfig = {
  dim: 32,
  hidden: 128,
  epochs: 10,
  batchSize: 256,
  optimizer: 'adam',
  learningRate: 0.005,
  validationFraction: 0.2,
  seed: 42,
  lookup: 'scatter',
};

/** (user, item, target) triples for MF regression (rating, weekly purchase count). */
export interface MfData {
  nUsers: number;
  nItems: number;
  users: Int32Array;
  items: Int32Array;
  targets: Float32Array;
}

/** What training reports after each epoch. */
export interface EpochReport {
  epoch: number;
  trainLoss: number;
  /** Loss on held-out data (null when there is none). */
  validationLoss: number | null;
  /** Extra figures computed by the caller's `evaluate` hook (e.g. ndcg_at_10). */
  metrics: Record<string, number>;
  seconds: number;
}

/** Final tower outputs: the vectors scores are dot products of. */
export interface TowerEmbeddings {
  /** Columns per row. With an item bias the last column is the bias (items) against a constant 1 (users). */
  dim: number;
  /** nUsers × dim, row-major. */
  users: Float32Array;
  /** nItems × dim, row-major. */
  items: Float32Array;
  /** True when the last column holds the item bias (drop it for item-to-item similarity). */
  biasColumn?: boolean;
}

/**
 * Invalid input or settings. `param` names the parameter to change; the
 * message says which value was bad and what was expected.
 */
export class TowersInputError extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TowersInputError';
  }
}

/** Training diverged: the loss became NaN or infinite. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly value: number,
    readonly hint = 'lower learningRate (or initScale) and run again',
  ) {
    super(`training diverged: loss ${value} at epoch ${epoch}`);
    this.name = 'NonFiniteLossError';
  }
}
