/**
 * COO → CSR in linear time for the large matrices ALS builds (31.8M
 * purchases at hm-scale): two stable counting sorts (by column, then by row)
 * over typed arrays, then duplicates merged by summing. Same result as
 * `csrFromCoo` in lib/data/csr.ts, without its per-row comparison sorts.
 * Ids are trusted here: the callers validated them.
 */
import type { Csr } from '../data/csr';

export function csrFromCooLinear(nRows: number, nCols: number, rows: Int32Array, cols: Int32Array, vals: Float32Array): Csr {
  const n = rows.length;
  // Pass 1: order entries by column (stable).
  const colStart = new Int32Array(nCols + 1);
  for (let i = 0; i < n; i++) colStart[cols[i] + 1]++;
  for (let c = 0; c < nCols; c++) colStart[c + 1] += colStart[c];
  const byCol = new Int32Array(n);
  for (let i = 0; i < n; i++) byCol[colStart[cols[i]]++] = i;
  // Pass 2: stable by row, so columns end up sorted within each row.
  const rowStart = new Int32Array(nRows + 1);
  for (let i = 0; i < n; i++) rowStart[rows[i] + 1]++;
  for (let r = 0; r < nRows; r++) rowStart[r + 1] += rowStart[r];
  const cursor = rowStart.slice(0, nRows);
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = byCol[j];
    order[cursor[rows[i]]++] = i;
  }
  // Merge duplicates (same row and column are now adjacent).
  const indptr = new Int32Array(nRows + 1);
  const indices = new Int32Array(n);
  const data = new Float32Array(n);
  let w = 0;
  for (let r = 0; r < nRows; r++) {
    let last = -1;
    for (let j = rowStart[r]; j < rowStart[r + 1]; j++) {
      const i = order[j];
      const c = cols[i];
      if (c === last) data[w - 1] += vals[i];
      else {
        indices[w] = c;
        data[w] = vals[i];
        last = c;
        w++;
      }
    }
    indptr[r + 1] = w;
  }
  return { nRows, nCols, indptr, indices: indices.slice(0, w), data: data.slice(0, w) };
}

/** The transpose (items × users) in linear time. */
export function transposeLinear(m: Csr): Csr {
  const nnz = m.indices.length;
  const rows = new Int32Array(nnz);
  for (let r = 0; r < m.nRows; r++) rows.fill(r, m.indptr[r], m.indptr[r + 1]);
  return csrFromCooLinear(m.nCols, m.nRows, m.indices, rows, m.data);
}
