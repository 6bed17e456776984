/**
 * lib/graph: the pipeline's graph in Neo4j (server-only: imports the driver). Browser code may import
 * only the pure modules directly: model.ts, rows.ts, pipeline.ts, picture.ts.
 *
 * - driver.ts: one driver per process and connection, env config, serverInfo, error classification
 * - conn.ts: single or split (main + products) graphs
 * - model.ts, rows.ts: the graph model and loader rows from the Data cell's artifacts
 * - load.ts, pipeline.ts: constraints, idempotent resumable batched loading with checkpoints, count check
 * - candidates.ts, copurchase.ts, copurchase-bulk.ts: the seeds' filter and co-purchase, batched
 * - browse.ts, picture.ts: customer and product views, the neighbourhood picture
 * - similar.ts (embeddings cell): Product.embedding, vector index, SIMILAR
 */
export { configFromEnv, productsConfigFromEnv, getDriver, closeDrivers, serverInfo, describeNeo4jError, type Neo4jConfig } from './driver';
export { graphsFor, graphsFromEnv, type GraphConn, type Graphs } from './conn';
export { LOAD_PHASES, type CustomerRow, type ProductRow, type PurchaseRow, type LoadPhase } from './model';
export { productRows, customerRows, purchaseRows, chunkRows } from './rows';
export { beginLoad, writeBatch, finishLoad, graphCounts, clearGraph, ensureSchema, directPort, type LoadPlan, type LoadCounts, type LoadCheck } from './load';
export { runLoad, expectedCounts, type GraphLoadPort, type LoadInput, type LoadReport } from './pipeline';
export { candidateFilter, candidateFilterComposed, candidateFilterCypher, candidateFilterPerCustomer, type CandidateRequest, type CandidateResult } from './candidates';
export { coPurchase, coPurchasePerCustomer, coPurchaseReference, type CoPurchaseResult } from './copurchase';
export { coPurchaseBulk } from './copurchase-bulk';
export { customerView, productView, topCustomers, type CustomerView, type ProductView } from './browse';
export { customerGraph } from './picture';
