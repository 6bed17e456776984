/** How the CG kernel splits a half-step's rows into chunks that its threads take from a counter. */
import type { Csr } from '../../data/csr';

/** Work of a matrix in entry units: a row costs its entries plus k/2 (the k² product with YᵀY). */
export function costOf(m: Csr, k: number): number {
  let rows = 0;
  for (let r = 0; r < m.nRows; r++) if (m.indptr[r + 1] > m.indptr[r]) rows++;
  return m.indices.length + (rows * k) / 2;
}

/** Row boundaries [0, …, nRows] of chunks of about `target` cost units each. */
export function chunkRows(m: Csr, k: number, target: number): Int32Array {
  const bounds = [0];
  const limit = Math.max(1, target);
  let cost = 0;
  for (let r = 0; r < m.nRows; r++) {
    const n = m.indptr[r + 1] - m.indptr[r];
    if (n > 0) cost += n + k / 2;
    if (cost >= limit && r + 1 < m.nRows) {
      bounds.push(r + 1);
      cost = 0;
    }
  }
  bounds.push(m.nRows);
  return Int32Array.from(bounds);
}
