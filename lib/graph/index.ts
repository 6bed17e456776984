/**
 * lib/graph: the pipeline's graph, browser-safe half (no driver): the model and shared types, the
 * loader rows, the PURCHASED wire columns, the resumable load pipeline (behind a port), the
 * neighbourhood picture. The driver side (anything that talks to Neo4j) is lib/graph/server/,
 * reached from server actions, Node tests and benchmarks only.
 *
 * - model.ts: the graph model and every type both sides share (rows, wire batches, load plan and
 *   counts, browse views)
 * - rows.ts: loader rows from the Data cell's artifacts
 * - columns.ts: PURCHASED in columns (encode, slice, check)
 * - pipeline.ts: batched, resumable loading through a GraphLoadPort
 * - picture.ts: the neighbourhood picture of a customer view
 */
export {
  LOAD_PHASES,
  type CustomerRow,
  type CustomerView,
  type GraphLoadPort,
  type LoadCheck,
  type LoadCounts,
  type LoadPhase,
  type LoadPlan,
  type LoadStart,
  type ProductRow,
  type ProductView,
  type PurchaseColumns,
  type PurchaseRow,
} from './model';
export { productRows, customerRows, purchaseRows, chunkRows } from './rows';
export { checkPurchaseColumns, purchaseColumns } from './columns';
export { purchaseTable, purchaseBatches, sliceColumns, tableLength, type PurchaseTable } from './purchases';
export { runLoad, expectedCounts, type LoadInput, type LoadReport } from './pipeline';
export { customerGraph } from './picture';
