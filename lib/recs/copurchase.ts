/**
 * Co-purchase recommendations without Neo4j: the items most bought by the
 * customers who bought any of the same items. Same contract as
 * lib/graph/copurchase.ts: score = number of distinct other customers who
 * share at least one item with the customer and bought the item; the
 * customer's own items are excluded; ties go to the smaller item key.
 */
import { boughtBy, type Buyers } from './history';
import { RecsInputError, type History, type ScoredItems } from './types';

/**
 * The k best co-purchase items of user u. `keys[i]` (the item keys) breaks
 * ties as the Cypher query's `ORDER BY score DESC, code ASC` does.
 * Cost: Σ over the user's items of their buyers' histories.
 */
export function coPurchaseFor(h: History, buyers: Buyers, u: number, k: number, keys: readonly string[]): ScoredItems {
  if (!(Number.isInteger(k) && k >= 1)) throw new RecsInputError(`invalid k: ${k}; expected a whole number ≥ 1`);
  const mine = boughtBy(h, u);
  const own = new Set(mine);
  const others = new Set<number>();
  for (const i of mine) for (let e = buyers.indptr[i]; e < buyers.indptr[i + 1]; e++) if (buyers.users[e] !== u) others.add(buyers.users[e]);
  const score = new Map<number, number>();
  for (const o of others) for (const i of boughtBy(h, o)) if (!own.has(i)) score.set(i, (score.get(i) ?? 0) + 1);
  const ranked = [...score.entries()].sort((a, b) => b[1] - a[1] || (keys[a[0]] < keys[b[0]] ? -1 : keys[a[0]] > keys[b[0]] ? 1 : 0)).slice(0, k);
  return { items: ranked.map((e) => e[0]), scores: ranked.map((e) => e[1]) };
}
