'use server';
/**
 * Server actions of the Graph cell: thin wrappers that validate input (zod), call lib/graph on the
 * graph(s) from the environment (NEO4J_* and, in split mode, NEO4J_PRODUCTS_*), and return
 * `{ok: true, data} | {ok: false, error, hint}` instead of throwing. The browser sends rows and ids,
 * never Cypher.
 */
import { z } from 'zod';
import { candidateFilter, type CandidateResult } from '@/lib/graph/server/candidates';
import { checkPurchaseColumns } from '@/lib/graph/columns';
import { graphsFromEnv, type Graphs } from '@/lib/graph/server/conn';
import type { CoPurchaseResult } from '@/lib/graph/server/copurchase';
import { coPurchaseBulk } from '@/lib/graph/server/copurchase-bulk';
import { configFromEnv, describeNeo4jError } from '@/lib/graph/server/driver';
import { customerView, productView, topCustomers } from '@/lib/graph/server/browse';
import type { CustomerView, LoadCheck, LoadCounts, LoadStart, ProductView } from '@/lib/graph/model';
import { beginLoad, finishLoad, graphCounts, writeBatch } from '@/lib/graph/server/load';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string; hint?: string };

/** Most rows one write call accepts (the 1 MB action body holds about 12k PURCHASED rows in columns). */
const MAX_ROWS_PER_CALL = 20_000;

const key = z.string().min(1).max(200);
const name = z.string().max(500).nullable();
const count = z.number().int().min(0);

const productRow = z.object({
  code: key, name, product_code: name, appearance: name, department: name, index: name, index_group: name,
  product_type: name, product_group: name, section: name, garment_group: name, colour: name,
});
const customerRow = z.object({
  id: key, age: z.number().min(0).max(150).nullable(), club_member_status: name, fashion_news_frequency: name,
});
// PURCHASED arrives in columns (lib/graph/columns.ts); checkPurchaseColumns checks lengths, positions and ranges.
const numbers = z.array(z.number()).max(MAX_ROWS_PER_CALL);
const purchaseColumns = z.object({
  customers: z.array(key).max(MAX_ROWS_PER_CALL), products: z.array(key).max(MAX_ROWS_PER_CALL),
  customer: numbers, product: numbers, day: numbers, channel: numbers, quantity: numbers, price: numbers,
});
const writeSchema = z.discriminatedUnion('phase', [
  z.object({ fingerprint: key, phase: z.literal('products'), index: count, rows: z.array(productRow).max(MAX_ROWS_PER_CALL) }),
  z.object({ fingerprint: key, phase: z.literal('customers'), index: count, rows: z.array(customerRow).max(MAX_ROWS_PER_CALL) }),
  z.object({ fingerprint: key, phase: z.literal('purchases'), index: count, rows: purchaseColumns }),
]);
const planSchema = z.object({
  fingerprint: key,
  name: z.string().min(1).max(500).optional(),
  batchSize: z.number().int().min(1).max(MAX_ROWS_PER_CALL),
  batches: z.object({ products: count, customers: count, purchases: count }),
});
const countsSchema = z.object({ customers: count, products: count, purchases: count, units: count });
const replaceSchema = z.enum(['auto', 'always', 'never']);

async function guard<T>(fn: (g: Graphs) => Promise<T>): Promise<ActionResult<T>> {
  let graphs: Graphs;
  try {
    graphs = graphsFromEnv();
  } catch (err) {
    return { ok: false, error: `Neo4j configuration: ${err instanceof Error ? err.message : String(err)}`, hint: 'Check NEO4J_URI and NEO4J_PRODUCTS_URI.' };
  }
  try {
    return { ok: true, data: await fn(graphs) };
  } catch (err) {
    const cfg = configFromEnv();
    const f = describeNeo4jError(err, { uri: graphs.split ? `${cfg.uri} / ${graphs.products.uri}` : cfg.uri, user: cfg.user });
    return { ok: false, error: f.error, hint: f.hint };
  }
}

function invalid(error: z.ZodError): ActionResult<never> {
  const first = error.issues[0];
  return { ok: false, error: `invalid ${first?.path.join('.') || 'input'}: ${first?.message ?? 'bad value'}` };
}

