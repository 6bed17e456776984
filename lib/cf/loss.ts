/**
 * The training loss, defined as `implicit` defines it (`_calculate_loss`), so
 * the two libraries' curves can be compared:
 *
 *   [ Σ_{u,i} c_ui (p_ui − x_u·y_i)² + λ (‖X‖² + ‖Y‖²) ] / (Σ_observed c_ui + #unobserved)
 *
 * The sum over all pairs uses Σ_u x_uᵀ (YᵀY) x_u, so it costs O(nnz·k + users·k²).
 */
import type { Csr } from '../data/csr';
import { gram } from './linalg';

export function alsLoss(cui: Csr, x: Float32Array, y: Float32Array, k: number, regularization: number): number {
  const { indptr, indices, data, nRows, nCols } = cui;
  const yty = gram(y, nCols, k);
  let loss = 0;
  let totalConfidence = 0;
  let userNorm = 0;
  const t = new Float64Array(k);
  for (let u = 0; u < nRows; u++) {
    const xo = u * k;
    // x_uᵀ YᵀY x_u: every pair's squared score, as if all were unobserved.
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let b = 0; b < k; b++) s += yty[a * k + b] * x[xo + b];
      t[a] = s;
    }
    let quad = 0;
    let norm = 0;
    for (let a = 0; a < k; a++) {
      quad += x[xo + a] * t[a];
      norm += x[xo + a] * x[xo + a];
    }
    loss += quad;
    userNorm += norm;
    for (let e = indptr[u]; e < indptr[u + 1]; e++) {
      const c = data[e];
      const o = indices[e] * k;
      let s = 0;
      for (let a = 0; a < k; a++) s += x[xo + a] * y[o + a];
      // Replace the unobserved term s² by the observed one c (1 − s)².
      loss += c * (1 - s) * (1 - s) - s * s;
      totalConfidence += c;
    }
  }
  let itemNorm = 0;
  for (let i = 0; i < y.length; i++) itemNorm += y[i] * y[i];
  loss += regularization * (userNorm + itemNorm);
  const nnz = indices.length;
  return loss / (totalConfidence + nRows * nCols - nnz);
}
