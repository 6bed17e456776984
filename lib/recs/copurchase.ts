/**
 * Co-purchase recommendations without Neo4j: the items most bought by the
 * customers who bought any of the same items. Same contract as
 * lib/graph/copurchase.ts: score = number of distinct other customers who
 * share at least one item with the customer and bought the item; the
 * customer's own items are excluded; ties go to the smaller item key.
 *
 * The exact score needs, per customer, the purchases of every co-purchaser,
 * and on H&M-like data a customer's co-purchasers are a large share of all
 * customers (at share 0.05 of the hm-scale demo: a median of 12%, a quarter
 * of them over 36%), so the work per customer grows with the dataset. Each
 * call takes the cheaper of two exact counts: walk the co-purchasers'
 * histories (score(i) = their buyers of i), or walk everyone else's
 * (score(i) = buyers of i − the non-co-purchasers among them), and keeps the
 * top k in one pass over a fixed buffer instead of sorting every touched item.
 */
import { boughtBy, type Buyers } from './history';
import { RecsInputError, type History, type ScoredItems } from './types';

/** Rank of every key in ascending string order (equal keys: the smaller index first). */
function keyRanks(keys: readonly string[], n: number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;
  return rank;
}

/** Most popular items whose buyers' co-purchases are counted once and reused (per scorer). */
export const COPURCHASE_CACHED_ITEMS = 64;
/** Fewest buyers for an item to be cached (below it, walking its buyers is cheap anyway). */
const MIN_CACHED_BUYERS = 64;

/** Calls that took each exact count (tests and profiling). */
export interface CoPurchasePaths {
  /** Walked every co-purchaser's history. */
  walk: number;
  /** Started from a cached popular item's counts and walked the rest. */
  cached: number;
  /** Counted from the customers outside the co-purchasers. */
  complement: number;
}

/** One popular item T: its buyers as a bitset, and for every item i the buyers of i among T's buyers. */
interface Cached {
  members: Uint32Array;
  count: Int32Array;
  /** Items with count > 0. */
  nonzero: Int32Array;
  /** Purchases of T's buyers (the sum of their history lengths). */
  purchases: number;
}

/**
 * A co-purchase scorer with reusable scratch arrays (no per-call allocation of
 * catalogue- or customer-sized arrays). `keys[i]` breaks ties as the Cypher
 * query's `ORDER BY score DESC, code ASC` (keys are the log's distinct item keys).
 *
 * The co-purchasers O of u are the union of the buyers of u's items. When u
 * bought one of the COPURCHASE_CACHED_ITEMS most bought items, T (the most
 * bought of them), O = buyers(T) ∪ R, and score(i) = |buyers(i) ∩ buyers(T)|
 * (counted once per T and kept) + the purchases of i among R, so only R's
 * histories are walked. When the customers outside O hold fewer purchases,
 * score(i) = buyers(i) − their purchases of i instead. All exact.
 */