/** Where the graph lives and what it holds now. */
export interface GraphStatus {
  main: string;
  products: string;
  split: boolean;
  counts: LoadCounts;
}

export async function graphStatusAction(): Promise<ActionResult<GraphStatus>> {
  return guard(async (g) => ({ main: g.main.uri, products: g.products.uri, split: g.split, counts: await graphCounts(g) }));
}

/** Constraints and checkpoint; returns where to resume. */
export async function graphBeginAction(input: { plan: unknown; replace: unknown }): Promise<ActionResult<LoadStart>> {
  const plan = planSchema.safeParse(input?.plan);
  if (!plan.success) return invalid(plan.error);
  const replace = replaceSchema.safeParse(input?.replace);
  if (!replace.success) return invalid(replace.error);
  return guard((g) => beginLoad(g, plan.data, { replace: replace.data }));
}

/** Writes one batch (idempotent) and advances the checkpoint. */
export async function graphWriteAction(input: unknown): Promise<ActionResult<{ rows: number; transactions: number }>> {
  const p = writeSchema.safeParse(input);
  if (!p.success) return invalid(p.error);
  const w = p.data;
  switch (w.phase) {
    case 'products':
      return guard((g) => writeBatch(g, w.fingerprint, 'products', w.index, w.rows));
    case 'customers':
      return guard((g) => writeBatch(g, w.fingerprint, 'customers', w.index, w.rows));
    case 'purchases': {
      try {
        checkPurchaseColumns(w.rows);
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      return guard((g) => writeBatch(g, w.fingerprint, 'purchases', w.index, w.rows));
    }
    default: {
      const never: never = w;
      return { ok: false, error: `invalid phase: ${JSON.stringify(never)}` };
    }
  }
}

/** Compares counts with the expected ones; marks the load complete when they match. */
export async function graphFinishAction(input: { fingerprint: unknown; expected: unknown }): Promise<ActionResult<LoadCheck>> {
  const fp = key.safeParse(input?.fingerprint);
  if (!fp.success) return invalid(fp.error);
  const expected = countsSchema.safeParse(input?.expected);
  if (!expected.success) return invalid(expected.error);
  return guard((g) => finishLoad(g, fp.data, expected.data));
}

export async function graphTopCustomersAction(input: { n: unknown }): Promise<ActionResult<{ id: string; units: number }[]>> {
  const n = z.number().int().min(1).max(1000).safeParse(input?.n);
  if (!n.success) return invalid(n.error);
  return guard((g) => topCustomers(g, n.data));
}

export async function graphCustomerAction(input: { id: unknown; limit?: unknown }): Promise<ActionResult<CustomerView | null>> {
  const p = z.object({ id: key, limit: z.number().int().min(1).max(1000).default(50) }).safeParse(input);
  if (!p.success) return invalid(p.error);
  return guard((g) => customerView(g, p.data.id, p.data.limit));
}

export async function graphProductAction(input: { code: unknown }): Promise<ActionResult<ProductView | null>> {
  const p = key.safeParse(input?.code);
  if (!p.success) return invalid(p.error);
  return guard((g) => productView(g, p.data));
}

/** Co-purchase lists for many customers in one call (the hybrid cell's fallback). */
export async function graphCoPurchaseAction(input: { customers: unknown; k?: unknown }): Promise<ActionResult<CoPurchaseResult[]>> {
  const p = z.object({ customers: z.array(key).max(20_000), k: z.number().int().min(1).max(100).default(12) }).safeParse(input);
  if (!p.success) return invalid(p.error);
  return guard((g) => coPurchaseBulk(g, p.data.customers, p.data.k));
}

/** The seeds' department-and-index filter for many customers in one call. */
export async function graphCandidatesAction(input: { rows: unknown }): Promise<ActionResult<CandidateResult[]>> {
  const p = z
    .array(z.object({ customer: key, candidates: z.array(key).max(1000) }))
    .max(20_000)
    .safeParse(input?.rows);
  if (!p.success) return invalid(p.error);
  return guard((g) => candidateFilter(g, p.data));
}
