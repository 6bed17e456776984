/**
 * The TF.js implementation: the same warm-started conjugate gradient as
 * `cg.ts`, run for a batch of rows at once with tfjs-core ops only, on
 * whatever backend the caller has set (the ML worker picks it).
 *
 * Rows are sorted by length and grouped into batches padded to the batch's
 * longest row, so padding stays small. For a batch of B rows of length ≤ L:
 *   Yb = gather(Y, idx)             [B, L, k]
 *   A v = v (YᵀY + λI) + ((c − 1) ⊙ (Yb v))ᵀ Yb
 * and every row runs the same number of CG steps, a row whose residual has
 * vanished being frozen by a mask (as `implicit` breaks out of its loop).
 * Only forward ops are used (gather, matMul, elementwise), all of which the
 * wasm, webgl, webgpu and cpu backends implement.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Csr } from '../data/csr';
import { yieldToEventLoop } from './cg';
import { throwIfAborted } from '../util/cancel';
import type { AlsSolver, SolveArgs } from './types';

interface Batch {
  rows: Int32Array;
  len: number;
  /** B × L item ids (0 for padding). */
  idx: Int32Array;
  /** B × L values c − 1 (0 for padding). */
  cm1: Float32Array;
  /** B × L values c (0 for padding): the right-hand side weights. */
  c: Float32Array;
}

export interface TfjsSolverOptions {
  /** Upper bound on B × L × k floats per batch (memory of the gathered factors). Default 1M. */
  maxBatchFloats?: number;
  /**
   * Where each batch's factor rows are gathered: `device` (tf.gather, best
   * where memory bandwidth is on the device, e.g. WebGPU) or `host` (a copy
   * loop, then one upload; the wasm backend's Gather kernel is about 8× slower
   * than that loop). Default `host`. The worker picks it with the backend.
   */
  gather?: 'host' | 'device';
}

/** The TF.js solver. Call `dispose()` (fitAls does) to free cached batch plans. */
export function tfjsSolver(options: TfjsSolverOptions = {}): AlsSolver {
  const maxFloats = options.maxBatchFloats ?? 1 << 20;
  const onDevice = (options.gather ?? 'host') === 'device';
  let hostRows = new Float32Array(0);
  let plans = new WeakMap<Csr, Batch[]>();
  return {
    name: 'tfjs',
    async solve(args: SolveArgs): Promise<void> {
      const { confidence, target, fixed, factors: k, regularization, cgSteps, signal } = args;
      let batches = plans.get(confidence);
      if (!batches) {
        batches = planBatches(confidence, Math.max(1, Math.floor(maxFloats / k)));
        plans.set(confidence, batches);
      }
      const y = tf.tensor2d(fixed, [confidence.nCols, k]);
      const yty = tf.tidy(() => tf.add<tf.Tensor2D>(tf.matMul(y, y, true, false), tf.mul(tf.eye(k), regularization)));
      try {
        let done = 0;
        let lastYield = Date.now();
        for (const batch of batches) {
          throwIfAborted(signal, 'ALS fit cancelled');
          const b = batch.rows.length;
          const x0 = new Float32Array(b * k);
          for (let j = 0; j < b; j++) x0.set(target.subarray(batch.rows[j] * k, (batch.rows[j] + 1) * k), j * k);
          let rows: Float32Array | null = null;
          if (!onDevice) {
            const need = b * batch.len * k;
            if (hostRows.length < need) hostRows = new Float32Array(need);
            rows = hostRows.subarray(0, need);
            const idx = batch.idx;
            for (let j = 0; j < idx.length; j++) {
              const o = idx[j] * k;
              const d = j * k;
              for (let a = 0; a < k; a++) rows[d + a] = fixed[o + a];
            }
          }
          const out = tf.tidy(() => cgBatch(y, yty, batch, x0, k, cgSteps, rows));
          const solved = await out.data();
          out.dispose();
          for (let j = 0; j < b; j++) target.set(solved.subarray(j * k, (j + 1) * k), batch.rows[j] * k);
          done += b;
          args.onRows?.(done, confidence.nRows);
          if (Date.now() - lastYield > 50) {
            await yieldToEventLoop();
            lastYield = Date.now();
          }
        }
      } finally {
        y.dispose();
        yty.dispose();
      }
    },
    dispose() {
      plans = new WeakMap();
      hostRows = new Float32Array(0);
    },
  };
}

