/**
 * The plain reference solver: for each row, build the normal equations of
 * Hu/Koren/Volinsky exactly and solve them by Cholesky:
 *
 *   (YᵀY + λI + Σ_i (c_i − 1) y_i y_iᵀ) x = Σ_i c_i y_i
 *
 * O(nnz·k² + rows·k³): obviously correct, slow on large data. Used by the
 * conformance test as ground truth.
 */
import { choleskySolve, gram } from './linalg';
import type { AlsSolver, SolveArgs } from './types';

export function exactSolver(): AlsSolver {
  return {
    name: 'exact',
    solve({ confidence, target, fixed, factors: k, regularization }: SolveArgs): void {
      const { indptr, indices, data, nRows, nCols } = confidence;
      const yty = gram(fixed, nCols, k, regularization);
      const a = new Float64Array(k * k);
      const b = new Float64Array(k);
      for (let r = 0; r < nRows; r++) {
        const start = indptr[r];
        const end = indptr[r + 1];
        if (start === end) continue;
        a.set(yty);
        b.fill(0);
        for (let e = start; e < end; e++) {
          const c = data[e];
          const o = indices[e] * k;
          for (let p = 0; p < k; p++) {
            const yp = fixed[o + p];
            b[p] += c * yp;
            const w = (c - 1) * yp;
            for (let q = 0; q < k; q++) a[p * k + q] += w * fixed[o + q];
          }
        }
        // Not positive definite only with non-finite inputs: mark the row so
        // the fit loop reports divergence with the iteration and side.
        if (!choleskySolve(a, b, k)) b.fill(NaN);
        const t = r * k;
        for (let p = 0; p < k; p++) target[t + p] = b[p];
      }
    },
  };
}
