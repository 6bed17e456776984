/**
 * The two-tower model (TF.js fast path). A tower's output for a user (item)
 * is its id embedding plus one embedding per categorical side feature; the
 * score is the dot product of the two towers. Losses: BCE over 1 positive and
 * N negatives, or sampled softmax (cross-entropy with the positive at index
 * 0); negatives are N uniform random items per positive or the batch's other
 * positives. The plain JS mirror is reference.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { epochSeed, mulberry32 } from '../util/random';
import { logItemShare, stepsPerEpoch, twoTowerBatches, validateTwoTower, type TwoTowerBatch } from './batches';
import { lookup } from './lookup';
import { kernelApplies, TwoTowerKernel } from './kernel';
import { checkpointingHooks, makeOptimizer, normalArray, optimizerState, readScalar, restoreOptimizer, runEpochs, tfjsStepper, type NamedWeight, type Stepper, type TrainCheckpoint, type TrainHooks } from './loop';
import type { EpochReport, TowerEmbeddings, TwoTowerConfig, TwoTowerData } from './types';

/** Seeded initial weights, in a fixed order: user, item, user.<feature>..., item.<feature>..., then item.bias (zeros) when cfg.itemBias. */
export function initTwoTowerWeights(data: TwoTowerData, cfg: TwoTowerConfig): NamedWeight[] {
  const rand = mulberry32(epochSeed(cfg.seed, -1, 7));
  const table = (name: string, rows: number): NamedWeight => ({ name, shape: [rows, cfg.dim], values: normalArray(rows * cfg.dim, cfg.initScale, rand) });
  return [
    table('user', data.nUsers),
    table('item', data.nItems),
    ...(data.userFeatures ?? []).map((f) => table(`user.${f.name}`, f.cardinality)),
    ...(data.itemFeatures ?? []).map((f) => table(`item.${f.name}`, f.cardinality)),
    ...(cfg.itemBias ? [{ name: 'item.bias', shape: [data.nItems, 1], values: new Float32Array(data.nItems) }] : []),
  ];
}

/** Throws unless `weights` are named as initTwoTowerWeights names them for this data and config. */
function checkWeightNames(data: TwoTowerData, cfg: TwoTowerConfig, weights: readonly NamedWeight[]): void {
  const expected = initTwoTowerWeights({ ...data, nUsers: 1, nItems: 1 }, { ...cfg, dim: 1 }).map((w) => w.name);
  const names = weights.map((w) => w.name);
  if (names.join() !== expected.join()) throw new Error(`invalid weights: [${names.join(', ')}]; expected [${expected.join(', ')}]`);
}

let modelCounter = 0;

/** A two-tower model holding TF.js variables; call dispose() when done. */
export class TwoTowerModel {
  readonly vars: tf.Variable[];
  private readonly userFeatureCodes: Int32Array[];
  private readonly itemFeatureCodes: Int32Array[];
  private readonly logQ: Float32Array | null;

  constructor(
    readonly data: TwoTowerData,
    readonly cfg: TwoTowerConfig,
    weights: readonly NamedWeight[] = initTwoTowerWeights(data, cfg),
  ) {
    checkWeightNames(data, cfg, weights);
    const id = ++modelCounter;
    this.vars = weights.map((w) => tf.variable(tf.tensor2d(w.values, [w.shape[0], w.shape[1]]), true, `towers${id}/${w.name}`));
    this.userFeatureCodes = (data.userFeatures ?? []).map((f) => f.codes);
    this.itemFeatureCodes = (data.itemFeatures ?? []).map((f) => f.codes);
    this.logQ = cfg.logQ && cfg.negativeSource === 'in-batch' ? logItemShare(data) : null;
  }

  /** The item-bias variable, or null. */
  private get bias(): tf.Tensor2D | null {
    return this.cfg.itemBias ? (this.vars.at(-1) as tf.Tensor2D) : null;
  }

  /** Item bias of `ids` as a vector, or null without one. */
  private itemBias(ids: Int32Array): tf.Tensor1D | null {
    const b = this.bias;
    return b ? tf.reshape(lookup(b, tf.tensor1d(ids, 'int32'), this.cfg.lookup), [ids.length]) : null;
  }

  private tower(side: 'user' | 'item', ids: Int32Array): tf.Tensor2D {
    const nUserF = this.userFeatureCodes.length;
    const codes = side === 'user' ? this.userFeatureCodes : this.itemFeatureCodes;
    const tables = side === 'user' ? this.vars.slice(2, 2 + nUserF) : this.vars.slice(2 + nUserF, 2 + nUserF + this.itemFeatureCodes.length);
    const idT = tf.tensor1d(ids, 'int32');
    let out = lookup(this.vars[side === 'user' ? 0 : 1] as tf.Tensor2D, idT, this.cfg.lookup);
    codes.forEach((c, f) => {
      const fc = new Int32Array(ids.length);
      for (let k = 0; k < ids.length; k++) fc[k] = c[ids[k]];
      out = tf.add(out, lookup(tables[f] as tf.Tensor2D, tf.tensor1d(fc, 'int32'), this.cfg.lookup));
    });
    return out;
  }

