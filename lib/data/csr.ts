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
 * Builds a CSR from coordinate triples, summing duplicates (repeated purchases
 * add up). Throws on ids outside the shape or non-finite weights.
 */
export function csrFromCoo(
  nRows: number,
  nCols: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  values?: ArrayLike<number>,
): Csr {
  const n = rows.length;
  if (cols.length !== n || (values && values.length !== n)) {
    throw new Error(`invalid COO arrays: rows ${n}, cols ${cols.length}, values ${values?.length ?? 'none'}; expected equal lengths`);
  }
  const counts = new Int32Array(nRows + 1);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const c = cols[i];
    if (!(r >= 0 && r < nRows && Number.isInteger(r))) throw new Error(`invalid row id at entry ${i}: ${r}; expected 0..${nRows - 1}`);
    if (!(c >= 0 && c < nCols && Number.isInteger(c))) throw new Error(`invalid column id at entry ${i}: ${c}; expected 0..${nCols - 1}`);
    if (values && !Number.isFinite(values[i])) throw new Error(`invalid weight at entry ${i}: ${values[i]}; expected a finite number`);
    counts[r + 1]++;
  }
  for (let r = 0; r < nRows; r++) counts[r + 1] += counts[r];
  const cursor = counts.slice(0, nRows);
  const tmpCols = new Int32Array(n);
  const tmpVals = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const at = cursor[rows[i]]++;
    tmpCols[at] = cols[i];
    tmpVals[at] = values ? values[i] : 1;
  }
  // Sort each row by column and merge duplicates.
  const indptr = new Int32Array(nRows + 1);
  const indices = new Int32Array(n);
  const data = new Float32Array(n);
  let w = 0;
  for (let r = 0; r < nRows; r++) {
    const start = counts[r];
    const end = counts[r + 1];
    const order = Array.from({ length: end - start }, (_, k) => start + k).sort((a, b) => tmpCols[a] - tmpCols[b]);
    let last = -1;
    for (const k of order) {
      if (tmpCols[k] === last) data[w - 1] += tmpVals[k];
      else {
        indices[w] = tmpCols[k];
        data[w] = tmpVals[k];
        last = tmpCols[k];
        w++;
      }
    }
    indptr[r + 1] = w;
  }
  return { nRows, nCols, indptr, indices: indices.slice(0, w), data: data.slice(0, w) };
}

/** The transpose (items × users). */
export function transposeCsr(m: Csr): Csr {
  const nnz = m.indices.length;
  const rows = new Int32Array(nnz);
  for (let r = 0; r < m.nRows; r++) for (let k = m.indptr[r]; k < m.indptr[r + 1]; k++) rows[k] = r;
  return csrFromCoo(m.nCols, m.nRows, m.indices, rows, m.data);
}

/** Number of stored entries. */
export const nnz = (m: Csr): number => m.indices.length;
