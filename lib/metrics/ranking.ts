/**
 * Ranking metrics over per-user recommendation lists. Conventions:
 * - `recommended[u]` is user u's ranked list of item ids (best first);
 * - `relevant[u]` is the set of items u interacted with in the test period;
 * - users whose relevant set is empty are not scored (as Kaggle scored H&M);
 * - a repeated item in a list counts once, at its first position.
 */

export type Lists = readonly ArrayLike<number>[];
export type Truth = readonly ReadonlySet<number>[];

function checkShapes(recommended: Lists, relevant: Truth, k: number): void {
  if (recommended.length !== relevant.length) {
    throw new Error(`invalid inputs: ${recommended.length} recommendation lists for ${relevant.length} users; expected one list per user`);
  }
  if (!Number.isInteger(k) || k < 1) throw new Error(`invalid k: ${k}; expected a whole number ≥ 1`);
}

/** Kaggle's AP@K for one user: Σ P(i)·rel(i) / min(|relevant|, K). */
export function averagePrecisionAtK(list: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  const seen = new Set<number>();
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, list.length); i++) {
    const item = list[i];
    if (seen.has(item)) continue;
    seen.add(item);
    if (relevant.has(item)) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(relevant.size, k);
}

/** Binary-relevance NDCG@K for one user. */
export function ndcgOne(list: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  const seen = new Set<number>();
  let dcg = 0;
  for (let i = 0; i < Math.min(k, list.length); i++) {
    const item = list[i];
    if (seen.has(item)) continue;
    seen.add(item);
    if (relevant.has(item)) dcg += 1 / Math.log2(i + 2);
  }
  let idcg = 0;
  for (let i = 0; i < Math.min(relevant.size, k); i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

function hitsInTopK(list: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const seen = new Set<number>();
  let hits = 0;
  for (let i = 0; i < Math.min(k, list.length); i++) {
    const item = list[i];
    if (seen.has(item)) continue;
    seen.add(item);
    if (relevant.has(item)) hits++;
  }
  return hits;
}

function meanOverScored(relevant: Truth, f: (u: number) => number): number {
  let n = 0;
  let s = 0;
  for (let u = 0; u < relevant.length; u++) {
    if (relevant[u].size === 0) continue;
    n++;
    s += f(u);
  }
  return n === 0 ? 0 : s / n;
}

/** Mean AP@K over scored users (MAP@12 is Kaggle's H&M metric). */
export function mapAtK(recommended: Lists, relevant: Truth, k = 12): number {
  checkShapes(recommended, relevant, k);
  return meanOverScored(relevant, (u) => averagePrecisionAtK(recommended[u], relevant[u], k));
}

/** Mean NDCG@K over scored users. */
export function ndcgAtK(recommended: Lists, relevant: Truth, k = 10): number {
  checkShapes(recommended, relevant, k);
  return meanOverScored(relevant, (u) => ndcgOne(recommended[u], relevant[u], k));
}

/** Share of scored users with at least one relevant item in the top K. */
export function hitRateAtK(recommended: Lists, relevant: Truth, k = 10): number {
  checkShapes(recommended, relevant, k);
  return meanOverScored(relevant, (u) => (hitsInTopK(recommended[u], relevant[u], k) > 0 ? 1 : 0));
}

/** Mean of hits / K over scored users. */
export function precisionAtK(recommended: Lists, relevant: Truth, k = 10): number {
  checkShapes(recommended, relevant, k);
  return meanOverScored(relevant, (u) => hitsInTopK(recommended[u], relevant[u], k) / k);
}

/** Mean of hits / |relevant| over scored users. */
export function recallAtK(recommended: Lists, relevant: Truth, k = 10): number {
  checkShapes(recommended, relevant, k);
  return meanOverScored(relevant, (u) => hitsInTopK(recommended[u], relevant[u], k) / relevant[u].size);
}

/**
 * Catalogue coverage: distinct items appearing in any user's top K, divided by
 * `nItems`. Every list counts, scored or not.
 */
export function coverageAtK(recommended: Lists, nItems: number, k = 10): number {
  if (!(nItems > 0)) throw new Error(`invalid nItems: ${nItems}; expected a positive number`);
  const seen = new Set<number>();
  for (const list of recommended) for (let i = 0; i < Math.min(k, list.length); i++) seen.add(list[i]);
  return seen.size / nItems;
}

/** The standard report every model cell shows. */
export interface MetricReport {
  map_at_12: number;
  ndcg_at_10: number;
  hit_rate_at_10: number;
  precision_at_10: number;
  recall_at_10: number;
  coverage_at_10: number;
  /** Users with at least one relevant item. */
  users_scored: number;
}

/** All standard metrics at once (MAP@12, the rest @10). */
export function evaluateRanking(recommended: Lists, relevant: Truth, nItems: number): MetricReport {
  return {
    map_at_12: mapAtK(recommended, relevant, 12),
    ndcg_at_10: ndcgAtK(recommended, relevant, 10),
    hit_rate_at_10: hitRateAtK(recommended, relevant, 10),
    precision_at_10: precisionAtK(recommended, relevant, 10),
    recall_at_10: recallAtK(recommended, relevant, 10),
    coverage_at_10: coverageAtK(recommended, nItems, 10),
    users_scored: relevant.filter((s) => s.size > 0).length,
  };
}
