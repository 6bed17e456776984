/**
 * Plain, obviously correct float64 mirrors of the two-tower and MF models:
 * forward loss and hand-derived gradients, and an SGD trainer over the same
 * seeded batches. The conformance tests check the TF.js fast path against
 * these, and these against numerical gradients.
 */
import { logItemShare, splitRows, stepsPerEpoch, twoTowerBatches, validateMf, validateTwoTower, type TwoTowerBatch } from './batches';
import type { NamedWeight } from './loop';
import type { MfConfig, MfData, TwoTowerConfig, TwoTowerData } from './types';

/** Weights in float64. */
export interface RefWeight {
  name: string;
  shape: number[];
  values: Float64Array;
}

export const toRef = (ws: readonly NamedWeight[]): RefWeight[] => ws.map((w) => ({ name: w.name, shape: w.shape.slice(), values: Float64Array.from(w.values) }));

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function logSoftmaxGrad(row: number[]): { lse: number; p: number[] } {
  const m = Math.max(...row);
  let s = 0;
  for (const x of row) s += Math.exp(x - m);
  const lse = m + Math.log(s);
  return { lse, p: row.map((x) => Math.exp(x - lse)) };
}

/** Two-tower loss of one batch and its gradient w.r.t. every weight (same order as `w`). */
export function refTwoTowerLossAndGrad(data: TwoTowerData, cfg: TwoTowerConfig, w: readonly RefWeight[], batch: TwoTowerBatch): { loss: number; grads: Float64Array[] } {
  const d = cfg.dim;
  const uf = data.userFeatures ?? [];
  const itf = data.itemFeatures ?? [];
  const grads = w.map((x) => new Float64Array(x.values.length));
  // Table indices feeding a tower row: [weight index, row] pairs.
  const rowsOf = (side: 'user' | 'item', id: number): [number, number][] =>
    side === 'user'
      ? [[0, id], ...uf.map((f, k): [number, number] => [2 + k, f.codes[id]])]
      : [[1, id], ...itf.map((f, k): [number, number] => [2 + uf.length + k, f.codes[id]])];
  const vec = (side: 'user' | 'item', id: number): Float64Array => {
    const v = new Float64Array(d);
    for (const [t, r] of rowsOf(side, id)) for (let c = 0; c < d; c++) v[c] += w[t].values[r * d + c];
    return v;
  };
  const addGrad = (side: 'user' | 'item', id: number, g: Float64Array) => {
    for (const [t, r] of rowsOf(side, id)) for (let c = 0; c < d; c++) grads[t][r * d + c] += g[c];
  };
  // Item bias: the last weight when cfg.itemBias; logQ: the in-batch correction.
  const biasT = cfg.itemBias ? w.length - 1 : -1;
  const bias = (i: number) => (biasT >= 0 ? w[biasT].values[i] : 0);
  const addBias = (i: number, g: number) => {
    if (biasT >= 0) grads[biasT][i] += g;
  };
  const lq = cfg.logQ && cfg.negativeSource === 'in-batch' ? logItemShare(data) : null;
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, c) => s + x * b[c], 0);
  const axpy = (g: Float64Array, a: number, x: Float64Array) => {
    for (let c = 0; c < d; c++) g[c] += a * x[c];
  };

  const b = batch.users.length;
  const U = Array.from(batch.users, (u) => vec('user', u));
  const P = Array.from(batch.pos, (i) => vec('item', i));
  const gU = U.map(() => new Float64Array(d));
  const gP = P.map(() => new Float64Array(d));
  let loss = 0;
  if (cfg.negativeSource === 'sampled') {
    const nNeg = batch.neg.length / b;
    for (let k = 0; k < b; k++) {
      const Nk = Array.from(batch.neg.subarray(k * nNeg, (k + 1) * nNeg), (i) => vec('item', i));
      const negIds = Array.from(batch.neg.subarray(k * nNeg, (k + 1) * nNeg));
      const row = [dot(U[k], P[k]) + bias(batch.pos[k]), ...Nk.map((n, j) => dot(U[k], n) + bias(negIds[j]))];
      let dRow: number[];
      if (cfg.loss === 'bce') {
        const denom = b * (1 + nNeg);
        loss += (softplus(-row[0]) + row.slice(1).reduce((s, x) => s + softplus(x), 0)) / denom;
        dRow = row.map((x, j) => (j === 0 ? -sigmoid(-x) : sigmoid(x)) / denom);
      } else {
        const { lse, p } = logSoftmaxGrad(row);
        loss += (lse - row[0]) / b;
        dRow = p.map((pj, j) => (pj - (j === 0 ? 1 : 0)) / b);
      }
      axpy(gU[k], dRow[0], P[k]);
      axpy(gP[k], dRow[0], U[k]);
      addBias(batch.pos[k], dRow[0]);
      Nk.forEach((n, j) => {
        addBias(negIds[j], dRow[j + 1]);
        axpy(gU[k], dRow[j + 1], n);
        const gn = new Float64Array(d);
        axpy(gn, dRow[j + 1], U[k]);
        if (cfg.l2 > 0) axpy(gn, (2 * cfg.l2) / b, n);
        loss += (cfg.l2 / b) * dot(n, n);
        addGrad('item', batch.neg[k * nNeg + j], gn);
      });
    }
  } else {
    for (let k = 0; k < b; k++) {
      const row = P.map((p, l) => dot(U[k], p) + bias(batch.pos[l]) - (lq ? lq[batch.pos[l]] : 0));
      let dRow: number[];
      if (cfg.loss === 'bce') {
        loss += (row.reduce((s, x) => s + softplus(x), 0) - row[k]) / (b * b);
        dRow = row.map((x, l) => (sigmoid(x) - (l === k ? 1 : 0)) / (b * b));
      } else {
        const { lse, p } = logSoftmaxGrad(row);
        loss += (lse - row[k]) / b;
        dRow = p.map((pl, l) => (pl - (l === k ? 1 : 0)) / b);
      }
      for (let l = 0; l < b; l++) {
        axpy(gU[k], dRow[l], P[l]);
        axpy(gP[l], dRow[l], U[k]);
        addBias(batch.pos[l], dRow[l]);
      }
    }
  }
  for (let k = 0; k < b; k++) {
    if (cfg.l2 > 0) {
      loss += (cfg.l2 / b) * (dot(U[k], U[k]) + dot(P[k], P[k]));
      axpy(gU[k], (2 * cfg.l2) / b, U[k]);
      axpy(gP[k], (2 * cfg.l2) / b, P[k]);
    }
    addGrad('user', batch.users[k], gU[k]);
    addGrad('item', batch.pos[k], gP[k]);
  }
  return { loss, grads };
}

