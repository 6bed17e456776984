/**
 * Quality of image neighbours against catalogue metadata: precision@k of
 * neighbours that share the query's product type, colour group or graphical
 * appearance (the table the embeddings cell and the benchmark print).
 */
import type { KnnResult } from './knn/types';

/**
 * Mean over queries of the share of the first `k` neighbours whose label
 * equals the query's. Queries without a label are skipped; a neighbour
 * without a label counts as a miss. `labels` is indexed like the KNN rows.
 */
export function precisionAtK(knn: KnnResult, labels: readonly (string | null)[], k = knn.k): number {
  if (labels.length !== knn.n) throw new Error(`invalid labels length: ${labels.length}; expected ${knn.n}`);
  if (!Number.isInteger(k) || k < 1 || k > knn.k) throw new Error(`invalid k: ${k}; expected a whole number in 1..${knn.k}`);
  let sum = 0;
  let queries = 0;
  for (let i = 0; i < knn.n; i++) {
    const own = labels[i];
    if (own === null) continue;
    let hits = 0;
    for (let r = 0; r < k; r++) if (labels[knn.indices[i * knn.k + r]] === own) hits++;
    sum += hits / k;
    queries++;
  }
  return queries === 0 ? NaN : sum / queries;
}

/**
 * Precision@k expected from random neighbours: Σ over labels of p² (the
 * chance that a random other item shares the query's label), a floor to read
 * the table against.
 */
export function randomPrecision(labels: readonly (string | null)[]): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const l of labels) {
    if (l === null) continue;
    counts.set(l, (counts.get(l) ?? 0) + 1);
    n++;
  }
  if (n < 2) return NaN;
  let s = 0;
  for (const c of counts.values()) s += (c / n) * ((c - 1) / (n - 1));
  return s;
}

/** The attributes of the precision table, in order. */
export const QUALITY_ATTRIBUTES = ['productType', 'colourGroup', 'graphicalAppearance'] as const;
export type QualityAttribute = (typeof QUALITY_ATTRIBUTES)[number];
