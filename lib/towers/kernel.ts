/**
 * The two-tower training step as one WebAssembly SIMD kernel (wasm/step.wat)
 * instead of ~130 TF.js ops: for sampled negatives (BCE or sampled softmax,
 * side features, item bias, L2, Adam or SGD), the same model, loss and
 * update as the TF.js path in twotower.ts, in float32, on the calling thread.
 *
 * Why: a TF.js step on the WASM backend (MovieLens, batch 1024, 10
 * negatives) runs ~130 kernels, each with its own dispatch, allocation and
 * tidy bookkeeping, for ~1.5 MFLOP of work: ~6 ms a step where PyTorch takes
 * ~1.7 ms. Here a step is a few calls into one module over buffers laid out
 * once per fit.
 *
 * Memory (byte offsets, 16-aligned), rows padded to dp = ⌈d/4⌉·4 floats:
 *   per table (user, item, user.<f>..., item.<f>..., item.bias): weights | Adam m | Adam v | gradient
 *   per batch: ids (users, positives, negatives, feature codes) | tower vectors U, P, N
 *   | their gradients | scores | dLoss/dscores
 * Gradients are zeroed by the optimiser call that consumes them. The per-score
 * loss runs between `scores` and `backward`: BCE in the kernel (`softplusGrad`,
 * polynomial exp and log), the sampled softmax (log-sum-exp per row) in JavaScript.
 */
import type { TwoTowerBatch } from './batches';
import type { NamedWeight } from './loop';
import type { TowerEmbeddings, TwoTowerConfig, TwoTowerData } from './types';
import { TOWERS_KERNEL_WASM } from './wasm/kernel-bytes';

interface Exports {
  mem: WebAssembly.Memory;
  gather(tab: number, ids: number, n: number, out: number, dp: number, acc: number): void;
  scatterAdd(grad: number, ids: number, n: number, g: number, dp: number): void;
  scores(u: number, p: number, neg: number, b: number, m: number, dp: number, s: number): void;
  backward(u: number, p: number, neg: number, ds: number, b: number, m: number, dp: number, c: number, gu: number, gp: number, gn: number): void;
  sumSquares(x: number, n: number): number;
  softplusGrad(x: number, d: number, n: number, scale: number): number;
  adam(w: number, m: number, v: number, g: number, n: number, lr: number, b1: number, b2: number, o1: number, o2: number, eps: number, c1: number, c2: number): void;
  sgd(w: number, g: number, n: number, lr: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(TOWERS_KERNEL_WASM);
    } catch {
      // Only runtimes without SIMD or bulk memory fail here; training then uses TF.js.
      compiled = null;
    }
  }
  return compiled;
}

/** True when this runtime can run the kernel (WebAssembly with SIMD). */
export function towersKernelAvailable(): boolean {
  return typeof WebAssembly === 'object' && kernelModule() !== null;
}

/** True when trainTwoTower uses the kernel for `cfg`: engine 'kernel', sampled negatives, and a runtime that has it. */
export function kernelApplies(cfg: TwoTowerConfig): boolean {
  return cfg.engine === 'kernel' && cfg.negativeSource === 'sampled' && towersKernelAvailable();
}

// TF.js's Adam defaults (tf.train.adam) and its float32 epsilon on the CPU and WASM backends.
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

const f32 = Math.fround;
const align = (n: number) => (n + 15) & ~15;
const pad4 = (n: number) => (n + 3) & ~3;

interface Table {
  name: string;
  rows: number;
  /** Columns as the model sees them (dim, or 1 for the bias). */
  cols: number;
  /** Floats per stored row (dp for embedding tables, 1 for the bias). */
  stride: number;
  /** Floats the optimiser walks (rows·stride, padded to 4). */
  n: number;
  w: number;
  m: number;
  v: number;
  g: number;
}

interface FeatureCodes {
  /** Code of each user (or item). */
  codes: Int32Array;
  table: Table;
  /** Byte offsets of this feature's per-batch codes: users (or positives), negatives. */
  idsA: number;
  idsB: number;
}

/** One fit's state in the kernel's memory: weights, optimiser moments, batch buffers. */
export class TwoTowerKernel {
  private readonly x: Exports;
  private readonly dp: number;
  private readonly tables: Table[];
  private readonly userF: FeatureCodes[];
  private readonly itemF: FeatureCodes[];
  private readonly bias: Table | null;
  private readonly maxB: number;
  private readonly m: number;
  private readonly buf: { users: number; pos: number; neg: number; u: number; p: number; n: number; gu: number; gp: number; gn: number; s: number; ds: number };
  private f32v!: Float32Array;
  private i32v!: Int32Array;
  /** Optimiser steps taken (TF.js's `iter`). */
  private iterations = 0;
  private accBeta1 = f32(BETA1);
  private accBeta2 = f32(BETA2);

