/**
 * Seed 001's neighbour step with Neo4j Graph Data Science, when the server
 * has the plugin (server-only): detection, `gds.knn.write` with the seed's
 * parameters (topK 10, randomSeed 42, concurrency 1) over `Product.embedding`,
 * written as `SIMILAR_GDS {score}` beside the exact `SIMILAR`, and its recall
 * against the exact top-k. The embedded Neo4j has no GDS (its plugin jar is
 * not published on Maven Central), so the exact top-k plus the vector index is
 * the documented replacement; nothing here fails when GDS is absent.
 */
import 'server-only';
import neo4j from 'neo4j-driver';
import type { GraphTarget } from './similar';

/** Seed 001's `gds.knn.write` parameters. */
export const SEED_KNN = { topK: 10, randomSeed: 42, concurrency: 1 } as const;
const GRAPH = 'atelier-similar-knn';

/** Whether the server offers `gds.knn.write`, with the GDS version when it does, or why not. */
export async function detectGds(t: GraphTarget): Promise<{ available: boolean; version: string | null; reason: string | null }> {
  try {
    const res = await t.driver.executeQuery(
      `SHOW PROCEDURES YIELD name WHERE name IN ['gds.knn.write', 'gds.graph.drop'] RETURN count(name) AS n`,
      {},
      { database: t.database, routing: neo4j.routing.READ },
    );
    if (Number(res.records[0]?.get('n') ?? 0) < 2) return { available: false, version: null, reason: 'the server has no Graph Data Science plugin (no gds.knn.write procedure)' };
    const v = await t.driver.executeQuery('RETURN gds.version() AS v', {}, { database: t.database, routing: neo4j.routing.READ });
    return { available: true, version: String(v.records[0]?.get('v')), reason: null };
  } catch (e) {
    return { available: false, version: null, reason: `GDS could not be detected: ${(e as Error).message}` };
  }
}

/**
 * Runs `gds.knn.write` over the products' embeddings with seed 001's
 * parameters (k ≤ 10 by default), replacing earlier `SIMILAR_GDS`
 * relationships, and returns its recall@k against the exact `SIMILAR` sets.
 */
export async function gdsKnnRecall(t: GraphTarget, k: number = SEED_KNN.topK): Promise<{ relationships: number; recall: number; queries: number; seconds: number }> {
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new Error(`invalid k: ${k}; expected a whole number in 1..100`);
  const db = { database: t.database };
  const t0 = performance.now();
  await t.driver.executeQuery(`MATCH (:Product)-[r:SIMILAR_GDS]->() DELETE r`, {}, db);
  await t.driver.executeQuery(`CALL gds.graph.drop($g, false) YIELD graphName RETURN graphName`, { g: GRAPH }, db);
  await t.driver.executeQuery(
    `MATCH (p:Product) WHERE p.embedding IS NOT NULL
     WITH gds.graph.project($g, p, null, {sourceNodeProperties: p {.embedding}, targetNodeProperties: {}}) AS g
     RETURN g.nodeCount AS n`,
    { g: GRAPH },
    db,
  );
  try {
    const w = await t.driver.executeQuery(
      `CALL gds.knn.write($g, {nodeProperties: ['embedding'], topK: $k, randomSeed: $seed, concurrency: $c,
         writeRelationshipType: 'SIMILAR_GDS', writeProperty: 'score'})
       YIELD relationshipsWritten RETURN relationshipsWritten`,
      { g: GRAPH, k: neo4j.int(k), seed: neo4j.int(SEED_KNN.randomSeed), c: neo4j.int(SEED_KNN.concurrency) },
      db,
    );
    const r = await t.driver.executeQuery(
      `MATCH (p:Product)-[:SIMILAR_GDS]->(q) WITH p, collect(q) AS approx
       MATCH (p)-[s:SIMILAR]->(e) WHERE s.rank <= $k WITH p, approx, collect(e) AS exact
       RETURN avg(toFloat(size([x IN approx WHERE x IN exact])) / size(exact)) AS recall, count(p) AS n`,
      { k: neo4j.int(k) },
      { ...db, routing: neo4j.routing.READ },
    );
    return {
      relationships: Number(w.records[0]?.get('relationshipsWritten') ?? 0),
      recall: Number(r.records[0]?.get('recall') ?? NaN),
      queries: Number(r.records[0]?.get('n') ?? 0),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await t.driver.executeQuery(`CALL gds.graph.drop($g, false) YIELD graphName RETURN graphName`, { g: GRAPH }, db);
  }
}
