/**
 * The hybrid recommender of the seed notebooks, for many customers in
 * batches: image-similar candidates of past purchases → the department AND
 * index filter → ranked by a collaborative model (ALS) → top k; then
 * co-purchase and popularity fill the empty slots. The filter and the
 * co-purchase lists come through a port, so Neo4j (batched Cypher through
 * server actions) and the in-memory functions here are interchangeable.
 */
import type { ItemCatalog } from '../data/dataset';
import { CancelledError } from '../util/cancel';
import { blend } from './blend';
import { coPurchaseScorer } from './copurchase';
import { filterByPlace } from './filter';
import { boughtBy, buyersOf } from './history';
import { similarCandidates } from './neighbours';
import { RecsInputError, type CandidateRanker, type History, type ItemNeighbours, type RecList } from './types';

/** Batched access to the candidate filter and co-purchase lists (Neo4j or in memory). */
export interface HybridPorts {
  /** Which implementation answers (shown in the cell). */
  readonly name: string;
  /** For each request, the kept candidates in their given order. */
  filter(requests: readonly { user: number; candidates: readonly number[] }[]): Promise<number[][]>;
  /** For each user, up to k co-purchase items, best first. */
  coPurchase(users: readonly number[], k: number): Promise<number[][]>;
}

/** The ports over an in-memory history and the catalogue. */
export function memoryPorts(h: History, places: Pick<ItemCatalog, 'department' | 'index'>, itemKeys: readonly string[]): HybridPorts {
  let scorer: ReturnType<typeof coPurchaseScorer> | null = null;
  return {
    name: 'in memory (catalogue)',
    filter: async (reqs) => reqs.map((r) => filterByPlace(r.candidates, boughtBy(h, r.user), places)),
    coPurchase: async (users, k) => {
      scorer ??= coPurchaseScorer(h, buyersOf(h), itemKeys);
      const score = scorer;
      return users.map((u) => score(u, k).items);
    },
  };
}

export interface HybridOptions {
  /** Customers to recommend for (dense user ids). */
  users: ArrayLike<number>;
  history: History;
  neighbours: ItemNeighbours;
  /** Ranks kept candidates (ALS); null, or null for a user, keeps the image-similarity order. */
  ranker: CandidateRanker | null;
  /** The popularity fallback, best first. */
  popular: readonly number[];
  ports: HybridPorts;
  /** List length; default 12 (Kaggle's MAP@12). */
  k?: number;
  /** Never recommend what the customer bought before (default true). */
  excludeBought?: boolean;
  /** Most image-similar candidates per customer sent to the filter (the most similar first); default 300. */
  maxCandidates?: number;
  /** Customers per batch (one filter and one co-purchase call each); default 500. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Counts that explain a run. */
export interface HybridStats {
  users: number;
  /** Users with at least one image-similar candidate. */
  withCandidates: number;
  candidates: number;
  keptCandidates: number;
  /** Users whose kept candidates the ranker ordered (the rest keep the similarity order). */
  ranked: number;
}

/** Recommendations for every requested user, with the source of each slot. */
export async function hybridRecommend(o: HybridOptions): Promise<{ lists: RecList[]; stats: HybridStats }> {
  const k = o.k ?? 12;
  const batch = o.batchSize ?? 500;
  if (!(Number.isInteger(k) && k >= 1)) throw new RecsInputError(`invalid k: ${k}; expected a whole number ≥ 1`);
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RecsInputError(`invalid batchSize: ${batch}; expected a whole number ≥ 1`);
  if (o.history.nItems !== o.neighbours.nItems) {
    throw new RecsInputError(`invalid neighbours.nItems: ${o.neighbours.nItems}; expected the history's ${o.history.nItems} items`);
  }
  const maxCandidates = o.maxCandidates ?? 300;
  if (!(Number.isInteger(maxCandidates) && maxCandidates >= 1)) throw new RecsInputError(`invalid maxCandidates: ${maxCandidates}; expected a whole number ≥ 1`);
  const excludeBought = o.excludeBought ?? true;
  const n = o.users.length;
  const lists: RecList[] = new Array(n);
  const stats: HybridStats = { users: n, withCandidates: 0, candidates: 0, keptCandidates: 0, ranked: 0 };
  for (let start = 0; start < n; start += batch) {
    if (o.signal?.aborted) throw new CancelledError('hybrid recommendations cancelled');
    const users = Array.from({ length: Math.min(batch, n - start) }, (_, j) => o.users[start + j]);
    const bought = users.map((u) => boughtBy(o.history, u));
    const cands = users.map((_, j) => similarCandidates(o.neighbours, bought[j], excludeBought ? new Set(bought[j]) : undefined).items.slice(0, maxCandidates));
    const asked = users.map((user, j) => ({ user, candidates: cands[j] })).filter((r) => r.candidates.length > 0);
    const keptOf = new Map<number, number[]>();
    if (asked.length) (await o.ports.filter(asked)).forEach((kept, j) => keptOf.set(asked[j].user, kept));
    const top = users.map((u, j) => {
      const kept = keptOf.get(u) ?? [];
      stats.candidates += cands[j].length;
      stats.keptCandidates += kept.length;
      if (cands[j].length) stats.withCandidates++;
      const ranked = kept.length && o.ranker ? o.ranker(u, kept) : null;
      if (ranked) stats.ranked++;
      return (ranked ?? kept).slice(0, k);
    });
    const short = users.filter((_, j) => top[j].length < k);
    const coOf = new Map<number, number[]>();
    if (short.length) (await o.ports.coPurchase(short, k)).forEach((items, j) => coOf.set(short[j], items));
    users.forEach((u, j) => {
      lists[start + j] = blend(
        k,
        [
          { source: 'similar', items: top[j] },
          { source: 'copurchase', items: coOf.get(u) ?? [] },
          { source: 'popular', items: o.popular },
        ],
        excludeBought ? new Set(bought[j]) : undefined,
      );
    });
    o.onProgress?.(start + users.length, n);
    // Let the page paint and a cancel click land between batches.
    await new Promise((r) => setTimeout(r, 0));
  }
  return { lists, stats };
}