  /** The scalar training loss of one batch (mean over examples, plus the L2 term). */
  loss(batch: TwoTowerBatch): tf.Scalar {
    const { loss, negativeSource, l2 } = this.cfg;
    const b = batch.users.length;
    const u = this.tower('user', batch.users);
    const p = this.tower('item', batch.pos);
    const bPos = this.itemBias(batch.pos);
    const dots = tf.sum(tf.mul(u, p), 1);
    const sPos = bPos ? tf.add(dots, bPos) : dots;
    let value: tf.Scalar;
    let norms = tf.add(tf.sum(tf.square(u)), tf.sum(tf.square(p)));
    if (negativeSource === 'sampled') {
      const nNeg = batch.neg.length / b;
      const nv = this.tower('item', batch.neg);
      norms = tf.add(norms, tf.sum(tf.square(nv)));
      const negDots = tf.sum(tf.mul(tf.expandDims(u, 1), tf.reshape(nv, [b, nNeg, this.cfg.dim])), 2);
      const bNeg = this.itemBias(batch.neg);
      const sNeg = bNeg ? tf.add(negDots, tf.reshape(bNeg, [b, nNeg])) : negDots;
      if (loss === 'bce') {
        value = tf.div(tf.add(tf.sum(tf.softplus(tf.neg(sPos))), tf.sum(tf.softplus(sNeg))), b * (1 + nNeg));
      } else {
        const logits = tf.concat([tf.expandDims(sPos, 1), sNeg], 1);
        value = tf.mean(tf.sub(tf.logSumExp(logits, 1), sPos));
      }
    } else {
      // An explicit transpose: WASM's matMul with transposeB is many times slower.
      let logits: tf.Tensor2D = tf.matMul(u, tf.transpose(p));
      if (bPos) logits = tf.add(logits, tf.reshape(bPos, [1, b]));
      // The positives sit on the diagonal; with logQ every logit of column l, the positive's too, loses log q(pos_l).
      let sDiag = sPos;
      if (this.logQ) {
        const lq = tf.tensor1d(Float32Array.from(batch.pos, (i) => this.logQ![i]));
        logits = tf.sub(logits, tf.reshape(lq, [1, b]));
        sDiag = tf.sub(sPos, lq);
      }
      if (loss === 'bce') {
        // softplus(-x) = softplus(x) - x: positives on the diagonal, every other pair a negative.
        value = tf.div(tf.sub(tf.sum(tf.softplus(logits)), tf.sum(sDiag)), b * b);
      } else {
        value = tf.mean(tf.sub(tf.logSumExp(logits, 1), sDiag));
      }
    }
    return l2 > 0 ? tf.add(value, tf.mul(l2 / b, norms)) : value;
  }

  /** Tower outputs for every user and item. */
  async embeddings(): Promise<TowerEmbeddings> {
    const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
    const [uT, iT] = tf.tidy(() => {
      const u = this.tower('user', all(this.data.nUsers));
      const i = this.tower('item', all(this.data.nItems));
      const b = this.bias;
      // With an item bias, scores stay plain dot products: users get a constant 1, items their bias, as a last column.
      return b ? [tf.concat([u, tf.ones([this.data.nUsers, 1])], 1), tf.concat([i, b], 1)] : [u, i];
    });
    const users = (await uT.data()) as Float32Array;
    const items = (await iT.data()) as Float32Array;
    uT.dispose();
    iT.dispose();
    return this.bias ? { dim: this.cfg.dim + 1, users, items, biasColumn: true } : { dim: this.cfg.dim, users, items };
  }

