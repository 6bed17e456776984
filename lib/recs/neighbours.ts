/**
 * Image-similar candidates: the embeddings cell's neighbour lists re-indexed
 * by dense item id, and a customer's candidates (the neighbours of their past
 * purchases), as the seed notebooks built them.
 */
import type { KnnResult } from '../embed/knn/types';
import { RecsInputError, type ItemNeighbours, type ScoredItems } from './types';

/**
 * Re-indexes a KNN over embedded rows (`rows[r]` is the dense item id of row
 * r; knn indices are row numbers) by item id, keeping the first `k` neighbours.
 */
export function neighboursByItem(nItems: number, rows: ArrayLike<number>, knn: KnnResult, k = knn.k): ItemNeighbours {
  if (rows.length !== knn.n) throw new RecsInputError(`invalid rows length: ${rows.length}; expected the KNN's n = ${knn.n}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= knn.k)) throw new RecsInputError(`invalid k: ${k}; expected 1..${knn.k}`);
  const items = new Int32Array(nItems * k).fill(-1);
  const scores = new Float32Array(nItems * k).fill(NaN);
  for (let r = 0; r < knn.n; r++) {
    const i = rows[r];
    if (!(Number.isInteger(i) && i >= 0 && i < nItems)) throw new RecsInputError(`invalid rows[${r}]: ${i}; expected an item id in 0..${nItems - 1}`);
    for (let c = 0; c < k; c++) {
      items[i * k + c] = rows[knn.indices[r * knn.k + c]];
      scores[i * k + c] = knn.scores[r * knn.k + c];
    }
  }
  return { nItems, k, items, scores };
}

/**
 * The image-similar candidates of one customer: the neighbours of each past
 * purchase (`bought`, most recent first), minus the items in `exclude`,
 * each with its best cosine. Ordered by that cosine, best first; ties keep
 * the order of discovery (more recent purchases first, then neighbour rank).
 */
export function similarCandidates(nb: ItemNeighbours, bought: ArrayLike<number>, exclude: ReadonlySet<number> = new Set()): ScoredItems {
  const best = new Map<number, number>();
  for (let b = 0; b < bought.length; b++) {
    const q = bought[b];
    if (!(q >= 0 && q < nb.nItems)) throw new RecsInputError(`invalid bought[${b}]: ${q}; expected an item id in 0..${nb.nItems - 1}`);
    for (let c = 0; c < nb.k; c++) {
      const i = nb.items[q * nb.k + c];
      if (i < 0 || exclude.has(i)) continue;
      const s = nb.scores[q * nb.k + c];
      const old = best.get(i);
      if (old === undefined || s > old) best.set(i, s);
    }
  }
  // Map iteration order is discovery order; a stable sort keeps it on ties.
  const ranked = [...best.entries()].sort((a, b) => b[1] - a[1]);
  return { items: ranked.map((e) => e[0]), scores: ranked.map((e) => e[1]) };
}