  /** `weights` in the order of initTwoTowerWeights; batches of up to `maxBatch` positives. */
  constructor(
    readonly data: TwoTowerData,
    readonly cfg: TwoTowerConfig,
    weights: readonly NamedWeight[],
    maxBatch: number,
  ) {
    const module = kernelModule();
    if (!module) throw new Error('the two-tower kernel needs WebAssembly SIMD, which this runtime lacks');
    if (cfg.negativeSource !== 'sampled') throw new Error(`invalid negativeSource for the kernel: ${cfg.negativeSource}; expected sampled`);
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    const d = cfg.dim;
    this.dp = pad4(d);
    this.m = cfg.negatives;
    this.maxB = maxBatch;
    let top = 16;
    const take = (floats: number) => {
      const at = top;
      top = align(top + 4 * floats);
      return at;
    };
    this.tables = weights.map((w) => {
      const cols = w.shape[1];
      const stride = w.name === 'item.bias' ? 1 : this.dp;
      const n = pad4(w.shape[0] * stride);
      return { name: w.name, rows: w.shape[0], cols, stride, n, w: take(n), m: take(n), v: take(n), g: take(n) };
    });
    const nUserF = data.userFeatures?.length ?? 0;
    this.userF = (data.userFeatures ?? []).map((f, k) => ({ codes: f.codes, table: this.tables[2 + k], idsA: take(maxBatch), idsB: 0 }));
    this.itemF = (data.itemFeatures ?? []).map((f, k) => ({ codes: f.codes, table: this.tables[2 + nUserF + k], idsA: take(maxBatch), idsB: take(maxBatch * this.m) }));
    this.bias = cfg.itemBias ? this.tables[this.tables.length - 1] : null;
    const rowsB = maxBatch * this.dp;
    const rowsN = maxBatch * this.m * this.dp;
    this.buf = {
      users: take(maxBatch),
      pos: take(maxBatch),
      neg: take(maxBatch * this.m),
      u: take(rowsB),
      p: take(rowsB),
      n: take(rowsN),
      gu: take(rowsB),
      gp: take(rowsB),
      gn: take(rowsN),
      s: take(maxBatch * (this.m + 1)),
      ds: take(maxBatch * (this.m + 1)),
    };
    const mem = this.x.mem;
    const need = Math.ceil(top / 65536) - mem.buffer.byteLength / 65536;
    if (need > 0) mem.grow(need);
    this.views();
    for (const [t, w] of weights.entries()) this.setTable(this.tables[t], this.tables[t].w, w.values);
  }

  private views(): void {
    this.f32v = new Float32Array(this.x.mem.buffer);
    this.i32v = new Int32Array(this.x.mem.buffer);
  }

  /** Writes row-major values (rows × cols) into a table region with its stride (padding stays zero). */
  private setTable(t: Table, at: number, values: ArrayLike<number>): void {
    const base = at >> 2;
    if (t.stride === t.cols) {
      this.f32v.set(values as Float32Array, base);
      return;
    }
    for (let r = 0; r < t.rows; r++) for (let c = 0; c < t.cols; c++) this.f32v[base + r * t.stride + c] = values[r * t.cols + c];
  }

  private getTable(t: Table, at: number): Float32Array {
    const base = at >> 2;
    const out = new Float32Array(t.rows * t.cols);
    for (let r = 0; r < t.rows; r++) out.set(this.f32v.subarray(base + r * t.stride, base + r * t.stride + t.cols), r * t.cols);
    return out;
  }

