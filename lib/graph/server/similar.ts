/**
 * Image similarity in Neo4j (server-only): `Product.embedding` (stored as a
 * compact float vector), a cosine vector index on it, and each product's
 * top-k `SIMILAR {score, rank}` relationships, written in batches. Writing a
 * product's neighbours replaces its previous SIMILAR set, so re-running is
 * idempotent. Also measures how well the (approximate) vector index agrees
 * with the exact neighbours: recall@k.
 *
 * Products are keyed by `code` (the article id), as the Graph cell loads them;
 * a product the Graph cell has not loaded yet is created with its code only.
 */
import 'server-only';
import neo4j, { type Driver } from 'neo4j-driver';
import type { LoadedDataset } from '../loaded';

/** Name of the vector index on `Product.embedding`. */
export const VECTOR_INDEX = 'product_embedding';

/** One product's embedding and exact neighbours (best first). */
export interface SimilarRow {
  code: string;
  embedding: readonly number[];
  neighbours: readonly { code: string; score: number }[];
}

/** Where the products live: a driver and a database name. */
export interface GraphTarget {
  driver: Driver;
  database: string;
}

/** The datasets the Graph cell recorded in this graph (its checkpoint nodes). */
export async function loadedDatasets(t: GraphTarget): Promise<LoadedDataset[]> {
  const r = await t.driver.executeQuery(
    'MATCH (l:AtelierLoad) RETURN l.fingerprint AS fingerprint, l.name AS name, l.complete AS complete ORDER BY fingerprint',
    {},
    { database: t.database, routing: neo4j.routing.READ },
  );
  return r.records.map((x) => ({ fingerprint: String(x.get('fingerprint')), name: (x.get('name') as string | null) ?? null, complete: (x.get('complete') as boolean | null) ?? null }));
}

function checkDim(dim: number): void {
  if (!Number.isInteger(dim) || dim < 1 || dim > 4096) throw new Error(`invalid dim: ${dim}; expected a whole number in 1..4096`);
}

/**
 * Prepares the schema for embeddings of `dim` values from `backbone`: the
 * Product.code uniqueness constraint, removal of embeddings another backbone
 * wrote (they live in a different space), and the cosine vector index
 * (recreated when its dimension differs).
 */
export async function prepareSimilar(t: GraphTarget, backbone: string, dim: number): Promise<{ removedEmbeddings: number; indexRecreated: boolean }> {
  checkDim(dim);
  if (!backbone) throw new Error('invalid backbone: empty; expected a backbone id');
  const db = { database: t.database };
  await t.driver.executeQuery('CREATE CONSTRAINT product_code IF NOT EXISTS FOR (p:Product) REQUIRE p.code IS UNIQUE', {}, db);
  const removed = await t.driver.executeQuery(
    `MATCH (p:Product) WHERE p.embedding IS NOT NULL AND coalesce(p.embeddingBackbone, '') <> $backbone
     REMOVE p.embedding, p.embeddingBackbone
     WITH p OPTIONAL MATCH (p)-[s:SIMILAR]->() DELETE s
     RETURN count(DISTINCT p) AS n`,
    { backbone },
    db,
  );
  const existing = await t.driver.executeQuery(
    `SHOW VECTOR INDEXES YIELD name, options WHERE name = $name RETURN options.indexConfig['vector.dimensions'] AS dims`,
    { name: VECTOR_INDEX },
    db,
  );
  let recreated = false;
  const dims = existing.records[0]?.get('dims') as number | undefined;
  if (dims !== undefined && Number(dims) !== dim) {
    await t.driver.executeQuery(`DROP INDEX ${VECTOR_INDEX} IF EXISTS`, {}, db);
    recreated = true;
  }
  await t.driver.executeQuery(
    `CREATE VECTOR INDEX ${VECTOR_INDEX} IF NOT EXISTS FOR (p:Product) ON p.embedding
     OPTIONS {indexConfig: {\`vector.dimensions\`: $dim, \`vector.similarity_function\`: 'cosine'}}`,
    { dim: neo4j.int(dim) },
    db,
  );
  return { removedEmbeddings: Number(removed.records[0]?.get('n') ?? 0), indexRecreated: recreated };
}

/**
 * Writes one batch: each row's embedding, and its SIMILAR set replaced by
 * `neighbours` (rank 1 = most similar). Neighbours are MERGEd as products by
 * code. Returns what was written.
 */
