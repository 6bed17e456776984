/**
 * Server-side bulk loading: constraints first, then `UNWIND` batches in explicit transactions, each
 * committing its checkpoint with it. Nodes MERGE on their keys; PURCHASED batches (columns with
 * per-batch node dictionaries, columns.ts) CREATE when the checkpoint proves them unwritten and MERGE
 * otherwise, so every batch is idempotent. Counts are checked at the end.
 *
 * The checkpoint records exactly which batches are written, whatever order they arrive in (several
 * tabs, retries, a sender with batches in flight): per phase, `next` (every batch below it is written)
 * and `done` (the written batches above `next`, sorted). A batch is skipped only when it is recorded,
 * and it is recorded in the transaction that writes it, so no batch is lost or written twice.
 */
import 'server-only';
import neo4j, { type Date as Neo4jDate } from 'neo4j-driver';
import type { GraphConn, Graphs } from './conn';
import { checkPurchaseColumns, columnsLength, purchaseColumns } from '../columns';
import { sliceColumns } from '../purchases';
import { CATALOGUE_HIERARCHY, CATALOGUE_LEVELS, constraintStatements, LOAD_PHASES, MAIN_LABELS, type GraphLoadPort, type LoadCheck, type LoadCounts, type LoadPhase, type LoadPlan, type LoadStart, type PhaseBatch, type PurchaseColumns, type PurchaseRow, type ReplacePolicy } from '../model';
import { autoCommit, inWriteTx, readQuery, writeQuery } from './conn';

/** Largest number of rows written in one transaction; bigger batches are split. */
export const MAX_TX_ROWS = 20_000;




/** The connection each phase writes to. */
export function phaseConn(graphs: Graphs, phase: LoadPhase): GraphConn {
  switch (phase) {
    case 'products':
      return graphs.products;
    case 'customers':
    case 'purchases':
      return graphs.main;
    default: {
      const never: never = phase;
      throw new Error(`invalid phase: ${String(never)}; expected one of ${LOAD_PHASES.join(', ')}`);
    }
  }
}

function conns(graphs: Graphs): GraphConn[] {
  return graphs.split ? [graphs.main, graphs.products] : [graphs.main];
}

/** Creates the uniqueness constraints (idempotent) on the server(s). */
export async function ensureSchema(graphs: Graphs): Promise<void> {
  const main = graphs.split ? constraintStatements(MAIN_LABELS) : constraintStatements();
  for (const s of main) await writeQuery(graphs.main, s);
  if (graphs.split) {
    for (const s of constraintStatements().filter((x) => !/ FOR \(n:Customer\)/.test(x))) await writeQuery(graphs.products, s);
  }
  await readQuery(graphs.main, 'CALL db.awaitIndexes(300)');
  if (graphs.split) await readQuery(graphs.products, 'CALL db.awaitIndexes(300)');
}