  /** Gathers the tower vectors of a batch into U, P, N and returns b. */
  private forward(batch: TwoTowerBatch): number {
    const b = batch.users.length;
    if (b > this.maxB) throw new Error(`invalid batch: ${b} positives; the kernel was laid out for at most ${this.maxB}`);
    if (batch.neg.length !== b * this.m) throw new Error(`invalid batch: ${batch.neg.length} negatives for ${b} positives; expected ${this.m} each`);
    const { x, dp, buf, i32v } = this;
    const [user, item] = this.tables;
    i32v.set(batch.users, buf.users >> 2);
    i32v.set(batch.pos, buf.pos >> 2);
    i32v.set(batch.neg, buf.neg >> 2);
    x.gather(user.w, buf.users, b, buf.u, dp, 0);
    x.gather(item.w, buf.pos, b, buf.p, dp, 0);
    x.gather(item.w, buf.neg, b * this.m, buf.n, dp, 0);
    for (const f of this.userF) {
      const at = f.idsA >> 2;
      for (let k = 0; k < b; k++) i32v[at + k] = f.codes[batch.users[k]];
      x.gather(f.table.w, f.idsA, b, buf.u, dp, 1);
    }
    for (const f of this.itemF) {
      const a = f.idsA >> 2;
      for (let k = 0; k < b; k++) i32v[a + k] = f.codes[batch.pos[k]];
      const c = f.idsB >> 2;
      for (let k = 0; k < batch.neg.length; k++) i32v[c + k] = f.codes[batch.neg[k]];
      x.gather(f.table.w, f.idsA, b, buf.p, dp, 1);
      x.gather(f.table.w, f.idsB, batch.neg.length, buf.n, dp, 1);
    }
    x.scores(buf.u, buf.p, buf.n, b, this.m, dp, buf.s);
    return b;
  }

  /**
   * The batch's loss (mean over its examples, plus the L2 term); with `grad`, also dLoss/dscore
   * into ds and the bias gradient into the bias table's gradient.
   */
  private lossOf(batch: TwoTowerBatch, b: number, grad: boolean): number {
    const { f32v, buf, cfg } = this;
    const w = this.m + 1;
    const s = buf.s >> 2;
    const ds = buf.ds >> 2;
    const bias = this.bias;
    if (bias) {
      const bw = bias.w >> 2;
      for (let k = 0; k < b; k++) {
        f32v[s + k * w] = f32(f32v[s + k * w] + f32v[bw + batch.pos[k]]);
        for (let j = 0; j < this.m; j++) f32v[s + k * w + 1 + j] = f32(f32v[s + k * w + 1 + j] + f32v[bw + batch.neg[k * this.m + j]]);
      }
    }
    let loss = 0;
    if (cfg.loss === 'bce') {
      // Label 1 for the positive (first of each row), 0 for the negatives: softplus(−s) and softplus(s).
      // The kernel computes softplus(x) and sigmoid(x)/denom, so the positives go in negated and their
      // derivatives come out negated back; the padding up to 4 floats adds softplus(−10⁴) ≈ 0.
      const nS = b * w;
      const denom = nS;
      for (let k = 0; k < b; k++) f32v[s + k * w] = -f32v[s + k * w];
      for (let q = nS; q < pad4(nS); q++) f32v[s + q] = -1e4;
      loss = this.x.softplusGrad(buf.s, buf.ds, pad4(nS), f32(1 / denom)) / denom;
      for (let k = 0; k < b; k++) f32v[ds + k * w] = -f32v[ds + k * w];
    } else {
      for (let k = 0; k < b; k++) {
        const r = s + k * w;
        let mx = -Infinity;
        for (let j = 0; j < w; j++) mx = Math.max(mx, f32v[r + j]);
        let sum = 0;
        for (let j = 0; j < w; j++) sum += Math.exp(f32v[r + j] - mx);
        const lse = mx + Math.log(sum);
        loss += lse - f32v[r];
        if (grad) for (let j = 0; j < w; j++) f32v[ds + k * w + j] = (Math.exp(f32v[r + j] - lse) - (j === 0 ? 1 : 0)) / b;
      }
      loss /= b;
    }
    if (cfg.l2 > 0) {
      const sq = this.x.sumSquares(buf.u, b * this.dp) + this.x.sumSquares(buf.p, b * this.dp) + this.x.sumSquares(buf.n, b * this.m * this.dp);
      loss += (cfg.l2 / b) * sq;
    }
    if (grad && bias) {
      const bg = bias.g >> 2;
      for (let k = 0; k < b; k++) {
        f32v[bg + batch.pos[k]] += f32v[ds + k * w];
        for (let j = 0; j < this.m; j++) f32v[bg + batch.neg[k * this.m + j]] += f32v[ds + k * w + 1 + j];
      }
    }
    return loss;
  }

  /** The loss of a batch at the current weights (no update). */
  loss(batch: TwoTowerBatch): number {
    return this.lossOf(batch, this.forward(batch), false);
  }

