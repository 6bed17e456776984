/**
 * The seeds' candidate filter: of a customer's candidate products, keep those whose department AND
 * index the customer has bought from. Candidate order is kept (candidates arrive ranked) and
 * duplicates are dropped.
 *
 * Implementations with one contract (conformance test: test/integration/graph-queries.test.ts):
 * - `candidateFilter` (the app's path) = `candidateFilterComposed`: two batched queries (customers'
 *   purchased products from main, departments and indexes of the products involved from products),
 *   joined here; works in split mode, and measured 8-12x faster than the all-Cypher batch;
 * - `candidateFilterCypher`: all in one batched Cypher query per chunk (`UNWIND $rows`), one server;
 * - `candidateFilterPerCustomer`: the seeds' one-query-per-customer loop (benchmark baseline).
 */
import 'server-only';
import { readQuery, type Graphs } from './conn';

/** One customer's candidates, best first. */
export interface CandidateRequest {
  customer: string;
  candidates: readonly string[];
}

/** The kept candidates of one customer, in their original order. */
export interface CandidateResult {
  customer: string;
  kept: string[];
}

/** Customers per query when a call holds more (keeps each transaction's memory bounded). */
export const CANDIDATE_CHUNK = 2000;

const BATCHED = `
UNWIND $rows AS row
CALL (row) {
  OPTIONAL MATCH (c:Customer {id: row.customer})
  RETURN COLLECT { MATCH (c)-[:PURCHASED]->(:Product)-[:FROM_DEPARTMENT]->(d:Department) RETURN DISTINCT d.name } AS depts,
         COLLECT { MATCH (c)-[:PURCHASED]->(:Product)-[:HAS_INDEX]->(i:Index) RETURN DISTINCT i.name } AS idxs
}
CALL (row, depts, idxs) {
  UNWIND range(0, size(row.candidates) - 1) AS k
  WITH row.candidates[k] AS code, k, depts, idxs
  MATCH (p:Product {code: code})
  WHERE EXISTS { (p)-[:FROM_DEPARTMENT]->(d:Department) WHERE d.name IN depts }
    AND EXISTS { (p)-[:HAS_INDEX]->(i:Index) WHERE i.name IN idxs }
  WITH code, min(k) AS first
  ORDER BY first
  RETURN collect(code) AS kept
}
RETURN row.customer AS customer, kept`;

function validate(rows: readonly CandidateRequest[]): void {
  rows.forEach((r, i) => {
    if (typeof r.customer !== 'string' || !r.customer) throw new Error(`invalid rows[${i}].customer: ${JSON.stringify(r.customer)}; expected a non-empty string`);
    if (!Array.isArray(r.candidates)) throw new Error(`invalid rows[${i}].candidates: ${typeof r.candidates}; expected an array of product codes`);
  });
}

/** The filter for many customers (the app's path: see candidateFilterComposed). */
export async function candidateFilter(graphs: Graphs, rows: readonly CandidateRequest[]): Promise<CandidateResult[]> {
  return candidateFilterComposed(graphs, rows);
}

/** The filter all in Cypher, batched (one server: products and purchases in the same graph). */
export async function candidateFilterCypher(graphs: Graphs, rows: readonly CandidateRequest[]): Promise<CandidateResult[]> {
  validate(rows);
  if (graphs.split) throw new Error('invalid graphs: split mode; expected one server (use candidateFilter)');
  const out: CandidateResult[] = [];
  for (let i = 0; i < rows.length; i += CANDIDATE_CHUNK) {
    const chunk = rows.slice(i, i + CANDIDATE_CHUNK).map((r) => ({ customer: r.customer, candidates: [...r.candidates] }));
    out.push(...(await readQuery<CandidateResult>(graphs.main, BATCHED, { rows: chunk })));
  }
  return out;
}

/** The seeds' loop: one query per customer (benchmark baseline; same results as candidateFilter). */
export async function candidateFilterPerCustomer(graphs: Graphs, rows: readonly CandidateRequest[]): Promise<CandidateResult[]> {
  validate(rows);
  const out: CandidateResult[] = [];
  for (const r of rows) {
    const [res] = await readQuery<CandidateResult>(graphs.main, BATCHED, { rows: [{ customer: r.customer, candidates: [...r.candidates] }] });
    out.push(res);
  }
  return out;
}

/** Department and index names of products, from the products graph. */
export async function productPlaces(graphs: Graphs, codes: readonly string[]): Promise<Map<string, { depts: string[]; idxs: string[] }>> {
  const places = new Map<string, { depts: string[]; idxs: string[] }>();
  const unique = [...new Set(codes)];
  for (let i = 0; i < unique.length; i += 20_000) {
    const recs = await readQuery<{ code: string; depts: string[]; idxs: string[] }>(
      graphs.products,
      `UNWIND $codes AS code
       MATCH (p:Product {code: code})
       RETURN code, [(p)-[:FROM_DEPARTMENT]->(d:Department) | d.name] AS depts, [(p)-[:HAS_INDEX]->(x:Index) | x.name] AS idxs`,
      { codes: unique.slice(i, i + 20_000) },
    );
    for (const r of recs) places.set(r.code, { depts: r.depts, idxs: r.idxs });
  }
  return places;
}

/** Product codes each customer bought, from the main graph. */
export async function boughtProducts(graphs: Graphs, customers: readonly string[]): Promise<Map<string, string[]>> {
  const bought = new Map<string, string[]>();
  const unique = [...new Set(customers)];
  for (let i = 0; i < unique.length; i += 5000) {
    const recs = await readQuery<{ customer: string; codes: string[] }>(
      graphs.main,
      `UNWIND $customers AS cid
       MATCH (c:Customer {id: cid})
       RETURN cid AS customer, COLLECT { MATCH (c)-[:PURCHASED]->(p:Product) RETURN DISTINCT p.code } AS codes`,
      { customers: unique.slice(i, i + 5000) },
    );
    for (const r of recs) bought.set(r.customer, r.codes);
  }
  return bought;
}

/**
 * The filter as a plain join: purchases from main, catalogue from products (split mode), combined
 * here. Works on one server too, and is the reference the Cypher version must match.
 */
export async function candidateFilterComposed(graphs: Graphs, rows: readonly CandidateRequest[]): Promise<CandidateResult[]> {
  validate(rows);
  const bought = await boughtProducts(graphs, rows.map((r) => r.customer));
  const codes: string[] = [];
  for (const r of rows) codes.push(...r.candidates, ...(bought.get(r.customer) ?? []));
  const places = await productPlaces(graphs, codes);
  return rows.map((r) => ({ customer: r.customer, kept: filterOne(r.candidates, bought.get(r.customer) ?? [], places) }));
}

/** The filter for one customer given the places of products (pure). */
export function filterOne(
  candidates: readonly string[],
  bought: readonly string[],
  places: ReadonlyMap<string, { depts: readonly string[]; idxs: readonly string[] }>,
): string[] {
  const depts = new Set<string>();
  const idxs = new Set<string>();
  for (const code of bought) {
    const p = places.get(code);
    p?.depts.forEach((d) => depts.add(d));
    p?.idxs.forEach((x) => idxs.add(x));
  }
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const code of candidates) {
    if (seen.has(code)) continue;
    seen.add(code);
    const p = places.get(code);
    if (p && p.depts.some((d) => depts.has(d)) && p.idxs.some((x) => idxs.has(x))) kept.push(code);
  }
  return kept;
}