/** Plain SGD over the same seeded batches as trainTwoTower; returns the final weights and per-epoch mean losses. */
export function refTrainTwoTowerSgd(data: TwoTowerData, cfg: TwoTowerConfig, init: readonly NamedWeight[]): { weights: RefWeight[]; losses: number[] } {
  validateTwoTower(data, cfg);
  if (cfg.optimizer !== 'sgd') throw new Error(`invalid optimizer: ${cfg.optimizer}; the reference trainer implements sgd only`);
  const w = toRef(init);
  const losses: number[] = [];
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    let sum = 0;
    for (const batch of twoTowerBatches(data, cfg, epoch)) {
      const { loss, grads } = refTwoTowerLossAndGrad(data, cfg, w, batch);
      sum += loss;
      grads.forEach((g, t) => g.forEach((x, k) => (w[t].values[k] -= cfg.learningRate * x)));
    }
    losses.push(sum / stepsPerEpoch(data.users.length, cfg.batchSize));
  }
  return { weights: w, losses };
}

/** The rows of an MF batch. */
export interface MfBatch {
  users: Int32Array;
  items: Int32Array;
  targets: Float32Array;
}

/**
 * MF-with-dense-towers loss (MSE) of one batch and its gradient. Weights in
 * the order of initMfWeights: user [nU,d], item [nI,d], userKernel [d,h],
 * userBias [1,h], itemKernel [d,h], itemBias [1,h].
 */
export function refMfLossAndGrad(cfg: MfConfig, w: readonly RefWeight[], batch: MfBatch): { loss: number; grads: Float64Array[] } {
  const d = cfg.dim;
  const h = cfg.hidden;
  const grads = w.map((x) => new Float64Array(x.values.length));
  const b = batch.users.length;
  let loss = 0;
  const dense = (table: number, row: number, kernel: number): { x: Float64Array; z: Float64Array } => {
    const x = w[table].values.subarray(row * d, (row + 1) * d);
    const z = new Float64Array(h);
    for (let j = 0; j < h; j++) {
      let s = w[kernel + 1].values[j];
      for (let c = 0; c < d; c++) s += x[c] * w[kernel].values[c * h + j];
      z[j] = Math.max(0, s);
    }
    return { x, z };
  };
  const back = (table: number, row: number, kernel: number, x: Float64Array, z: Float64Array, gz: Float64Array) => {
    for (let j = 0; j < h; j++) {
      if (z[j] <= 0) continue; // relu'(s) = 0 for s ≤ 0
      grads[kernel + 1][j] += gz[j];
      for (let c = 0; c < d; c++) {
        grads[kernel][c * h + j] += x[c] * gz[j];
        grads[table][row * d + c] += w[kernel].values[c * h + j] * gz[j];
      }
    }
  };
  for (let k = 0; k < b; k++) {
    const u = dense(0, batch.users[k], 2);
    const i = dense(1, batch.items[k], 4);
    const pred = u.z.reduce((s, x, j) => s + x * i.z[j], 0);
    const err = pred - batch.targets[k];
    loss += (err * err) / b;
    const g = (2 * err) / b;
    back(0, batch.users[k], 2, u.x, u.z, i.z.map((x) => g * x));
    back(1, batch.items[k], 4, i.x, i.z, u.z.map((x) => g * x));
  }
  return { loss, grads };
}

/** Checks MF data the same way the fast path does and returns its seeded split (for tests). */
export function refMfSplit(data: MfData, cfg: MfConfig): { train: Int32Array; validation: Int32Array } {
  validateMf(data, cfg);
  return splitRows(data.users.length, cfg.validationFraction, cfg.seed);
}
