/**
 * The fast path: conjugate gradient per row, warm-started from the previous
 * factors, with a fixed number of steps (as `implicit`'s `_least_squares_cg`).
 * The product with Aᵤ = YᵀY + λI + Σ (c_i − 1) y_i y_iᵀ is never formed: each
 * step costs k² + 2·nnz_u·k multiply-adds. Plain loops over Float32Array
 * factors with float64 scratch vectors; no allocation inside the row loop.
 */
import { gram } from './linalg';
import { throwIfAborted } from '../util/cancel';
import type { AlsSolver, SolveArgs } from './types';

/** Solves rows [rowStart, rowEnd) of one half-step; exported so a caller can split rows across threads. */
export function cgSolveRows(args: SolveArgs, yty: Float64Array, rowStart: number, rowEnd: number): void {
  const { confidence, target: x, fixed: y, factors: k, cgSteps } = args;
  const { indptr, indices, data } = confidence;
  const r = new Float64Array(k);
  const p = new Float64Array(k);
  const ap = new Float64Array(k);
  const xu = new Float64Array(k);
  for (let u = rowStart; u < rowEnd; u++) {
    const start = indptr[u];
    const end = indptr[u + 1];
    if (start === end) continue;
    const xo = u * k;
    for (let a = 0; a < k; a++) xu[a] = x[xo + a];
    // r = b − A x = −(YᵀY + λI) x + Σ_i (c_i − (c_i − 1) y_i·x) y_i
    for (let a = 0; a < k; a++) {
      let s = 0;
      const ga = a * k;
      for (let b = 0; b < k; b++) s += yty[ga + b] * xu[b];
      r[a] = -s;
    }
    for (let e = start; e < end; e++) {
      const c = data[e];
      const o = indices[e] * k;
      let d = 0;
      for (let a = 0; a < k; a++) d += y[o + a] * xu[a];
      const w = c - (c - 1) * d;
      for (let a = 0; a < k; a++) r[a] += w * y[o + a];
    }
    let rsold = 0;
    for (let a = 0; a < k; a++) {
      p[a] = r[a];
      rsold += r[a] * r[a];
    }
    if (rsold < 1e-20) continue;
    for (let it = 0; it < cgSteps; it++) {
      for (let a = 0; a < k; a++) {
        let s = 0;
        const ga = a * k;
        for (let b = 0; b < k; b++) s += yty[ga + b] * p[b];
        ap[a] = s;
      }
      for (let e = start; e < end; e++) {
        const o = indices[e] * k;
        let d = 0;
        for (let a = 0; a < k; a++) d += y[o + a] * p[a];
        const w = (data[e] - 1) * d;
        for (let a = 0; a < k; a++) ap[a] += w * y[o + a];
      }
      let pap = 0;
      for (let a = 0; a < k; a++) pap += p[a] * ap[a];
      const alpha = rsold / pap;
      let rsnew = 0;
      for (let a = 0; a < k; a++) {
        xu[a] += alpha * p[a];
        r[a] -= alpha * ap[a];
        rsnew += r[a] * r[a];
      }
      if (rsnew < 1e-20) break;
      const beta = rsnew / rsold;
      for (let a = 0; a < k; a++) p[a] = r[a] + beta * p[a];
      rsold = rsnew;
    }
    for (let a = 0; a < k; a++) x[xo + a] = xu[a];
  }
}

/**
 * The conjugate-gradient solver (TypeScript, one thread). Rows are solved in
 * chunks of about `chunkEntries` stored entries; between chunks it yields to
 * the event loop so a worker can receive a cancel message, and checks the
 * signal.
 */
export function cgSolver(chunkEntries = 200_000): AlsSolver {
  return {
    name: 'cg-js',
    async solve(args: SolveArgs): Promise<void> {
      const { confidence, signal } = args;
      const yty = gram(args.fixed, confidence.nCols, args.factors, args.regularization);
      const n = confidence.nRows;
      let row = 0;
      while (row < n) {
        throwIfAborted(signal, 'ALS fit cancelled');
        let end = row + 1;
        const limit = confidence.indptr[row] + chunkEntries;
        while (end < n && confidence.indptr[end + 1] <= limit) end++;
        cgSolveRows(args, yty, row, end);
        row = end;
        args.onRows?.(row, n);
        if (row < n) await yieldToEventLoop();
      }
    },
  };
}

/**
 * Lets pending messages (cancel) run: a message to itself through a
 * MessageChannel (Node, pages and workers), which browsers do not hold back
 * the way they clamp nested setTimeout(0) calls to 4 ms (8% of a 50 ms slice);
 * setTimeout where there is no MessageChannel.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof MessageChannel !== 'function') return void setTimeout(resolve, 0);
    const { port1, port2 } = new MessageChannel();
    port1.addEventListener(
      'message',
      () => {
        port1.close();
        resolve();
      },
      { once: true },
    );
    port1.start();
    port2.postMessage(null);
  });
