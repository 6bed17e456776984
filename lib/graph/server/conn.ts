/**
 * Where the graph lives: one server, or two (split mode, the Fabric design) with customers and
 * purchases in `main` and the catalogue (products, attributes, embeddings, SIMILAR) in `products`.
 * In split mode `main` keeps key-only Product nodes so PURCHASED relationships stay local.
 */
import 'server-only';
import neo4j, { type Driver, type ManagedTransaction, type QueryResult, type RecordShape } from 'neo4j-driver';
import { configFromEnv, getDriver, productsConfigFromEnv, type Neo4jConfig } from './driver';

/** One server and database. */
export interface GraphConn {
  driver: Driver;
  database: string;
  uri: string;
}

/** The graph(s) a pipeline uses; `products` is `main` unless split. */
export interface Graphs {
  main: GraphConn;
  products: GraphConn;
  split: boolean;
}

/** Graphs for explicit configurations (products null: single server). */
export function graphsFor(main: Neo4jConfig, products: Neo4jConfig | null = null): Graphs {
  const m: GraphConn = { driver: getDriver(main), database: main.database, uri: main.uri };
  if (!products || (products.uri === main.uri && products.database === main.database)) {
    return { main: m, products: m, split: false };
  }
  return { main: m, products: { driver: getDriver(products), database: products.database, uri: products.uri }, split: true };
}

/** Graphs from NEO4J_* and NEO4J_PRODUCTS_* (see driver.ts). */
export function graphsFromEnv(env: Record<string, string | undefined> = process.env): Graphs {
  return graphsFor(configFromEnv(env), productsConfigFromEnv(env));
}

/** Runs one read query (auto-routed to readers on a cluster). */
export async function readQuery<R extends RecordShape = RecordShape>(
  conn: GraphConn,
  cypher: string,
  params: Record<string, unknown> = {},
): Promise<R[]> {
  const res = await conn.driver.executeQuery(cypher, params, { database: conn.database, routing: neo4j.routing.READ });
  return res.records.map((r) => r.toObject() as R);
}

/** Runs one write query in its own transaction. */
export async function writeQuery(conn: GraphConn, cypher: string, params: Record<string, unknown> = {}): Promise<QueryResult> {
  return conn.driver.executeQuery(cypher, params, { database: conn.database, routing: neo4j.routing.WRITE });
}

/** Runs `work` in one explicit write transaction (retried by the driver on transient errors). */
export async function inWriteTx<T>(conn: GraphConn, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  const session = conn.driver.session({ database: conn.database, defaultAccessMode: neo4j.session.WRITE });
  try {
    return await session.executeWrite(work);
  } finally {
    await session.close();
  }
}

/** Runs an auto-commit query (needed for CALL { } IN TRANSACTIONS). */
export async function autoCommit(conn: GraphConn, cypher: string, params: Record<string, unknown> = {}): Promise<void> {
  const session = conn.driver.session({ database: conn.database, defaultAccessMode: neo4j.session.WRITE });
  try {
    await session.run(cypher, params);
  } finally {
    await session.close();
  }
}