  /** One optimiser step on a batch; returns the batch's loss before the update. */
  step(batch: TwoTowerBatch): number {
    const b = this.forward(batch);
    const loss = this.lossOf(batch, b, true);
    const { x, dp, buf, cfg } = this;
    const nNeg = b * this.m;
    x.backward(buf.u, buf.p, buf.n, buf.ds, b, this.m, dp, f32((2 * cfg.l2) / b), buf.gu, buf.gp, buf.gn);
    const [user, item] = this.tables;
    x.scatterAdd(user.g, buf.users, b, buf.gu, dp);
    x.scatterAdd(item.g, buf.pos, b, buf.gp, dp);
    x.scatterAdd(item.g, buf.neg, nNeg, buf.gn, dp);
    for (const f of this.userF) x.scatterAdd(f.table.g, f.idsA, b, buf.gu, dp);
    for (const f of this.itemF) {
      x.scatterAdd(f.table.g, f.idsA, b, buf.gp, dp);
      x.scatterAdd(f.table.g, f.idsB, nNeg, buf.gn, dp);
    }
    this.update();
    return loss;
  }

  private update(): void {
    const { x, cfg } = this;
    const lr = f32(cfg.learningRate);
    if (cfg.optimizer === 'sgd') {
      for (const t of this.tables) x.sgd(t.w, t.g, t.n, lr);
    } else {
      const c1 = f32(1 - this.accBeta1);
      const c2 = f32(1 - this.accBeta2);
      for (const t of this.tables) x.adam(t.w, t.m, t.v, t.g, t.n, lr, BETA1, BETA2, 1 - BETA1, 1 - BETA2, EPSILON, c1, c2);
      this.accBeta1 = f32(this.accBeta1 * f32(BETA1));
      this.accBeta2 = f32(this.accBeta2 * f32(BETA2));
    }
    this.iterations++;
  }

  /** Current weights, in the order of initTwoTowerWeights. */
  weights(): NamedWeight[] {
    return this.tables.map((t) => ({ name: t.name, shape: [t.rows, t.cols], values: this.getTable(t, t.w) }));
  }

  /**
   * The optimiser's state in TF.js's layout (what `optimizerState` in loop.ts gives for
   * tf.train.adam / tf.train.sgd): `iter`, then Adam's first moments, then its second moments.
   */
  optimizerState(prefix: string): NamedWeight[] {
    const iter = { name: 'iter', shape: [], values: Float32Array.of(this.iterations) };
    if (this.cfg.optimizer === 'sgd') return [iter];
    const moments = (which: 'm' | 'v') => this.tables.map((t) => ({ name: `${prefix}${t.name}/${which}`, shape: [t.rows, t.cols], values: this.getTable(t, t[which]) }));
    return [iter, ...moments('m'), ...moments('v')];
  }

  /** Restores a state saved by `optimizerState` (or by TF.js for the same variables). */
  restoreOptimizer(state: readonly NamedWeight[]): void {
    if (state.length === 0) return;
    this.iterations = Math.round(state[0].values[0]);
    // As TF.js's setWeights: β^(iterations + 1), in float32.
    this.accBeta1 = f32(Math.pow(f32(BETA1), this.iterations + 1));
    this.accBeta2 = f32(Math.pow(f32(BETA2), this.iterations + 1));
    if (this.cfg.optimizer === 'sgd') return;
    const nT = this.tables.length;
    if (state.length !== 1 + 2 * nT) throw new Error(`invalid optimizer state: ${state.length} weights; expected ${1 + 2 * nT}`);
    this.tables.forEach((t, k) => {
      this.setTable(t, t.m, state[1 + k].values);
      this.setTable(t, t.v, state[1 + nT + k].values);
    });
  }

  /** Tower outputs for every user and item (as TwoTowerModel.embeddings). */
  embeddings(): TowerEmbeddings {
    const d = this.cfg.dim;
    const cols = this.bias ? d + 1 : d;
    const side = (t: Table, feats: FeatureCodes[], n: number, last: (r: number) => number) => {
      const out = new Float32Array(n * cols);
      const base = t.w >> 2;
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < d; c++) {
          let v = this.f32v[base + r * this.dp + c];
          for (const f of feats) v = f32(v + this.f32v[(f.table.w >> 2) + f.codes[r] * this.dp + c]);
          out[r * cols + c] = v;
        }
        if (this.bias) out[r * cols + d] = last(r);
      }
      return out;
    };
    const users = side(this.tables[0], this.userF, this.data.nUsers, () => 1);
    const items = side(this.tables[1], this.itemF, this.data.nItems, (r) => this.f32v[(this.bias!.w >> 2) + r]);
    return this.bias ? { dim: cols, users, items, biasColumn: true } : { dim: d, users, items };
  }
}