export async function writeSimilarBatch(
  t: GraphTarget,
  backbone: string,
  dim: number,
  rows: readonly SimilarRow[],
): Promise<{ products: number; relationships: number }> {
  checkDim(dim);
  rows.forEach((r, i) => {
    if (!r.code) throw new Error(`invalid rows[${i}].code: empty; expected an article id`);
    if (r.embedding.length !== dim) throw new Error(`invalid rows[${i}].embedding length: ${r.embedding.length}; expected ${dim}`);
  });
  if (rows.length === 0) return { products: 0, relationships: 0 };
  const params = {
    backbone,
    rows: rows.map((r) => ({
      code: r.code,
      embedding: Array.from(r.embedding),
      neighbours: r.neighbours.map((nb, i) => ({ code: nb.code, score: nb.score, rank: neo4j.int(i + 1) })),
    })),
  };
  const res = await t.driver.executeQuery(
    `UNWIND $rows AS row
     MERGE (p:Product {code: row.code})
     WITH p, row
     CALL db.create.setNodeVectorProperty(p, 'embedding', row.embedding)
     SET p.embeddingBackbone = $backbone
     WITH p, row
     CALL { WITH p MATCH (p)-[old:SIMILAR]->() DELETE old }
     WITH p, row
     CALL {
       WITH p, row
       UNWIND row.neighbours AS nb
       MERGE (q:Product {code: nb.code})
       CREATE (p)-[:SIMILAR {score: nb.score, rank: nb.rank}]->(q)
       RETURN count(*) AS rels
     }
     RETURN count(p) AS products, sum(rels) AS relationships`,
    params,
    { database: t.database },
  );
  const rec = res.records[0];
  return { products: Number(rec?.get('products') ?? 0), relationships: Number(rec?.get('relationships') ?? 0) };
}

/** Waits until the vector index is online (it fills in the background). */
export async function awaitVectorIndex(t: GraphTarget, timeoutSeconds = 300): Promise<void> {
  await t.driver.executeQuery(`CALL db.awaitIndex($name, $timeout)`, { name: VECTOR_INDEX, timeout: neo4j.int(timeoutSeconds) }, { database: t.database });
}

/**
 * Recall@k of the vector index against the SIMILAR sets for the products
 * `codes`: the share of each product's exact top-k that the index's
 * approximate top-k (itself left out) also returns, averaged.
 */
export async function vectorIndexRecall(t: GraphTarget, codes: readonly string[], k = 10): Promise<{ recall: number; queries: number }> {
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new Error(`invalid k: ${k}; expected a whole number in 1..100`);
  if (codes.length === 0) return { recall: NaN, queries: 0 };
  await awaitVectorIndex(t);
  const res = await t.driver.executeQuery(
    `UNWIND $codes AS code
     MATCH (p:Product {code: code}) WHERE p.embedding IS NOT NULL
     CALL {
       WITH p
       CALL db.index.vector.queryNodes($index, $k1, p.embedding) YIELD node
       WITH node WHERE node <> p
       RETURN collect(node.code)[0..$k] AS approx
     }
     CALL {
       WITH p
       MATCH (p)-[s:SIMILAR]->(q) WHERE s.rank <= $k
       RETURN collect(q.code) AS exact
     }
     RETURN p.code AS code, size([c IN approx WHERE c IN exact]) AS hits, size(exact) AS n`,
    { codes: [...codes], index: VECTOR_INDEX, k1: neo4j.int(k + 1), k: neo4j.int(k) },
    { database: t.database, routing: neo4j.routing.READ },
  );
  let sum = 0;
  let queries = 0;
  for (const r of res.records) {
    const n = Number(r.get('n'));
    if (n === 0) continue;
    sum += Number(r.get('hits')) / n;
    queries++;
  }
  return { recall: queries ? sum / queries : NaN, queries };
}

/** A product's SIMILAR set, best first (for the gallery and tests). */
export async function similarOf(t: GraphTarget, code: string): Promise<{ code: string; score: number; rank: number }[]> {
  const res = await t.driver.executeQuery(
    `MATCH (:Product {code: $code})-[s:SIMILAR]->(q:Product) RETURN q.code AS code, s.score AS score, s.rank AS rank ORDER BY s.rank`,
    { code },
    { database: t.database, routing: neo4j.routing.READ },
  );
  return res.records.map((r) => ({ code: String(r.get('code')), score: Number(r.get('score')), rank: Number(r.get('rank')) }));
}

/** Counts of products with embeddings and SIMILAR relationships. */
export async function similarStats(t: GraphTarget): Promise<{ embedded: number; similar: number }> {
  const res = await t.driver.executeQuery(
    `CALL { MATCH (p:Product) WHERE p.embedding IS NOT NULL RETURN count(p) AS embedded }
     CALL { MATCH (:Product)-[s:SIMILAR]->(:Product) RETURN count(s) AS similar }
     RETURN embedded, similar`,
    {},
    { database: t.database, routing: neo4j.routing.READ },
  );
  const r = res.records[0];
  return { embedded: Number(r?.get('embedded') ?? 0), similar: Number(r?.get('similar') ?? 0) };
}
