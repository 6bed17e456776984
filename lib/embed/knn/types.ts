/**
 * The contract of exact top-k cosine neighbours, shared by the reference and
 * the blocked (TF.js) implementation.
 */

/** Row-major n x d vectors. Zero rows are rejected: they have no direction. */
export interface VectorSet {
  data: Float32Array;
  n: number;
  d: number;
}

/** Options common to every implementation. */
export interface KnnOptions {
  /** Neighbours per row (default 10); at most n - 1 when excluding self. */
  k?: number;
  /** Leave each row out of its own list (default true). */
  excludeSelf?: boolean;
  /** Query rows per block (blocked path); bounds memory to blockRows x n scores. */
  blockRows?: number;
  signal?: AbortSignal;
  /** Called after each block with rows done and total rows. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Row i's neighbours are `indices[i*k .. i*k+k)`, best first, with their
 * cosine similarities in `scores` (same positions).
 */
export interface KnnResult {
  n: number;
  k: number;
  indices: Int32Array;
  scores: Float32Array;
}

/** Validates the input once at entry; returns the effective k. */
export function checkKnnInput(v: VectorSet, options: KnnOptions): { k: number; excludeSelf: boolean } {
  const { data, n, d } = v;
  if (!Number.isInteger(n) || n < 1) throw new Error(`invalid n: ${n}; expected a whole number >= 1`);
  if (!Number.isInteger(d) || d < 1) throw new Error(`invalid d: ${d}; expected a whole number >= 1`);
  if (data.length !== n * d) throw new Error(`invalid data length: ${data.length}; expected n*d = ${n * d}`);
  const excludeSelf = options.excludeSelf ?? true;
  const k = options.k ?? 10;
  const max = excludeSelf ? n - 1 : n;
  if (!Number.isInteger(k) || k < 1 || k > max) throw new Error(`invalid k: ${k}; expected a whole number in 1..${max}`);
  if (options.blockRows !== undefined && (!Number.isInteger(options.blockRows) || options.blockRows < 1)) {
    throw new Error(`invalid blockRows: ${options.blockRows}; expected a whole number >= 1`);
  }
  return { k, excludeSelf };
}

/** L2 norms per row; throws naming the first zero or non-finite row. */
export function rowNorms(v: VectorSet): Float64Array {
  const norms = new Float64Array(v.n);
  for (let i = 0; i < v.n; i++) {
    let s = 0;
    for (let j = i * v.d, e = j + v.d; j < e; j++) s += v.data[j] * v.data[j];
    const norm = Math.sqrt(s);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new Error(`invalid vector at row ${i}: norm ${norm}; leave rows without an embedding out`);
    norms[i] = norm;
  }
  return norms;
}
