/**
 * The seeds' co-purchase recommendation: the k products most bought by customers who bought the
 * same products as this customer, excluding what the customer already bought.
 *
 * Score of a product = number of distinct other customers who share at least one product with the
 * customer and bought it; ties broken by product code ascending. Customers without purchases or
 * co-purchasers get an empty list.
 *
 * Implementations (one contract, conformance test in test/integration/graph-queries.test.ts):
 * - `coPurchaseBulk` (copurchase-bulk.ts, the app's path): one batched query fetches the two-hop
 *   baskets, scored on the server with typed arrays;
 * - `coPurchase`: all in Cypher (`UNWIND $customers`), one query per chunk of customers;
 * - `coPurchasePerCustomer`: the seeds' one-query-per-customer loop (benchmark baseline);
 * - `coPurchaseReference`: plain TypeScript over purchase rows (obviously correct, for tests).
 * Only purchases are needed, so split mode runs on the main graph unchanged.
 */
import 'server-only';
import neo4j from 'neo4j-driver';
import { readQuery, type Graphs } from './conn';
import type { PurchaseRow } from '../model';

/** One recommended product and its score. */
export interface ScoredProduct {
  code: string;
  score: number;
}

/** A customer's co-purchase list, best first. */
export interface CoPurchaseResult {
  customer: string;
  items: ScoredProduct[];
}

/** Default list length (the competition's MAP@12). */
export const CO_PURCHASE_K = 12;
/** Customers per query when a call holds more. */
export const CO_PURCHASE_CHUNK = 1000;

const BATCHED = `
UNWIND $customers AS cid
CALL (cid) {
  MATCH (c:Customer {id: cid})-[:PURCHASED]->(p:Product)
  WITH c, collect(DISTINCT p) AS bought
  UNWIND bought AS p
  MATCH (p)<-[:PURCHASED]-(o:Customer)
  WHERE o <> c
  WITH bought, collect(DISTINCT o) AS others
  UNWIND others AS o
  MATCH (o)-[:PURCHASED]->(rec:Product)
  WHERE NOT rec IN bought
  WITH rec, count(DISTINCT o) AS score
  ORDER BY score DESC, rec.code ASC
  LIMIT $k
  RETURN collect({code: rec.code, score: score}) AS items
}
RETURN cid AS customer, items`;

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`invalid k: ${k}; expected an integer >= 1`);
}

/** Batched co-purchase lists for many customers, in input order. */
export async function coPurchase(graphs: Graphs, customers: readonly string[], k = CO_PURCHASE_K): Promise<CoPurchaseResult[]> {
  checkK(k);
  const out: CoPurchaseResult[] = [];
  for (let i = 0; i < customers.length; i += CO_PURCHASE_CHUNK) {
    const chunk = customers.slice(i, i + CO_PURCHASE_CHUNK);
    out.push(...(await readQuery<CoPurchaseResult>(graphs.main, BATCHED, { customers: chunk, k: neo4j.int(k) })));
  }
  return out;
}

/** The seeds' loop: one query per customer (same results as coPurchase). */
export async function coPurchasePerCustomer(graphs: Graphs, customers: readonly string[], k = CO_PURCHASE_K): Promise<CoPurchaseResult[]> {
  checkK(k);
  const out: CoPurchaseResult[] = [];
  for (const cid of customers) {
    const [res] = await readQuery<CoPurchaseResult>(graphs.main, BATCHED, { customers: [cid], k: neo4j.int(k) });
    out.push(res);
  }
  return out;
}

/** Plain reference over purchase rows (the loaded graph's contents). */
export function coPurchaseReference(purchases: readonly PurchaseRow[], customers: readonly string[], k = CO_PURCHASE_K): CoPurchaseResult[] {
  checkK(k);
  const byCustomer = new Map<string, Set<string>>();
  const byProduct = new Map<string, Set<string>>();
  for (const p of purchases) {
    if (!byCustomer.has(p.customer)) byCustomer.set(p.customer, new Set());
    byCustomer.get(p.customer)!.add(p.product);
    if (!byProduct.has(p.product)) byProduct.set(p.product, new Set());
    byProduct.get(p.product)!.add(p.customer);
  }
  return customers.map((customer) => {
    const bought = byCustomer.get(customer) ?? new Set<string>();
    const others = new Set<string>();
    for (const product of bought) for (const o of byProduct.get(product) ?? []) if (o !== customer) others.add(o);
    const score = new Map<string, number>();
    for (const o of others) {
      for (const rec of byCustomer.get(o) ?? []) if (!bought.has(rec)) score.set(rec, (score.get(rec) ?? 0) + 1);
    }
    const items = [...score.entries()]
      .map(([code, s]) => ({ code, score: s }))
      .sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .slice(0, k);
    return { customer, items };
  });
}
