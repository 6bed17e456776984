/**
 * The load loop, shared by the browser (the Graph cell, through server actions) and Node (tests,
 * benchmarks, headless runs, straight to lib/graph/server/load): plan → begin (resume point) → batches of
 * every phase with progress and cancellation → count check. A failed or cancelled load resumes from
 * its checkpoint on the next run.
 */
import { type CustomerRow, type GraphLoadPort, LOAD_PHASES, type LoadCheck, type LoadCounts, type LoadPhase, type LoadPlan, type LoadStart, type PhaseBatch, type ProductRow, type ReplacePolicy } from './model';
import { purchaseBatches, sliceColumns, tableLength, tableReferences, type PurchaseTable } from './purchases';
import { chunkRows } from './rows';
import { throwIfAborted } from '../util/cancel';


/** Everything to load, already built: node rows (rows.ts) and PURCHASED in columns (purchases.ts). */
export interface LoadInput {
  fingerprint: string;
  /** The dataset's name, recorded on the checkpoint (lib/graph/loaded.ts). */
  name?: string;
  rows: { products: readonly ProductRow[]; customers: readonly CustomerRow[]; purchases: PurchaseTable };
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
  const refs = tableReferences(input.rows.purchases);
  for (const c of input.rows.customers) refs.customers.add(c.id);
  for (const p of input.rows.products) refs.products.add(p.code);
  return { customers: refs.customers.size, products: refs.products.size, purchases: tableLength(input.rows.purchases), units: refs.units };
}

/** Runs a whole (or resumed) load through a port. */
export async function runLoad(port: GraphLoadPort, input: LoadInput, opts: LoadOptions = {}): Promise<LoadReport> {
  const batchSize = opts.batchSize ?? 10_000;
  const nodes = {
    products: chunkRows(input.rows.products, batchSize, opts.maxBatchBytes),
    customers: chunkRows(input.rows.customers, batchSize, opts.maxBatchBytes),
  };
  // PURCHASED stays columnar: index ranges of the table, each sliced into a wire batch as it is sent.
  const ranges = purchaseBatches(input.rows.purchases, batchSize, opts.maxBatchBytes);
  const batches: { [P in LoadPhase]: { length: number; size(i: number): number; wire(i: number): PhaseBatch[P] } } = {
    products: { length: nodes.products.length, size: (i) => nodes.products[i].length, wire: (i) => nodes.products[i] },
    customers: { length: nodes.customers.length, size: (i) => nodes.customers[i].length, wire: (i) => nodes.customers[i] },
    purchases: { length: ranges.length, size: (i) => ranges[i][1] - ranges[i][0], wire: (i) => sliceColumns(input.rows.purchases, ranges[i][0], ranges[i][1]) },
  };
  const totals: Record<LoadPhase, number> = { products: input.rows.products.length, customers: input.rows.customers.length, purchases: tableLength(input.rows.purchases) };
  const plan: LoadPlan = {
    fingerprint: input.fingerprint,
    ...(input.name ? { name: input.name } : {}),
    batchSize,
    batches: { products: batches.products.length, customers: batches.customers.length, purchases: batches.purchases.length },
  };
  throwIfAborted(opts.signal, 'graph load cancelled; run again to resume');
  const start = await port.begin(plan, opts.replace ?? 'auto');
  const written = { products: 0, customers: 0, purchases: 0 };
  const seconds = { products: 0, customers: 0, purchases: 0 };
  for (const phase of LOAD_PHASES) {
    const list = batches[phase];
    const total = totals[phase];
    const from = start.resume[phase];
    let done = 0;
    for (let i = 0; i < from; i++) done += list.size(i);
    opts.onProgress?.({ phase, done, total, skippedBatches: from });
    const t0 = performance.now();
    for (let i = from; i < list.length; i++) {
      throwIfAborted(opts.signal, 'graph load cancelled; run again to resume');
      await port.write(input.fingerprint, phase, i, list.wire(i));
      done += list.size(i);
      written[phase] += list.size(i);
      opts.onProgress?.({ phase, done, total, skippedBatches: from });
      await opts.afterBatch?.(phase, i);
    }
    seconds[phase] = (performance.now() - t0) / 1000;
  }
  throwIfAborted(opts.signal, 'graph load cancelled; run again to resume');
  const check = await port.finish(input.fingerprint, expectedCounts(input));
  return { start, check, written, seconds };
}
