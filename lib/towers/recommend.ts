/**
 * Top-k from tower embeddings: item-to-item neighbours by dot product, user
 * recommendations that skip what the user already has, and the popularity
 * and random baselines every table compares against. Plain JS: one pass over
 * the catalogue per query with a small insertion-sorted top-k buffer.
 */
import type { Csr } from '../data/csr';
import { mulberry32 } from '../util/random';
import type { TowerEmbeddings } from './types';

function checkK(k: number, nItems: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`invalid k: ${k}; expected a whole number ≥ 1`);
  if (nItems < 1) throw new Error(`invalid nItems: ${nItems}; expected at least one item`);
}

/** Indices of the k largest scores, best first, skipping `skip(i)`; ties go to the lower index. */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): Int32Array {
  const idx = new Int32Array(k);
  const val = new Float64Array(k).fill(-Infinity);
  let filled = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (filled === k && !(s > val[k - 1])) continue;
    if (skip?.(i)) continue;
    let p = filled < k ? filled++ : k - 1;
    while (p > 0 && s > val[p - 1]) {
      val[p] = val[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    val[p] = s;
    idx[p] = i;
  }
  return idx.slice(0, filled);
}

const owned = (m: Csr | null, u: number) => {
  if (!m) return undefined;
  const s = m.indptr[u];
  const e = m.indptr[u + 1];
  // Rows are sorted: binary search.
  return (i: number) => {
    let lo = s;
    let hi = e;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m.indices[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    return lo < e && m.indices[lo] === i;
  };
};

/** Item scores for one user: dot products with every item vector. */
export function userScores(emb: TowerEmbeddings, u: number, out = new Float32Array(emb.items.length / emb.dim)): Float32Array {
  const d = emb.dim;
  const uo = u * d;
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    const io = i * d;
    for (let c = 0; c < d; c++) s += emb.users[uo + c] * emb.items[io + c];
    out[i] = s;
  }
  return out;
}

/** Top-k items for each user in `users`, excluding the user's items in `exclude` (when given). */
export function recommendForUsers(emb: TowerEmbeddings, users: ArrayLike<number>, k: number, exclude: Csr | null): Int32Array[] {
  const nItems = emb.items.length / emb.dim;
  checkK(k, nItems);
  const buf = new Float32Array(nItems);
  return Array.from(users, (u) => topK(userScores(emb, u, buf), k, owned(exclude, u)));
}

/**
 * The k items most similar to `item` (itself excluded): by the dot product of
 * item vectors (default, as the seed did), or by cosine, which ignores the
 * vector norms that popular items grow.
 */
export function similarItems(emb: TowerEmbeddings, item: number, k: number, metric: 'dot' | 'cosine' = 'dot'): { items: Int32Array; scores: Float32Array } {
  const d = emb.dim;
  // The item-bias column (when there is one) is not part of an item's direction.
  const used = emb.biasColumn ? d - 1 : d;
  const nItems = emb.items.length / d;
  checkK(k, nItems);
  if (!(item >= 0 && item < nItems && Number.isInteger(item))) throw new Error(`invalid item: ${item}; expected 0..${nItems - 1}`);
  const norm = (i: number) => {
    let s = 0;
    for (let c = 0; c < used; c++) s += emb.items[i * d + c] ** 2;
    return Math.sqrt(s) || 1;
  };
  const scores = new Float32Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let s = 0;
    for (let c = 0; c < used; c++) s += emb.items[item * d + c] * emb.items[i * d + c];
    scores[i] = metric === 'cosine' ? s / (norm(i) * norm(item)) : s;
  }
  const items = topK(scores, k, (i) => i === item);
  return { items, scores: Float32Array.from(items, (i) => scores[i]) };
}

/** The k items with the most distinct users in `train`. */
export function mostPopular(train: Csr, k: number): Int32Array {
  checkK(k, train.nCols);
  const counts = new Float32Array(train.nCols);
  for (const i of train.indices) counts[i]++;
  return topK(counts, k);
}

/** Popularity baseline: the most-interacted items (distinct users) not already owned. */
export function popularityForUsers(train: Csr, users: ArrayLike<number>, k: number): Int32Array[] {
  checkK(k, train.nCols);
  const counts = new Float32Array(train.nCols);
  for (const i of train.indices) counts[i]++;
  return Array.from(users, (u) => topK(counts, k, owned(train, u)));
}

/** Random baseline: k distinct unowned items per user from a seeded stream. */
export function randomForUsers(train: Csr, users: ArrayLike<number>, k: number, seed: number): Int32Array[] {
  checkK(k, train.nCols);
  const r = mulberry32(seed);
  return Array.from(users, (u) => {
    const has = owned(train, u)!;
    const picked = new Set<number>();
    const free = train.nCols - (train.indptr[u + 1] - train.indptr[u]);
    while (picked.size < Math.min(k, free)) {
      const i = Math.floor(r() * train.nCols);
      if (!has(i)) picked.add(i);
    }
    return Int32Array.from(picked);
  });
}