/** Deletes every node and relationship (in chunks, so large graphs fit in memory). */
export async function clearGraph(graphs: Graphs): Promise<void> {
  for (const c of conns(graphs)) {
    await autoCommit(c, 'MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
  }
}

const nextKey = (phase: LoadPhase) => `${phase}_next`;
const doneKey = (phase: LoadPhase) => `${phase}_done`;

/** The written batches of one phase: all below `next`, and `done` (sorted, each above `next`). */
export interface WrittenBatches {
  next: number;
  done: number[];
}

/** Whether the checkpoint records batch `index` as written. */
export function isWritten(w: WrittenBatches, index: number): boolean {
  return index < w.next || w.done.includes(index);
}

/** The checkpoint after batch `index` is written: `next` moves over every batch now contiguous. */
export function recordWritten(w: WrittenBatches, index: number): WrittenBatches {
  if (isWritten(w, index)) return w;
  if (index !== w.next) return { next: w.next, done: [...w.done, index].sort((a, b) => a - b) };
  let next = index + 1;
  let k = 0;
  while (k < w.done.length && w.done[k] === next) {
    next++;
    k++;
  }
  return { next, done: w.done.slice(k) };
}

interface CheckpointRow {
  fingerprint: string;
  batchSize: number | null;
  complete: boolean | null;
  props: Record<string, unknown>;
}

/** A stored `done` list (a Neo4j list of integers, or absent). */
function doneList(v: unknown): number[] {
  return Array.isArray(v) ? v.map(Number).filter(Number.isInteger) : [];
}

async function readCheckpoints(c: GraphConn): Promise<CheckpointRow[]> {
  return readQuery<CheckpointRow>(
    c,
    'MATCH (l:AtelierLoad) RETURN l.fingerprint AS fingerprint, l.batchSize AS batchSize, l.complete AS complete, properties(l) AS props',
  );
}


/**
 * Prepares a load: constraints, then the checkpoint (see ReplacePolicy). Returns the batch to resume
 * from per phase.
 */
export async function beginLoad(graphs: Graphs, plan: LoadPlan, opts: { replace?: ReplacePolicy } = {}): Promise<LoadStart> {
  validatePlan(plan);
  const policy = opts.replace ?? 'auto';
  await ensureSchema(graphs);
  const all = (await Promise.all(conns(graphs).map(readCheckpoints))).flat();
  const other = all.some((r) => r.fingerprint !== plan.fingerprint);
  const cleared = policy === 'always' || (policy === 'auto' && other);
  if (cleared) await clearGraph(graphs);
  const resume = { products: 0, customers: 0, purchases: 0 } satisfies Record<LoadPhase, number>;
  let complete = true;
  for (const phase of LOAD_PHASES) {
    const c = phaseConn(graphs, phase);
    const rows = await readCheckpoints(c);
    const mine = rows.find((r) => r.fingerprint === plan.fingerprint);
    const sameShape = mine && mine.batchSize === plan.batchSize && mine.props[`${phase}_total`] === plan.batches[phase];
    const next = sameShape ? Number(mine.props[nextKey(phase)] ?? 0) : 0;
    const done = sameShape ? doneList(mine.props[doneKey(phase)]).filter((i) => i > next && i < plan.batches[phase]) : [];
    resume[phase] = Math.min(next, plan.batches[phase]);
    if (!(sameShape && mine.complete)) complete = false;
    const patch: Record<string, unknown> = {
      batchSize: plan.batchSize, [`${phase}_total`]: plan.batches[phase],
      [nextKey(phase)]: neo4j.int(resume[phase]), [doneKey(phase)]: done.map((i) => neo4j.int(i)),
    };
    if (plan.name) patch.name = plan.name;
    if (phase === 'purchases') patch.purchases_mode = await purchasesMode(c, resume.purchases > 0 || done.length > 0, mine?.props.purchases_mode);
    await writeQuery(
      c,
      'MERGE (l:AtelierLoad {fingerprint: $fp}) SET l += $patch, l.complete = CASE WHEN $complete THEN l.complete ELSE false END',
      { fp: plan.fingerprint, patch, complete: Boolean(sameShape && mine?.complete) },
    );
  }
  return { resume, cleared, complete };
}

/**
 * How PURCHASED batches are written. `create` (about 2x faster) only when no PURCHASED relationship
 * exists as the phase starts, or when resuming a load that started that way: each batch commits with
 * its checkpoint, so a batch the checkpoint does not record was never written. Otherwise `merge`.
 */
async function purchasesMode(c: GraphConn, resuming: boolean, stored: unknown): Promise<'create' | 'merge'> {
  if (resuming) return stored === 'create' ? 'create' : 'merge';
  const [{ n }] = await readQuery<{ n: number }>(c, 'MATCH ()-[r:PURCHASED]->() RETURN count(r) AS n');
  return n === 0 ? 'create' : 'merge';
}

function validatePlan(plan: LoadPlan): void {
  if (!plan.fingerprint) throw new Error(`invalid fingerprint: ${JSON.stringify(plan.fingerprint)}; expected a non-empty string`);
  if (!Number.isInteger(plan.batchSize) || plan.batchSize < 1) throw new Error(`invalid batchSize: ${plan.batchSize}; expected an integer >= 1`);
  for (const phase of LOAD_PHASES) {
    const n = plan.batches[phase];
    if (!Number.isInteger(n) || n < 0) throw new Error(`invalid batches.${phase}: ${n}; expected an integer >= 0`);
  }
}

/** The product statement: node, attribute nodes, and their hierarchy, built from model.ts. */
function productStatement(): string {
  const levels = CATALOGUE_LEVELS.map(
    (l) => `FOREACH (_ IN CASE WHEN row.${l.field} IS NULL THEN [] ELSE [1] END |
      MERGE (a:${l.label} {name: row.${l.field}}) MERGE (p)-[:${l.rel}]->(a))`,
  );
  const hierarchy = CATALOGUE_HIERARCHY.map(
    (h) => `FOREACH (_ IN CASE WHEN row.${h.childField} IS NULL OR row.${h.parentField} IS NULL THEN [] ELSE [1] END |
      MERGE (c:${h.child} {name: row.${h.childField}}) MERGE (g:${h.parent} {name: row.${h.parentField}}) MERGE (c)-[:${h.rel}]->(g))`,
  );
  return `UNWIND $rows AS row
    MERGE (p:Product {code: row.code})
    SET p.name = row.name, p.product_code = row.product_code, p.appearance = row.appearance
    ${levels.join('\n    ')}
    ${hierarchy.join('\n    ')}`;
}

const CUSTOMER_STATEMENT = `UNWIND $rows AS row
  MERGE (c:Customer {id: row.id})
  SET c.age = row.age, c.club_member_status = row.club_member_status, c.fashion_news_frequency = row.fashion_news_frequency`;

/**
 * PURCHASED batches arrive as columns (columns.ts): each distinct customer and product of the batch
 * is looked up once through its unique index (MERGE: customers missing from the customer table, and
 * in split mode main's key-only Product nodes, are created here), collected in dictionary order, and
 * every relationship picks its two nodes by position. Numbers travel as floats; toInteger stores
 * channel and quantity as integers. Each statement returns how many relationships it matched, which
 * the writer checks.
 */
const PURCHASE_NODES = `CALL () {
    UNWIND range(0, size($customers) - 1) AS k
    MERGE (c:Customer {id: $customers[k]})
    WITH k, c ORDER BY k
    RETURN collect(c) AS cs
  }
  CALL () {
    UNWIND range(0, size($products) - 1) AS k
    MERGE (p:Product {code: $products[k]})
    WITH k, p ORDER BY k
    RETURN collect(p) AS ps
  }
  UNWIND range(0, size($customer) - 1) AS i
  WITH cs[toInteger($customer[i])] AS c, ps[toInteger($product[i])] AS p, i`;

/** Idempotent: one relationship per customer, product, day and channel. */
const PURCHASE_STATEMENT = `${PURCHASE_NODES}
  MERGE (c)-[r:PURCHASED {t_dat: $day[i], channel: toInteger($channel[i])}]->(p)
  SET r.quantity = toInteger($quantity[i]), r.price = $price[i]
  RETURN count(r) AS n`;

/** The fast path for batches the checkpoint proves unwritten (see purchasesMode). */
const PURCHASE_CREATE_STATEMENT = `${PURCHASE_NODES}
  CREATE (c)-[r:PURCHASED {t_dat: $day[i], channel: toInteger($channel[i]), quantity: toInteger($quantity[i]), price: $price[i]}]->(p)
  RETURN count(r) AS n`;

function nodeStatement(phase: 'products' | 'customers'): string {
  switch (phase) {
    case 'products':
      return productStatement();
    case 'customers':
      return CUSTOMER_STATEMENT;
    default: {
      const never: never = phase;
      throw new Error(`invalid phase: ${String(never)}`);
    }
  }
}

/** Cypher parameters of a PURCHASED batch: days become Neo4j dates (one object per distinct day). */
function purchaseParams(c: PurchaseColumns): Record<string, unknown> {
  const dates = new Map<number, Neo4jDate<number>>();
  const day = c.day.map((d) => {
    let v = dates.get(d);
    if (!v) {
      const t = new Date(d * 86_400_000);
      dates.set(d, (v = new neo4j.types.Date(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())));
    }
    return v;
  });
  return { ...c, day };
}

/** Rows of one phase, or columns for PURCHASED; writeBatch also takes PURCHASED rows (it encodes them). */
export type BatchInput<P extends LoadPhase> = PhaseBatch[P] | (P extends 'purchases' ? readonly PurchaseRow[] : never);

type Part = { kind: 'rows'; rows: readonly unknown[] } | { kind: 'purchases'; cols: PurchaseColumns };

/** Cuts a batch into transactions of at most MAX_TX_ROWS rows (always at least one, maybe empty). */
function txParts(phase: LoadPhase, batch: BatchInput<LoadPhase>): { parts: Part[]; rows: number } {
  const parts: Part[] = [];
  if (phase === 'purchases') {
    const cols = Array.isArray(batch) ? purchaseColumns(batch as readonly PurchaseRow[]) : (batch as PurchaseColumns);
    checkPurchaseColumns(cols);
    const n = columnsLength(cols);
    if (n <= MAX_TX_ROWS) parts.push({ kind: 'purchases', cols });
    else for (let i = 0; i < n; i += MAX_TX_ROWS) parts.push({ kind: 'purchases', cols: sliceColumns(cols, i, Math.min(n, i + MAX_TX_ROWS)) });
    return { parts, rows: n };
  }
  const rows = batch as readonly unknown[];
  for (let i = 0; i < rows.length; i += MAX_TX_ROWS) parts.push({ kind: 'rows', rows: rows.slice(i, i + MAX_TX_ROWS) });
  if (parts.length === 0) parts.push({ kind: 'rows', rows: [] });
  return { parts, rows: rows.length };
}

/**
 * Writes batch `index` of `phase` and records it in the checkpoint in the same transaction. Batches over
 * MAX_TX_ROWS rows are split into several transactions (the checkpoint records the batch with the last
 * one; until then a retry MERGEs the parts again). Idempotent in any arrival order: a batch the
 * checkpoint records is skipped, any other is written, and the checkpoint node is locked before it is
 * read, so concurrent senders of one batch write it once. In `create` mode a single-transaction batch
 * the checkpoint does not record was never written, so it CREATEs.
 */
export async function writeBatch<P extends LoadPhase>(
  graphs: Graphs,
  fingerprint: string,
  phase: P,
  index: number,
  batch: BatchInput<P>,
): Promise<{ rows: number; transactions: number; mode: 'merge' | 'create' | 'skipped' }> {
  if (!Number.isInteger(index) || index < 0) throw new Error(`invalid index: ${index}; expected an integer >= 0`);
  const c = phaseConn(graphs, phase);
  const { parts, rows } = txParts(phase, batch);
  let mode: 'merge' | 'create' | 'skipped' = 'merge';
  for (let k = 0; k < parts.length && mode !== 'skipped'; k++) {
    const part = parts[k];
    const last = k === parts.length - 1;
    mode = await inWriteTx(c, async (tx) => {
      // Lock the checkpoint before reading it.
      const res = await tx.run(
        `MATCH (l:AtelierLoad {fingerprint: $fp}) SET l.touchedAt = timestamp()
         RETURN coalesce(l[$next], 0) AS next, coalesce(l[$done], []) AS done, l.purchases_mode AS mode`,
        { fp: fingerprint, next: nextKey(phase), done: doneKey(phase) },
      );
      const cp = res.records[0];
      const written: WrittenBatches | null = cp ? { next: Number(cp.get('next')), done: doneList(cp.get('done')) } : null;
      if (written && isWritten(written, index)) return 'skipped';
      let m: 'merge' | 'create' = 'merge';
      if (part.kind === 'purchases') {
        let cypher = PURCHASE_STATEMENT;
        if (parts.length === 1 && cp?.get('mode') === 'create') {
          cypher = PURCHASE_CREATE_STATEMENT;
          m = 'create';
        }
        const want = columnsLength(part.cols);
        if (want > 0) {
          const out = await tx.run(cypher, purchaseParams(part.cols));
          const n = Number(out.records[0]?.get('n') ?? 0);
          if (n !== want) throw new Error(`PURCHASED batch ${index}: wrote ${n} of ${want} relationships; expected every customer and product to resolve`);
        }
      } else if (part.rows.length) {
        await tx.run(nodeStatement(phase as 'products' | 'customers'), { rows: part.rows });
      }
      if (last && written) {
        const after = recordWritten(written, index);
        await tx.run('MATCH (l:AtelierLoad {fingerprint: $fp}) SET l += $patch', {
          fp: fingerprint,
          patch: { [nextKey(phase)]: neo4j.int(after.next), [doneKey(phase)]: after.done.map((i) => neo4j.int(i)) },
        });
      }
      return m;
    });
  }
  return { rows: mode === 'skipped' ? 0 : rows, transactions: parts.length, mode };
}

/** Counts what is in the graph (customers and purchases on main, products on the products server). */
export async function graphCounts(graphs: Graphs): Promise<LoadCounts> {
  const [[m], [p]] = await Promise.all([
    readQuery<{ customers: number; purchases: number; units: number }>(
      graphs.main,
      `CALL () { MATCH (c:Customer) RETURN count(c) AS customers }
       CALL () { MATCH ()-[r:PURCHASED]->() RETURN count(r) AS purchases, coalesce(sum(r.quantity), 0) AS units }
       RETURN customers, purchases, units`,
    ),
    readQuery<{ products: number }>(
      graphs.products,
      'MATCH (p:Product) RETURN count(p) AS products',
    ),
  ]);
  return { customers: m.customers, products: p.products, purchases: m.purchases, units: m.units };
}


/** Compares the graph with the expected counts; marks the checkpoint complete when they match. */
export async function finishLoad(graphs: Graphs, fingerprint: string, expected: LoadCounts): Promise<LoadCheck> {
  const actual = await graphCounts(graphs);
  const mismatches = (Object.keys(expected) as (keyof LoadCounts)[])
    .filter((k) => expected[k] !== actual[k])
    .map((k) => `${k}: expected ${expected[k]}, found ${actual[k]}`);
  const ok = mismatches.length === 0;
  for (const c of conns(graphs)) {
    await writeQuery(c, 'MATCH (l:AtelierLoad {fingerprint: $fp}) SET l.complete = $ok, l.checkedAt = datetime()', { fp: fingerprint, ok });
  }
  return { ok, expected, actual, mismatches };
}

/** A load port that calls this module directly (Node: tests, benchmarks, headless runs). */
export function directPort(graphs: Graphs): GraphLoadPort {
  return {
    begin: (plan, replace) => beginLoad(graphs, plan, { replace }),
    write: async (fingerprint, phase, index, rows) => {
      await writeBatch(graphs, fingerprint, phase, index, rows);
    },
    finish: (fingerprint, expected) => finishLoad(graphs, fingerprint, expected),
  };
}
