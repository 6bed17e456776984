/**
 * The fast path of co-purchase (same contract as copurchase.ts): one batched query fetches the
 * baskets of every customer within two hops of the requested ones (their co-purchasers included),
 * and the server scores them with typed arrays (top k by insertion, never a full sort; a count-only
 * loop when the co-purchasers outweigh the catalogue; the complement when they are most customers).
 * Exact: a requested customer's co-purchasers are the
 * buyers of its products, all of whose baskets are fetched. The per-customer work in Cypher (count
 * DISTINCT over co-purchasers' baskets) dominates the batched query's time; the same loops over
 * CSR arrays here are much cheaper.
 */
import 'server-only';
import { readQuery, type Graphs } from './conn';
import type { CoPurchaseResult, ScoredProduct } from './copurchase';

/** Customers per fetch (the two-hop neighbourhood of a chunk is fetched once). */
export const BULK_CHUNK = 10_000;

const NEIGHBOURHOOD = `
UNWIND $customers AS cid
MATCH (:Customer {id: cid})-[:PURCHASED]->(p:Product)
WITH DISTINCT p
MATCH (p)<-[:PURCHASED]-(o:Customer)
WITH DISTINCT o
RETURN o.id AS customer, COLLECT { MATCH (o)-[:PURCHASED]->(q:Product) RETURN DISTINCT q.code } AS products`;

/** Baskets as CSR arrays over dense customer and product indices. */
export interface Baskets {
  customers: string[];
  products: string[];
  /** Customer c bought items[offsets[c]..offsets[c+1]) (distinct product indices). */
  offsets: Int32Array;
  items: Int32Array;
}

/** Builds CSR baskets from (customer, distinct product codes) records. */
export function basketsFrom(records: readonly { customer: string; products: readonly string[] }[]): Baskets {
  const productIndex = new Map<string, number>();
  const products: string[] = [];
  const customers = records.map((r) => r.customer);
  const offsets = new Int32Array(records.length + 1);
  let total = 0;
  for (let c = 0; c < records.length; c++) {
    total += records[c].products.length;
    offsets[c + 1] = total;
  }
  const items = new Int32Array(total);
  let at = 0;
  for (const r of records) {
    for (const code of r.products) {
      let p = productIndex.get(code);
      if (p === undefined) {
        p = products.length;
        productIndex.set(code, p);
        products.push(code);
      }
      items[at++] = p;
    }
  }
  return { customers, products, offsets, items };
}