export function coPurchaseScorer(h: History, buyers: Buyers, keys: readonly string[], paths?: CoPurchasePaths): (u: number, k: number) => ScoredItems {
  const rank = keyRanks(keys, h.nItems);
  const userStamp = new Int32Array(h.nUsers).fill(-1);
  const itemStamp = new Int32Array(h.nItems).fill(-1);
  const own = new Int32Array(h.nItems).fill(-1);
  const score = new Int32Array(h.nItems);
  const touched = new Int32Array(h.nItems);
  const others = new Int32Array(h.nUsers);
  const totalPairs = h.indptr[h.nUsers];
  const degree = (i: number) => buyers.indptr[i + 1] - buyers.indptr[i];
  const slot = new Int32Array(h.nItems).fill(-1);
  const byDegree = Array.from({ length: h.nItems }, (_, i) => i).sort((a, b) => degree(b) - degree(a) || a - b);
  for (let m = 0; m < Math.min(COPURCHASE_CACHED_ITEMS, h.nItems) && degree(byDegree[m]) >= MIN_CACHED_BUYERS; m++) slot[byDegree[m]] = m;
  const cache: (Cached | null)[] = [];
  const cached = (t: number): Cached => {
    const m = slot[t];
    let c = cache[m];
    if (!c) {
      const members = new Uint32Array((h.nUsers + 31) >>> 5);
      const count = new Int32Array(h.nItems);
      let purchases = 0;
      for (let e = buyers.indptr[t]; e < buyers.indptr[t + 1]; e++) {
        const o = buyers.users[e];
        members[o >>> 5] |= 1 << (o & 31);
        purchases += h.indptr[o + 1] - h.indptr[o];
        for (let f = h.indptr[o]; f < h.indptr[o + 1]; f++) count[h.items[f]]++;
      }
      let n = 0;
      for (let i = 0; i < h.nItems; i++) if (count[i] > 0) n++;
      const nonzero = new Int32Array(n);
      for (let i = 0, j = 0; i < h.nItems; i++) if (count[i] > 0) nonzero[j++] = i;
      cache[m] = c = { members, count, nonzero, purchases };
    }
    return c;
  };
  let call = 0;
  return (u, k) => {
    if (!(Number.isInteger(k) && k >= 1)) throw new RecsInputError(`invalid k: ${k}; expected a whole number ≥ 1`);
    const mine = boughtBy(h, u);
    const stamp = call++;
    let t = -1;
    for (let e = 0; e < mine.length; e++) {
      const i = mine[e];
      own[i] = stamp;
      if (slot[i] >= 0 && (t < 0 || slot[i] < slot[t])) t = i;
    }
    userStamp[u] = stamp;
    const base = t >= 0 ? cached(t) : null;
    const members = base?.members;
    // R: the co-purchasers outside buyers(T) (all of them without T), and their purchases.
    let nOthers = 0;
    let walk = 0;
    for (let a = 0; a < mine.length; a++) {
      const i = mine[a];
      if (i === t) continue;
      for (let e = buyers.indptr[i]; e < buyers.indptr[i + 1]; e++) {
        const o = buyers.users[e];
        if (userStamp[o] === stamp) continue;
        userStamp[o] = stamp;
        if (members && (members[o >>> 5] >>> (o & 31)) & 1) continue;
        others[nOthers++] = o;
        walk += h.indptr[o + 1] - h.indptr[o];
      }
    }
    // Purchases of everyone in O ∪ {u}: R's, T's buyers' (u among them) or u's own.
    const inO = base ? base.purchases : mine.length;
    const direct = walk + (base ? base.nonzero.length : 0);
    const complement = totalPairs - walk - inO + (h.nUsers >> 2) + h.nItems;
    let nTouched = 0;
    if (direct <= complement) {
      if (paths) paths[base ? 'cached' : 'walk']++;
      if (base) {
        const { count, nonzero } = base;
        for (let a = 0; a < nonzero.length; a++) {
          const i = nonzero[a];
          if (own[i] === stamp) continue;
          itemStamp[i] = stamp;
          score[i] = count[i];
          touched[nTouched++] = i;
        }
      }
      for (let a = 0; a < nOthers; a++) {
        const o = others[a];
        for (let e = h.indptr[o]; e < h.indptr[o + 1]; e++) {
          const i = h.items[e];
          if (own[i] === stamp) continue;
          if (itemStamp[i] !== stamp) {
            itemStamp[i] = stamp;
            score[i] = 0;
            touched[nTouched++] = i;
          }
          score[i]++;
        }
      }
    } else {
      // score(i) = buyers of i − those outside O (u is in O and never buys i: i is not own).
      if (paths) paths.complement++;
      for (let i = 0; i < h.nItems; i++) score[i] = degree(i);
      for (let o = 0; o < h.nUsers; o++) {
        if (userStamp[o] === stamp || (members && (members[o >>> 5] >>> (o & 31)) & 1)) continue;
        for (let e = h.indptr[o]; e < h.indptr[o + 1]; e++) score[h.items[e]]--;
      }
      for (let i = 0; i < h.nItems; i++) if (score[i] > 0 && own[i] !== stamp) touched[nTouched++] = i;
    }
    return topK(touched, nTouched, score, rank, k);
  };
}

/** The k best of `items[0..n)` by score (descending), then key rank (ascending); one pass, insertion into k slots. */
function topK(items: Int32Array, n: number, score: Int32Array, rank: Int32Array, k: number): ScoredItems {
  const best: number[] = [];
  for (let t = 0; t < n; t++) {
    const i = items[t];
    const s = score[i];
    const r = rank[i];
    let at = best.length;
    if (at === k) {
      const w = best[k - 1];
      if (s < score[w] || (s === score[w] && r > rank[w])) continue;
      at = k - 1;
    } else best.push(i);
    while (at > 0) {
      const p = best[at - 1];
      if (s < score[p] || (s === score[p] && r > rank[p])) break;
      best[at] = p;
      at--;
    }
    best[at] = i;
  }
  return { items: best, scores: best.map((i) => score[i]) };
}

/** The k best co-purchase items of user u (one-off; use `coPurchaseScorer` for many users). */
export function coPurchaseFor(h: History, buyers: Buyers, u: number, k: number, keys: readonly string[]): ScoredItems {
  return coPurchaseScorer(h, buyers, keys)(u, k);
}
