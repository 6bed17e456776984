/**
 * lib/graph/server: the Neo4j driver side (server actions, Node tests, benchmarks). Every module
 * here imports 'server-only', so a client component that reaches one fails the build.
 *
 * - driver.ts: one driver per process and connection, env config, serverInfo, error classification
 * - conn.ts: single or split (main + products) graphs
 * - load.ts: constraints, idempotent resumable batched writes with checkpoints, the count check
 * - candidates.ts, copurchase.ts, copurchase-bulk.ts: the seeds' filter and co-purchase, batched
 * - browse.ts: customer and product views
 * - similar.ts (embeddings cell): Product.embedding, vector index, SIMILAR
 */
import 'server-only';

export { configFromEnv, productsConfigFromEnv, getDriver, closeDrivers, serverInfo, describeNeo4jError, type Neo4jConfig } from './driver';
export { graphsFor, graphsFromEnv, type GraphConn, type Graphs } from './conn';
export { beginLoad, writeBatch, finishLoad, graphCounts, clearGraph, ensureSchema, directPort } from './load';
export { candidateFilter, candidateFilterComposed, candidateFilterCypher, candidateFilterPerCustomer, type CandidateRequest, type CandidateResult } from './candidates';
export { coPurchase, coPurchasePerCustomer, coPurchaseReference, type CoPurchaseResult } from './copurchase';
export { coPurchaseBulk } from './copurchase-bulk';
export { customerView, productView, topCustomers } from './browse';
export { prepareSimilar, writeSimilarBatch, similarOf, similarStats, vectorIndexRecall, type GraphTarget } from './similar';
