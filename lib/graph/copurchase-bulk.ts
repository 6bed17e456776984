/**
 * The fast path of co-purchase (same contract as copurchase.ts): one batched query fetches the
 * baskets of every customer within two hops of the requested ones (their co-purchasers included),
 * and the server scores them with typed arrays. Exact: a requested customer's co-purchasers are the
 * buyers of its products, all of whose baskets are fetched. The per-customer work in Cypher (count
 * DISTINCT over co-purchasers' baskets) dominates the batched query's time; the same loops over
 * CSR arrays here are much cheaper.
 */
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
  return requested.map((customer, stamp) => {
    const c = customerIndex.get(customer);
    if (c === undefined) return { customer, items: [] };
    for (let i = b.offsets[c]; i < b.offsets[c + 1]; i++) boughtStamp[b.items[i]] = stamp;
    seenCustomer[c] = stamp;
    touched.length = 0;
    for (let i = b.offsets[c]; i < b.offsets[c + 1]; i++) {
      const p = b.items[i];
      for (let j = bOffsets[p]; j < bOffsets[p + 1]; j++) {
        const o = buyers[j];
        if (seenCustomer[o] === stamp) continue;
        seenCustomer[o] = stamp;
        for (let x = b.offsets[o]; x < b.offsets[o + 1]; x++) {
          const q = b.items[x];
          if (boughtStamp[q] === stamp) continue;
          if (score[q] === 0) touched.push(q);
          score[q]++;
        }
      }
    }
    const items: ScoredProduct[] = touched
      .map((q) => ({ code: b.products[q], score: score[q] }))
      .sort((x, y) => y.score - x.score || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0))
      .slice(0, k);
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
