import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bruteForceTopK } from '../../lib/embed/knn';
import { closeDrivers, getDriver } from '../../lib/graph/server/driver';
import { detectGds, gdsKnnRecall } from '../../lib/graph/server/gds';
import { prepareSimilar, writeSimilarBatch, type GraphTarget } from '../../lib/graph/server/similar';
import { uniformArray } from '../../lib/util/random';

/**
 * Seed 001's GDS KNN step against the real Neo4j of the test setup. The
 * embedded server has no GDS: detection must say so (with the reason) and
 * never throw. Where a server with GDS is given (NEO4J_GDS_URI), gds.knn.write
 * with the seed's parameters must agree with the exact top-10.
 */
const { main } = inject('neo4j');
let t: GraphTarget;

beforeAll(() => {
  t = { driver: getDriver({ uri: main.uri, user: main.user, password: main.password, database: 'neo4j' }), database: 'neo4j' };
});
afterAll(async () => {
  await t.driver.executeQuery(`MATCH (p:Product) WHERE p.code STARTS WITH 'gds-' DETACH DELETE p`, {}, { database: t.database });
  await closeDrivers();
});

describe('GDS KNN (seed 001) where the server has GDS', () => {
  it('detects that the embedded Neo4j has no GDS, saying why, without failing', async () => {
    const g = await detectGds(t);
    expect(g.available).toBe(false);
    expect(g.version).toBeNull();
    expect(g.reason).toMatch(/no Graph Data Science plugin \(no gds.knn.write procedure\)/);
  });

  it.skipIf(!process.env.NEO4J_GDS_URI)(`gds.knn.write agrees with the exact top-10 (needs NEO4J_GDS_URI: a server with GDS${process.env.NEO4J_GDS_URI ? '' : '; none here'})`, async () => {
    const g = { driver: getDriver({ uri: process.env.NEO4J_GDS_URI!, user: process.env.NEO4J_GDS_USER ?? 'neo4j', password: process.env.NEO4J_GDS_PASSWORD ?? '', database: 'neo4j' }), database: 'neo4j' };
    expect((await detectGds(g)).available).toBe(true);
    const n = 60;
    const d = 8;
    const data = uniformArray(n * d, 5, -1, 1);
    const knn = bruteForceTopK({ data, n, d }, { k: 10 });
    const code = (i: number) => `gds-${i}`;
    await prepareSimilar(g, 'gds-test', d);
    await writeSimilarBatch(g, 'gds-test', d, Array.from({ length: n }, (_, i) => ({
      code: code(i),
      embedding: Array.from(data.subarray(i * d, (i + 1) * d)),
      neighbours: Array.from({ length: 10 }, (_, r) => ({ code: code(knn.indices[i * 10 + r]), score: knn.scores[i * 10 + r] })),
    })));
    const r = await gdsKnnRecall(g, 10);
    expect(r.queries).toBe(n);
    expect(r.recall).toBeGreaterThan(0.9);
  });
});
