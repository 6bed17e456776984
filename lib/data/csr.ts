/**
 * Sparse user × item interaction matrices in CSR form: the one shape every
 * model cell (ALS, two-tower, MF) consumes. Ids are dense 0-based integers.
 */

/** Rows are users, columns items; `data` holds weights (counts, decayed weights, ratings). */
export interface Csr {
  nRows: number;
  nCols: number;
  /** Length nRows + 1; row r spans indptr[r] .. indptr[r+1]. */
  indptr: Int32Array;
  /** Column index per stored entry, sorted within each row. */
  indices: Int32Array;
  data: Float32Array;
}

/**
 * Builds a CSR from coordinate triples, summing duplicates (repeated purchases add up), in linear
 * time (31.8M purchases at hm-scale): two stable counting sorts (by column, then by row), then
 * duplicates merged in their input order. Throws on ids outside the shape or non-finite weights;
 * `check = false` skips that pass for callers that validated their ids already. Missing `values`
 * count 1 each.
 */
export function csrFromCoo(
  nRows: number,
  nCols: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  values?: ArrayLike<number>,
  check = true,
): Csr {
  const n = rows.length;
  if (cols.length !== n || (values && values.length !== n)) {
    throw new Error(`invalid COO arrays: rows ${n}, cols ${cols.length}, values ${values?.length ?? 'none'}; expected equal lengths`);
  }
  if (check) {
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      const c = cols[i];
      if (!(r >= 0 && r < nRows && Number.isInteger(r))) throw new Error(`invalid row id at entry ${i}: ${r}; expected 0..${nRows - 1}`);
      if (!(c >= 0 && c < nCols && Number.isInteger(c))) throw new Error(`invalid column id at entry ${i}: ${c}; expected 0..${nCols - 1}`);
      if (values && !Number.isFinite(values[i])) throw new Error(`invalid weight at entry ${i}: ${values[i]}; expected a finite number`);
    }
  }
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
      if (c === last) data[w - 1] += values ? values[i] : 1;
      else {
        indices[w] = c;
        data[w] = values ? values[i] : 1;
        last = c;
        w++;
      }
    }
    indptr[r + 1] = w;
  }
  return { nRows, nCols, indptr, indices: indices.slice(0, w), data: data.slice(0, w) };
}

/** The transpose (items × users), in linear time. */
export function transposeCsr(m: Csr): Csr {
  const nnz = m.indices.length;
  const rows = new Int32Array(nnz);
  for (let r = 0; r < m.nRows; r++) rows.fill(r, m.indptr[r], m.indptr[r + 1]);
  return csrFromCoo(m.nCols, m.nRows, m.indices, rows, m.data, false);
}

/** Number of stored entries. */
export const nnz = (m: Csr): number => m.indices.length;
