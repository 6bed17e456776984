/**
 * The load loop, shared by the browser (the Graph cell, through server actions) and Node (tests,
 * benchmarks, headless runs, straight to lib/graph/server/load): plan → begin (resume point) → batches of
 * every phase with progress and cancellation → count check. A failed or cancelled load resumes from
 * its checkpoint on the next run.
 */
import { purchaseColumns, purchaseRowBytes } from './columns';
import { type GraphLoadPort, LOAD_PHASES, type LoadCheck, type LoadCounts, type LoadPhase, type LoadPlan, type LoadStart, type PhaseBatch, type PhaseRows, type ReplacePolicy } from './model';
import { chunkRows } from './rows';
import { throwIfAborted } from '../util/cancel';


/** Everything to load, already built (see rows.ts). */
export interface LoadInput {
  fingerprint: string;
  rows: { [P in LoadPhase]: readonly PhaseRows[P][] };
}

/** Progress of one phase: rows written so far out of the phase's total, with the rate. */
export interface LoadProgress {
  phase: LoadPhase;
  done: number;
  total: number;
  /** Batches skipped because the checkpoint had them. */
  skippedBatches: number;
}

export interface LoadOptions {
  /** Rows per batch (default 10,000). */
  batchSize?: number;
  /** Bytes of JSON per batch at most (server-action request limit); default unlimited. */
  maxBatchBytes?: number;
  replace?: ReplacePolicy;
  signal?: AbortSignal;
  onProgress?(p: LoadProgress): void;
  /** Called after each written batch (tests use it to interrupt a load). */
  afterBatch?(phase: LoadPhase, index: number): void | Promise<void>;
}

/** Summary of a finished load. */
export interface LoadReport {
  start: LoadStart;
  check: LoadCheck;
  written: Record<LoadPhase, number>;
  /** Seconds spent writing each phase in this run. */
  seconds: Record<LoadPhase, number>;
}

/** Expected counts of a load input. */
export function expectedCounts(input: LoadInput): LoadCounts {
  let units = 0;
  for (const r of input.rows.purchases) units += r.quantity;
  return {
    customers: new Set<string>([...input.rows.customers.map((c) => c.id), ...input.rows.purchases.map((p) => p.customer)]).size,
    products: new Set<string>([...input.rows.products.map((p) => p.code), ...input.rows.purchases.map((p) => p.product)]).size,
    purchases: input.rows.purchases.length,
    units,
  };
}

/** Runs a whole (or resumed) load through a port. */
export async function runLoad(port: GraphLoadPort, input: LoadInput, opts: LoadOptions = {}): Promise<LoadReport> {
  const batchSize = opts.batchSize ?? 10_000;
  const batches = {
    products: chunkRows(input.rows.products, batchSize, opts.maxBatchBytes),
    customers: chunkRows(input.rows.customers, batchSize, opts.maxBatchBytes),
    purchases: chunkRows(input.rows.purchases, batchSize, opts.maxBatchBytes, purchaseRowBytes),
  } satisfies { [P in LoadPhase]: PhaseRows[P][][] };
  // PURCHASED travels in columns (columns.ts), encoded as each batch is sent.
  const wire = <P extends LoadPhase>(phase: P, rows: PhaseRows[P][]): PhaseBatch[P] =>
    (phase === 'purchases' ? purchaseColumns(rows as PhaseRows['purchases'][]) : rows) as PhaseBatch[P];
  const plan: LoadPlan = {
    fingerprint: input.fingerprint,
    batchSize,
    batches: { products: batches.products.length, customers: batches.customers.length, purchases: batches.purchases.length },
  };
  throwIfAborted(opts.signal, 'graph load cancelled; run again to resume');
  const start = await port.begin(plan, opts.replace ?? 'auto');
  const written = { products: 0, customers: 0, purchases: 0 };
  const seconds = { products: 0, customers: 0, purchases: 0 };
  for (const phase of LOAD_PHASES) {
    const list = batches[phase] as PhaseRows[typeof phase][][];
    const total = input.rows[phase].length;
    const from = start.resume[phase];
    let done = 0;
    for (let i = 0; i < from; i++) done += list[i].length;
    opts.onProgress?.({ phase, done, total, skippedBatches: from });
    const t0 = performance.now();
    for (let i = from; i < list.length; i++) {
      throwIfAborted(opts.signal, 'graph load cancelled; run again to resume');
      await port.write(input.fingerprint, phase, i, wire(phase, list[i]));
      done += list[i].length;
      written[phase] += list[i].length;
      opts.onProgress?.({ phase, done, total, skippedBatches: from });
      await opts.afterBatch?.(phase, i);
    }
    seconds[phase] = (performance.now() - t0) / 1000;
  }
  throwIfAborted(opts.signal, 'graph load cancelled; run again to resume');
  const check = await port.finish(input.fingerprint, expectedCounts(input));
  return { start, check, written, seconds };
}
