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
 * A co-purchase scorer with reusable scratch arrays (one pass per call over
 * the co-purchasers' histories, no per-call allocation of catalogue-sized
 * arrays). `keys[i]` breaks ties as the Cypher query's `ORDER BY score DESC, code ASC`.
 */
export function coPurchaseScorer(h: History, buyers: Buyers, keys: readonly string[]): (u: number, k: number) => ScoredItems {
  const userStamp = new Int32Array(h.nUsers).fill(-1);
  const itemStamp = new Int32Array(h.nItems).fill(-1);
  const own = new Int32Array(h.nItems).fill(-1);
  const score = new Int32Array(h.nItems);
  const touched: number[] = [];
  const others: number[] = [];
  let call = 0;
  return (u, k) => {
    if (!(Number.isInteger(k) && k >= 1)) throw new RecsInputError(`invalid k: ${k}; expected a whole number ≥ 1`);
    const mine = boughtBy(h, u);
    const stamp = call++;
    touched.length = 0;
    others.length = 0;
    for (const i of mine) own[i] = stamp;
    userStamp[u] = stamp;
    for (const i of mine) {
      for (let e = buyers.indptr[i]; e < buyers.indptr[i + 1]; e++) {
        const o = buyers.users[e];
        if (userStamp[o] !== stamp) (userStamp[o] = stamp), others.push(o);
      }
    }
    for (const o of others) {
      for (let e = h.indptr[o]; e < h.indptr[o + 1]; e++) {
        const i = h.items[e];
        if (own[i] === stamp) continue;
        if (itemStamp[i] !== stamp) (itemStamp[i] = stamp), (score[i] = 0), touched.push(i);
        score[i]++;
      }
    }
    const ranked = touched.sort((a, b) => score[b] - score[a] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0)).slice(0, k);
    return { items: ranked, scores: ranked.map((i) => score[i]) };
  };
}

/** The k best co-purchase items of user u (one-off; use `coPurchaseScorer` for many users). */
export function coPurchaseFor(h: History, buyers: Buyers, u: number, k: number, keys: readonly string[]): ScoredItems {
  return coPurchaseScorer(h, buyers, keys)(u, k);
}