  /** Current weights, in the order of initTwoTowerWeights. */
  async weights(): Promise<NamedWeight[]> {
    return Promise.all(
      this.vars.map(async (v) => ({ name: v.name.replace(/^towers\d+\//, ''), shape: v.shape.slice(), values: Float32Array.from(await v.data()) })),
    );
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

/** A checkpoint: weights, optimiser state and the epochs done so far. */
export type TwoTowerCheckpoint = TrainCheckpoint;

export interface TwoTowerTrainOptions extends TrainHooks {
  /** Held-out positives for the validation loss (fixed seeded negatives). */
  validation?: TwoTowerData;
  /** Resume from here instead of a fresh seeded start. */
  resume?: TwoTowerCheckpoint;
  /** Extra per-epoch figures from the current embeddings (e.g. NDCG@10 on a validation split). */
  evaluate?(emb: TowerEmbeddings): Record<string, number> | Promise<Record<string, number>>;
  /** Called after every epoch with a checkpoint (e.g. to cache it in IndexedDB). */
  onCheckpoint?(cp: TwoTowerCheckpoint): void | Promise<void>;
}

/** Mean validation loss with negatives drawn from a fixed seed (identical every epoch). */
async function validationLoss(cfg: TwoTowerConfig, val: TwoTowerData | undefined, lossOf: (batch: TwoTowerBatch) => number | Promise<number>): Promise<number | null> {
  if (!val || val.users.length === 0) return null;
  const c = { ...cfg, batchSize: validationBatchSize(cfg) };
  let sum = 0;
  let n = 0;
  for (const batch of twoTowerBatches(val, c, -3)) {
    if (c.negativeSource === 'in-batch' && batch.users.length < 2) continue;
    sum += (await lossOf(batch)) * batch.users.length;
    n += batch.users.length;
  }
  return n === 0 ? null : sum / n;
}

const validationBatchSize = (cfg: TwoTowerConfig) => Math.max(cfg.batchSize, 1024);

/**
 * Trains a two-tower model. Deterministic for a seed on a given engine and backend: with
 * `engine: 'kernel'` and sampled negatives the steps run in the WebAssembly SIMD kernel (kernel.ts)
 * whatever the TF.js backend; otherwise TF.js ops on the current backend.
 * Throws TowersInputError for degenerate input, NonFiniteLossError when the
 * loss diverges, CancelledError when `signal` aborts.
 */
export async function trainTwoTower(
  data: TwoTowerData,
  cfg: TwoTowerConfig,
  opts: TwoTowerTrainOptions = {},
): Promise<{ model: TwoTowerModel; history: EpochReport[] }> {
  validateTwoTower(data, cfg);
  return kernelApplies(cfg) ? trainWithKernel(data, cfg, opts) : trainWithTfjs(data, cfg, opts);
}

/** What an engine gives the shared epoch loop: its stepper, weights, optimiser state, batch loss and embeddings. */
interface EngineRun {
  stepper: Stepper<TwoTowerBatch>;
  weights(): Promise<NamedWeight[]>;
  optimizerState(): Promise<NamedWeight[]>;
  batchLoss(batch: TwoTowerBatch): number | Promise<number>;
  embeddings(): TowerEmbeddings | Promise<TowerEmbeddings>;
}

/** The epochs of one fit on either engine; returns the history (resumed epochs first). */
async function runTwoTowerEpochs(data: TwoTowerData, cfg: TwoTowerConfig, opts: TwoTowerTrainOptions, run: EngineRun): Promise<EpochReport[]> {
  const { hooks, history } = checkpointingHooks(opts, run, () => run.optimizerState());
  await runEpochs<TwoTowerBatch>(
    {
      startEpoch: opts.resume?.epochsDone ?? 0,
      epochs: cfg.epochs,
      batches: (epoch) => twoTowerBatches(data, cfg, epoch),
      steps: stepsPerEpoch(data.users.length, cfg.batchSize),
      stepper: run.stepper,
      validate: () => validationLoss(cfg, opts.validation, (batch) => run.batchLoss(batch)),
      metrics: opts.evaluate ? async () => opts.evaluate!(await run.embeddings()) : undefined,
    },
    hooks,
  );
  return history;
}

async function trainWithTfjs(data: TwoTowerData, cfg: TwoTowerConfig, opts: TwoTowerTrainOptions): Promise<{ model: TwoTowerModel; history: EpochReport[] }> {
  const model = new TwoTowerModel(data, cfg, opts.resume?.weights);
  const optimizer = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const stepper = tfjsStepper<TwoTowerBatch>(optimizer, model.vars, (batch) => model.loss(batch));
  try {
    if (opts.resume && opts.resume.optimizer.length > 0) await restoreOptimizer(optimizer, opts.resume.optimizer);
    const history = await runTwoTowerEpochs(data, cfg, opts, {
      stepper,
      weights: () => model.weights(),
      optimizerState: () => optimizerState(optimizer),
      batchLoss: (batch) => readScalar(tf.tidy(() => model.loss(batch))),
      embeddings: () => model.embeddings(),
    });
    return { model, history };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    stepper.dispose();
    optimizer.dispose();
  }
}

async function trainWithKernel(data: TwoTowerData, cfg: TwoTowerConfig, opts: TwoTowerTrainOptions): Promise<{ model: TwoTowerModel; history: EpochReport[] }> {
  const init = opts.resume?.weights ?? initTwoTowerWeights(data, cfg);
  checkWeightNames(data, cfg, init);
  const kernel = new TwoTowerKernel(data, cfg, init, opts.validation ? validationBatchSize(cfg) : cfg.batchSize);
  if (opts.resume) kernel.restoreOptimizer(opts.resume.optimizer);
  let sum = 0;
  const history = await runTwoTowerEpochs(data, cfg, opts, {
    stepper: {
      step: (batch) => void (sum += kernel.step(batch)),
      takeLossSum: async () => {
        const v = sum;
        sum = 0;
        return v;
      },
      dispose: () => undefined,
    },
    weights: async () => kernel.weights(),
    optimizerState: async () => kernel.optimizerState('kernel/'),
    batchLoss: (batch) => kernel.loss(batch),
    embeddings: () => kernel.embeddings(),
  });
  return { model: new TwoTowerModel(data, cfg, kernel.weights()), history };
}