/** Top-k co-purchase lists for `requested` customers from their two-hop baskets (pure). */
export function scoreCoPurchase(b: Baskets, requested: readonly string[], k: number): CoPurchaseResult[] {
  const nC = b.customers.length;
  const nP = b.products.length;
  // Buyers per product (CSR transpose).
  const bOffsets = new Int32Array(nP + 1);
  for (let i = 0; i < b.items.length; i++) bOffsets[b.items[i] + 1]++;
  for (let p = 0; p < nP; p++) bOffsets[p + 1] += bOffsets[p];
  const buyers = new Int32Array(b.items.length);
  const fill = bOffsets.slice(0, nP);
  for (let c = 0; c < nC; c++) for (let i = b.offsets[c]; i < b.offsets[c + 1]; i++) buyers[fill[b.items[i]]++] = c;

  const customerIndex = new Map(b.customers.map((id, i) => [id, i]));
  const seenCustomer = new Int32Array(nC).fill(-1);
  const boughtStamp = new Int32Array(nP).fill(-1);
  const score = new Int32Array(nP);
  const touched: number[] = [];
  // Rank of each product code in ascending order: ties compare integers, not strings.
  const rank = new Int32Array(nP);
  Array.from({ length: nP }, (_, p) => p)
    .sort((x, y) => (b.products[x] < b.products[y] ? -1 : b.products[x] > b.products[y] ? 1 : 0))
    .forEach((p, r) => (rank[p] = r));
  const better = (x: number, y: number) => score[x] > score[y] || (score[x] === score[y] && rank[x] < rank[y]);
  const top = new Int32Array(k);
  const others: number[] = [];
  return requested.map((customer, stamp) => {
    const c = customerIndex.get(customer);
    if (c === undefined) return { customer, items: [] };
    for (let i = b.offsets[c]; i < b.offsets[c + 1]; i++) boughtStamp[b.items[i]] = stamp;
    seenCustomer[c] = stamp;
    // Co-purchasers, and the cost of summing their baskets.
    others.length = 0;
    let direct = 0;
    for (let i = b.offsets[c]; i < b.offsets[c + 1]; i++) {
      const p = b.items[i];
      for (let j = bOffsets[p]; j < bOffsets[p + 1]; j++) {
        const o = buyers[j];
        if (seenCustomer[o] === stamp) continue;
        seenCustomer[o] = stamp;
        others.push(o);
        direct += b.offsets[o + 1] - b.offsets[o];
      }
    }
    touched.length = 0;
    // A popular basket reaches most customers: then count the buyers of each product and subtract
    // the few customers who are not co-purchasers (same scores, far fewer steps).
    const complement = nC + (b.items.length - direct) + 2 * nP;
    if (direct < nP) {
      for (const o of others) {
        for (let x = b.offsets[o]; x < b.offsets[o + 1]; x++) {
          const q = b.items[x];
          if (boughtStamp[q] === stamp) continue;
          if (score[q] === 0) touched.push(q);
          score[q]++;
        }
      }
    } else if (direct <= complement) {
      // More steps than products: count without bookkeeping, then one pass over the products.
      const { offsets, items } = b;
      for (const o of others) for (let x = offsets[o], end = offsets[o + 1]; x < end; x++) score[items[x]]++;
      for (let q = 0; q < nP; q++) {
        if (boughtStamp[q] !== stamp && score[q] > 0) touched.push(q);
        else score[q] = 0;
      }
    } else {
      for (let q = 0; q < nP; q++) score[q] = bOffsets[q + 1] - bOffsets[q];
      for (let o = 0; o < nC; o++) {
        if (seenCustomer[o] === stamp) continue;
        for (let x = b.offsets[o]; x < b.offsets[o + 1]; x++) score[b.items[x]]--;
      }
      for (let q = 0; q < nP; q++) {
        if (boughtStamp[q] !== stamp && score[q] > 0) touched.push(q);
        else score[q] = 0;
      }
    }
    // Top k by (score desc, code asc) by insertion into a k-slot list: sorting every touched
    // product (thousands per customer) made this loop, not Neo4j, the bulk query's cost.
    let n = 0;
    for (const q of touched) {
      if (n === k && !better(q, top[k - 1])) continue;
      let at = n < k ? n++ : k - 1;
      while (at > 0 && better(q, top[at - 1])) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = q;
    }
    const items: ScoredProduct[] = [];
    for (let i = 0; i < n; i++) items.push({ code: b.products[top[i]], score: score[top[i]] });
    for (const q of touched) score[q] = 0;
    return { customer, items };
  });
}

/** Co-purchase lists for many customers: one neighbourhood fetch per chunk, scored here. */
export async function coPurchaseBulk(graphs: Graphs, customers: readonly string[], k = 12): Promise<CoPurchaseResult[]> {
  if (!Number.isInteger(k) || k < 1) throw new Error(`invalid k: ${k}; expected an integer >= 1`);
  const out: CoPurchaseResult[] = [];
  for (let i = 0; i < customers.length; i += BULK_CHUNK) {
    const chunk = customers.slice(i, i + BULK_CHUNK);
    const records = await readQuery<{ customer: string; products: string[] }>(graphs.main, NEIGHBOURHOOD, { customers: [...new Set(chunk)] });
    out.push(...scoreCoPurchase(basketsFrom(records), chunk, k));
  }
  return out;
}
