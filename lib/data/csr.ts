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

/**
 * The transpose (items × users), in linear time: one counting pass and one
 * scatter straight into the result, so nothing of size nnz is allocated
 * besides the result (hm-scale: 25M entries, 300 MB less at the peak than
 * going through COO). Rows are scanned in order, so each result row comes out
 * sorted. A matrix with a repeated (row, column) goes through `csrFromCoo`,
 * which sums the repeats. With `out`, the result is written into those arrays
 * (e.g. views of a kernel's memory; only for matrices whose columns ascend).
 */
export function transposeCsr(m: Csr, out?: Pick<Csr, 'indptr' | 'indices' | 'data'>): Csr {
  const nnz = m.indices.length;
  const { indptr, indices, data } = m;
  if (!columnsAscending(m)) {
    if (out) throw new Error('transposeCsr: a matrix with unsorted or repeated columns cannot be transposed into given arrays');
    const rows = new Int32Array(nnz);
    for (let q = 0; q < m.nRows; q++) rows.fill(q, indptr[q], indptr[q + 1]);
    return csrFromCoo(m.nCols, m.nRows, indices, rows, data, false);
  }
  if (out && (out.indptr.length !== m.nCols + 1 || out.indices.length !== nnz || out.data.length !== nnz)) {
    throw new Error(`transposeCsr: output arrays of ${out.indptr.length}, ${out.indices.length}, ${out.data.length}; expected ${m.nCols + 1}, ${nnz}, ${nnz}`);
  }
  const tIndptr = out?.indptr ?? new Int32Array(m.nCols + 1);
  tIndptr.fill(0);
  for (let e = 0; e < nnz; e++) tIndptr[indices[e] + 1]++;
  for (let c = 0; c < m.nCols; c++) tIndptr[c + 1] += tIndptr[c];
  const cursor = tIndptr.slice(0, m.nCols);
  const tIndices = out?.indices ?? new Int32Array(nnz);
  const tData = out?.data ?? new Float32Array(nnz);
  for (let r = 0; r < m.nRows; r++) {
    for (let e = indptr[r]; e < indptr[r + 1]; e++) {
      const at = cursor[indices[e]]++;
      tIndices[at] = r;
      tData[at] = data[e];
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr: tIndptr, indices: tIndices, data: tData };
}

/** True when every row's columns strictly ascend (no repeats), as `csrFromCoo` builds them. */
export function columnsAscending(m: Csr): boolean {
  for (let r = 0; r < m.nRows; r++) {
    for (let e = m.indptr[r] + 1; e < m.indptr[r + 1]; e++) if (m.indices[e] <= m.indices[e - 1]) return false;
  }
  return true;
}

/** Number of stored entries. */
export const nnz = (m: Csr): number => m.indices.length;
