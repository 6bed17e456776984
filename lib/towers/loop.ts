/**
 * The epoch loop shared by the two-tower and MF trainers: runs optimiser
 * steps (TF.js ops or the two-tower kernel, behind `Stepper`), reads the
 * summed loss once per epoch, stops on a
 * NaN/infinite loss with NonFiniteLossError, yields to the event loop so a
 * worker can hear cancel messages, and reports each epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError } from '../util/cancel';
import { assertNever } from '../util/assert';
import { NonFiniteLossError, type EpochReport, type OptimizerName } from './types';

/** Flat weights: what crosses threads, goes into caches and seeds the reference implementation. */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** What a trainer saves after an epoch and can resume from: weights, optimiser state and the history so far. */
export interface TrainCheckpoint {
  epochsDone: number;
  weights: NamedWeight[];
  optimizer: NamedWeight[];
  history: EpochReport[];
}

/** Hooks every trainer accepts. */
export interface TrainHooks {
  signal?: AbortSignal;
  /** Called after every step (for progress bars). */
  onStep?(epoch: number, step: number, steps: number): void;
  /** Called after every epoch with its report; may be async (e.g. saving a checkpoint). */
  onEpoch?(report: EpochReport): void | Promise<void>;
  /** Yield to the event loop at least this often (ms); default 50. */
  yieldMs?: number;
}

/** Creates the optimiser by name. */
export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    default:
      return assertNever(name, 'optimizer');
  }
}

const nextTick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** What takes the optimiser steps: TF.js ops (tfjsStepper) or the two-tower kernel. */
export interface Stepper<B> {
  /** One optimiser step on a batch. */
  step(batch: B): void;
  /** Sum of the batch losses since the last call (one read per epoch). */
  takeLossSum(): Promise<number>;
  /** Frees what the stepper holds (an unread loss sum). */
  dispose(): void;
}

/** TF.js steps: `optimizer.minimize` of `loss` over `vars`, the losses summed on the device. */
export function tfjsStepper<B>(optimizer: tf.Optimizer, vars: tf.Variable[], loss: (batch: B) => tf.Scalar): Stepper<B> {
  let sum: tf.Scalar = tf.scalar(0);
  return {
    step(batch) {
      const cost = optimizer.minimize(() => loss(batch), true, vars);
      if (!cost) throw new Error('optimizer.minimize returned no cost');
      const next = tf.add(sum, cost) as tf.Scalar;
      sum.dispose();
      cost.dispose();
      sum = next;
    },
    async takeLossSum() {
      const v = (await sum.data())[0];
      sum.dispose();
      sum = tf.scalar(0);
      return v;
    },
    dispose() {
      sum.dispose();
    },
  };
}

export interface LoopSpec<B> {
  startEpoch: number;
  epochs: number;
  batches(epoch: number): Iterable<B>;
  steps: number;
  stepper: Stepper<B>;
  /** Mean loss on held-out data, or null. */
  validate(): Promise<number | null>;
  /** Extra per-epoch figures. */
  metrics?(): Record<string, number> | Promise<Record<string, number>>;
}

/** Runs epochs startEpoch..epochs-1 and returns their reports. */
export async function runEpochs<B>(spec: LoopSpec<B>, hooks: TrainHooks): Promise<EpochReport[]> {
  const history: EpochReport[] = [];
  const yieldMs = hooks.yieldMs ?? 50;
  let lastYield = performance.now();
  for (let epoch = spec.startEpoch; epoch < spec.epochs; epoch++) {
    const t0 = performance.now();
    let step = 0;
    for (const batch of spec.batches(epoch)) {
      spec.stepper.step(batch);
      step++;
      hooks.onStep?.(epoch, step, spec.steps);
      if (performance.now() - lastYield > yieldMs) {
        await nextTick();
        lastYield = performance.now();
      }
      if (hooks.signal?.aborted) {
        throw new CancelledError(`training cancelled at epoch ${epoch + 1}, step ${step}`);
      }
    }
    const trainLoss = (await spec.stepper.takeLossSum()) / Math.max(1, step);
    if (!Number.isFinite(trainLoss)) throw new NonFiniteLossError(epoch + 1, trainLoss);
    const validationLoss = await spec.validate();
    if (validationLoss !== null && !Number.isFinite(validationLoss)) throw new NonFiniteLossError(epoch + 1, validationLoss);
    const metrics = spec.metrics ? await spec.metrics() : {};
    const report: EpochReport = { epoch: epoch + 1, trainLoss, validationLoss, metrics, seconds: (performance.now() - t0) / 1000 };
    history.push(report);
    await hooks.onEpoch?.(report);
  }
  return history;
}

/**
 * Hooks that also collect the history (resumed epochs first) and, when asked, save a checkpoint
 * (weights and the optimiser state `optimizer` reads) after every epoch: what the two-tower and MF
 * trainers share.
 */
export function checkpointingHooks(
  opts: TrainHooks & { resume?: TrainCheckpoint; onCheckpoint?(cp: TrainCheckpoint): void | Promise<void> },
  model: { weights(): Promise<NamedWeight[]> },
  optimizer: () => Promise<NamedWeight[]>,
): { hooks: TrainHooks; history: EpochReport[] } {
  const history = [...(opts.resume?.history ?? [])];
  const hooks: TrainHooks = {
    ...opts,
    onEpoch: async (report) => {
      history.push(report);
      await opts.onEpoch?.(report);
      if (opts.onCheckpoint) {
        await opts.onCheckpoint({ epochsDone: report.epoch, weights: await model.weights(), optimizer: await optimizer(), history: history.slice() });
      }
    },
  };
  return { hooks, history };
}

/** Serialises an optimiser's state (Adam moments, step count) for a checkpoint. */
export async function optimizerState(opt: tf.Optimizer): Promise<NamedWeight[]> {
  const ws = await opt.getWeights();
  return Promise.all(ws.map(async (w) => ({ name: w.name, shape: w.tensor.shape.slice(), values: Float32Array.from(await w.tensor.data()) })));
}

/** Restores a state saved by `optimizerState` (same variables, same order). */
export async function restoreOptimizer(opt: tf.Optimizer, state: readonly NamedWeight[]): Promise<void> {
  await opt.setWeights(state.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape) })));
}

/** Seeded normal(0, scale) values (Box–Muller over mulberry32). */
export function normalArray(n: number, scale: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rand();
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1)) * scale;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/**
 * Reads a scalar asynchronously and disposes it. Never `dataSync()` here: on WebGPU a synchronous
 * read goes through an OffscreenCanvas copy, and in a worker under SwiftShader that copy leaves the
 * device unusable (the next `mapAsync` fails with "A valid external Instance reference no longer exists").
 */
export async function readScalar(t: tf.Scalar): Promise<number> {
  try {
    return (await t.data())[0];
  } finally {
    t.dispose();
  }
}
