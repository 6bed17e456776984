/**
 * The gallery's data: a product and its nearest neighbours, optionally only
 * those in the same department and index (the seeds' fix for "a boys' top
 * next to a girls' top"). Works on the candidate lists of the KNN (which may
 * hold more than k per row, so filtering still leaves k when it can).
 */
import type { KnnResult } from './knn/types';

/** What the gallery needs of the catalogue (a subset of ItemCatalog). */
export interface GalleryCatalog {
  keys: readonly string[];
  productType: readonly (string | null)[];
  department: readonly (string | null)[];
  index: readonly (string | null)[];
}

export interface GalleryNeighbour {
  /** Catalogue index. */
  item: number;
  score: number;
}

/**
 * Neighbours of KNN row `row` as catalogue items (`rows[r]` is the catalogue
 * index of KNN row r), best first, at most `k`; with `sameDeptIndex`, only
 * items sharing the query's department and index.
 */
export function neighboursOf(
  knn: KnnResult,
  rows: Int32Array,
  catalog: GalleryCatalog,
  row: number,
  k: number,
  sameDeptIndex: boolean,
): GalleryNeighbour[] {
  if (!Number.isInteger(row) || row < 0 || row >= knn.n) throw new Error(`invalid row: ${row}; expected 0..${knn.n - 1}`);
  if (rows.length !== knn.n) throw new Error(`invalid rows length: ${rows.length}; expected ${knn.n}`);
  const q = rows[row];
  const out: GalleryNeighbour[] = [];
  for (let c = 0; c < knn.k && out.length < k; c++) {
    const item = rows[knn.indices[row * knn.k + c]];
    if (sameDeptIndex && (catalog.department[item] !== catalog.department[q] || catalog.index[item] !== catalog.index[q])) continue;
    out.push({ item, score: knn.scores[row * knn.k + c] });
  }
  return out;
}

/** Keeps the first `k` candidates of every row: the exact top-k. */
export function truncateKnn(knn: KnnResult, k: number): KnnResult {
  if (!Number.isInteger(k) || k < 1 || k > knn.k) throw new Error(`invalid k: ${k}; expected 1..${knn.k}`);
  if (k === knn.k) return knn;
  const indices = new Int32Array(knn.n * k);
  const scores = new Float32Array(knn.n * k);
  for (let i = 0; i < knn.n; i++) {
    indices.set(knn.indices.subarray(i * knn.k, i * knn.k + k), i * k);
    scores.set(knn.scores.subarray(i * knn.k, i * knn.k + k), i * k);
  }
  return { n: knn.n, k, indices, scores };
}

/** `count` distinct values of 0..n-1 drawn with a seeded generator, in draw order. */
export function sampleRows(n: number, count: number, rand: () => number): number[] {
  const m = Math.min(n, Math.max(0, count));
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, m);
}