/** `hostRows`: the batch's gathered rows (B·L·k) when gathering on the host, else null (tf.gatherND on the backend). */
function cgBatch(y: tf.Tensor2D, yty: tf.Tensor2D, batch: Batch, x0: Float32Array, k: number, steps: number, hostRows: Float32Array | null): tf.Tensor2D {
  const b = batch.rows.length;
  const l = batch.len;
  const yb: tf.Tensor = hostRows ? tf.tensor3d(hostRows, [b, l, k]) : tf.gatherND(y, tf.tensor3d(batch.idx, [b, l, 1], 'int32')); // [B, L, k]; gatherND: WASM's Gather is ~15x slower
  const cm1 = tf.tensor3d(batch.cm1, [b, 1, l]);
  const c = tf.tensor3d(batch.c, [b, 1, l]);
  const apply = (v: tf.Tensor2D): tf.Tensor2D => {
    const ybv = tf.matMul(tf.reshape(v, [b, 1, k]), yb, false, true); // [B, 1, L]
    const sparse = tf.reshape(tf.matMul(tf.mul(cm1, ybv), yb), [b, k]);
    return tf.add(tf.matMul(v, yty), sparse);
  };
  let x: tf.Tensor2D = tf.tensor2d(x0, [b, k]);
  const rhs = tf.reshape(tf.matMul(c, yb), [b, k]) as tf.Tensor2D;
  let r: tf.Tensor2D = tf.sub(rhs, apply(x));
  let p = r;
  let rsold = tf.sum(tf.mul(r, r), 1, true) as tf.Tensor2D; // [B, 1]
  let active = tf.greaterEqual(rsold, 1e-20);
  const zero = tf.zerosLike(rsold);
  for (let it = 0; it < steps; it++) {
    const ap = apply(p);
    const pap = tf.sum(tf.mul(p, ap), 1, true);
    const alpha = tf.where(active, tf.div(rsold, pap), zero);
    x = tf.add(x, tf.mul(alpha, p));
    r = tf.sub(r, tf.mul(alpha, ap));
    const rsnew = tf.sum(tf.mul(r, r), 1, true) as tf.Tensor2D;
    const stillActive = tf.logicalAnd(active, tf.greaterEqual(rsnew, 1e-20));
    const beta = tf.where(stillActive, tf.div(rsnew, rsold), zero);
    p = tf.add(r, tf.mul(beta, p));
    rsold = tf.where(stillActive, rsnew, rsold);
    active = stillActive;
  }
  return x;
}

/** Groups non-empty rows by length into padded batches of at most `maxEntries` padded entries (one long row may exceed it). */
export function planBatches(m: Csr, maxEntries: number): Batch[] {
  const rows: number[] = [];
  for (let r = 0; r < m.nRows; r++) if (m.indptr[r + 1] > m.indptr[r]) rows.push(r);
  const len = (r: number) => m.indptr[r + 1] - m.indptr[r];
  rows.sort((a, b) => len(a) - len(b) || a - b);
  const batches: Batch[] = [];
  let start = 0;
  while (start < rows.length) {
    let end = start + 1;
    // Sorted ascending, so the last row of a group is its longest.
    while (end < rows.length && (end - start + 1) * len(rows[end]) <= maxEntries) end++;
    const group = rows.slice(start, end);
    const l = len(group[group.length - 1]);
    const idx = new Int32Array(group.length * l);
    const cm1 = new Float32Array(group.length * l);
    const c = new Float32Array(group.length * l);
    group.forEach((r, j) => {
      let at = j * l;
      for (let e = m.indptr[r]; e < m.indptr[r + 1]; e++, at++) {
        idx[at] = m.indices[e];
        cm1[at] = m.data[e] - 1;
        c[at] = m.data[e];
      }
    });
    batches.push({ rows: Int32Array.from(group), len: l, idx, cm1, c });
    start = end;
  }
  return batches;
}
