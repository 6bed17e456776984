/**
 * Matrix factorisation with dense towers (the seed's Keras model): user and
 * item embeddings each pass through Dense(hidden, relu), the prediction is
 * the dot product of the two tower outputs, trained with MSE on a numeric
 * target (a rating, a weekly purchase count) with a seeded 80/20 validation
 * split. The plain JS mirror is refMfLossAndGrad in reference.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { epochSeed, mulberry32, permutation } from '../util/random';
import { splitRows, stepsPerEpoch, validateMf } from './batches';
import { lookup } from './lookup';
import { checkpointingHooks, makeOptimizer, optimizerState, readScalar, restoreOptimizer, runEpochs, tfjsStepper, type TrainCheckpoint, type NamedWeight, type TrainHooks } from './loop';
import type { MfBatch } from './reference';
import type { EpochReport, MfConfig, MfData, TowerEmbeddings } from './types';

/** Seeded initial weights (Keras defaults: embeddings U(-0.05, 0.05), Glorot-uniform kernels, zero biases). */
export function initMfWeights(data: MfData, cfg: MfConfig): NamedWeight[] {
  const rand = mulberry32(epochSeed(cfg.seed, -1, 11));
  const uniform = (n: number, lim: number) => Float32Array.from({ length: n }, () => (2 * rand() - 1) * lim);
  const glorot = Math.sqrt(6 / (cfg.dim + cfg.hidden));
  return [
    { name: 'user', shape: [data.nUsers, cfg.dim], values: uniform(data.nUsers * cfg.dim, 0.05) },
    { name: 'item', shape: [data.nItems, cfg.dim], values: uniform(data.nItems * cfg.dim, 0.05) },
    { name: 'userKernel', shape: [cfg.dim, cfg.hidden], values: uniform(cfg.dim * cfg.hidden, glorot) },
    { name: 'userBias', shape: [1, cfg.hidden], values: new Float32Array(cfg.hidden) },
    { name: 'itemKernel', shape: [cfg.dim, cfg.hidden], values: uniform(cfg.dim * cfg.hidden, glorot) },
    { name: 'itemBias', shape: [1, cfg.hidden], values: new Float32Array(cfg.hidden) },
  ];
}

let mfCounter = 0;

/** An MF model holding TF.js variables; call dispose() when done. */
export class MfModel {
  readonly vars: tf.Variable[];

  constructor(
    readonly data: MfData,
    readonly cfg: MfConfig,
    weights: readonly NamedWeight[] = initMfWeights(data, cfg),
  ) {
    const id = ++mfCounter;
    this.vars = weights.map((w) => tf.variable(tf.tensor2d(w.values, [w.shape[0], w.shape[1]]), true, `mf${id}/${w.name}`));
  }

  private tower(side: 0 | 1, ids: Int32Array): tf.Tensor2D {
    const e = lookup(this.vars[side] as tf.Tensor2D, tf.tensor1d(ids, 'int32'), this.cfg.lookup);
    const k = 2 + 2 * side;
    return tf.relu(tf.add(tf.matMul(e, this.vars[k] as tf.Tensor2D), this.vars[k + 1])) as tf.Tensor2D;
  }

  /** Predicted targets for (user, item) pairs. */
  predictTensor(users: Int32Array, items: Int32Array): tf.Tensor1D {
    return tf.sum(tf.mul(this.tower(0, users), this.tower(1, items)), 1);
  }

  /** MSE of one batch. */
  loss(batch: MfBatch): tf.Scalar {
    return tf.mean(tf.squaredDifference(this.predictTensor(batch.users, batch.items), tf.tensor1d(batch.targets)));
  }

  /** Predicted targets for (user, item) pairs, as plain numbers. */
  async predict(users: Int32Array, items: Int32Array): Promise<Float32Array> {
    return readAll(tf.tidy(() => this.predictTensor(users, items)));
  }

  /** Tower outputs (dim = hidden) for every user and item: scores are their dot products. */
  async embeddings(): Promise<TowerEmbeddings> {
    const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
    const users = await readAll(tf.tidy(() => this.tower(0, all(this.data.nUsers))));
    const items = await readAll(tf.tidy(() => this.tower(1, all(this.data.nItems))));
    return { dim: this.cfg.hidden, users, items };
  }

  async weights(): Promise<NamedWeight[]> {
    return Promise.all(this.vars.map(async (v) => ({ name: v.name.replace(/^mf\d+\//, ''), shape: v.shape.slice(), values: Float32Array.from(await v.data()) })));
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

function take(data: MfData, rows: Int32Array): MfBatch {
  return {
    users: Int32Array.from(rows, (r) => data.users[r]),
    items: Int32Array.from(rows, (r) => data.items[r]),
    targets: Float32Array.from(rows, (r) => data.targets[r]),
  };
}

/** The batches of one epoch over the training rows, in a seeded order. */
export function* mfBatches(data: MfData, train: Int32Array, cfg: MfConfig, epoch: number): Generator<MfBatch> {
  const order = permutation(train.length, epochSeed(cfg.seed, epoch, 12));
  for (let s = 0; s < train.length; s += cfg.batchSize) {
    yield take(data, Int32Array.from(order.subarray(s, s + cfg.batchSize), (o) => train[o]));
  }
}

/** Reads a tensor asynchronously (see readScalar in loop.ts for why never dataSync) and disposes it. */
async function readAll(t: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from((await t.data()) as Float32Array);
  } finally {
    t.dispose();
  }
}

async function mse(model: MfModel, data: MfData, rows: Int32Array): Promise<number | null> {
  if (rows.length === 0) return null;
  let sum = 0;
  for (let s = 0; s < rows.length; s += 4096) {
    const b = take(data, rows.subarray(s, s + 4096));
    sum += (await readScalar(tf.tidy(() => model.loss(b)))) * b.users.length;
  }
  return sum / rows.length;
}

/**
 * Trains MF with dense towers; the history has train and validation MSE per
 * epoch. Throws TowersInputError (degenerate input), NonFiniteLossError,
 * CancelledError.
 */
export interface MfTrainOptions extends TrainHooks {
  /** Resume from here instead of a fresh seeded start. */
  resume?: TrainCheckpoint;
  /** Called after every epoch with a checkpoint (e.g. to cache it in IndexedDB). */
  onCheckpoint?(cp: TrainCheckpoint): void | Promise<void>;
}

export async function trainMf(data: MfData, cfg: MfConfig, opts: MfTrainOptions = {}): Promise<{ model: MfModel; history: EpochReport[]; split: { train: Int32Array; validation: Int32Array } }> {
  validateMf(data, cfg);
  const split = splitRows(data.users.length, cfg.validationFraction, cfg.seed);
  const model = new MfModel(data, cfg, opts.resume?.weights);
  const optimizer = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const stepper = tfjsStepper<MfBatch>(optimizer, model.vars, (b) => model.loss(b));
  try {
    if (opts.resume && opts.resume.optimizer.length > 0) await restoreOptimizer(optimizer, opts.resume.optimizer);
    const { hooks, history: past } = checkpointingHooks(opts, model, () => optimizerState(optimizer));
    await runEpochs<MfBatch>(
      {
        startEpoch: opts.resume?.epochsDone ?? 0,
        epochs: cfg.epochs,
        batches: (epoch) => mfBatches(data, split.train, cfg, epoch),
        steps: stepsPerEpoch(split.train.length, cfg.batchSize),
        stepper,
        validate: () => mse(model, data, split.validation),
      },
      hooks,
    );
    return { model, history: past, split };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    stepper.dispose();
    optimizer.dispose();
  }
}

