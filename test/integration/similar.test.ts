import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bruteForceTopK } from '../../lib/embed/knn';
import { closeDrivers, getDriver } from '../../lib/graph/server/driver';
import { prepareSimilar, similarOf, similarStats, vectorIndexRecall, writeSimilarBatch, type GraphTarget, type SimilarRow } from '../../lib/graph/server/similar';
import { uniformArray } from '../../lib/util/random';

const { main } = inject('neo4j');
let t: GraphTarget;

/** 60 seeded 8-d vectors in 6 clusters, their exact top-10 as SIMILAR rows. */
function rowsFor(seed: number, n = 60, d = 8, k = 10): SimilarRow[] {
  const centres = uniformArray(6 * d, seed, -1, 1);
  const noise = uniformArray(n * d, seed + 1, -0.2, 0.2);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = centres[(i % 6) * d + j] + noise[i * d + j];
  const knn = bruteForceTopK({ data, n, d }, { k });
  const code = (i: number) => `sim-${String(i).padStart(4, '0')}`;
  return Array.from({ length: n }, (_, i) => ({
    code: code(i),
    embedding: Array.from(data.subarray(i * d, (i + 1) * d)),
    neighbours: Array.from({ length: k }, (_, r) => ({ code: code(knn.indices[i * k + r]), score: knn.scores[i * k + r] })),
  }));
}

beforeAll(async () => {
  t = { driver: getDriver({ uri: main.uri, user: main.user, password: main.password, database: 'neo4j' }), database: 'neo4j' };
  await t.driver.executeQuery(`MATCH (p:Product) WHERE p.code STARTS WITH 'sim-' DETACH DELETE p`, {}, { database: t.database });
});
afterAll(async () => {
  await t.driver.executeQuery(`MATCH (p:Product) WHERE p.code STARTS WITH 'sim-' DETACH DELETE p`, {}, { database: t.database });
  await closeDrivers();
});

describe('SIMILAR relationships and the vector index (real Neo4j)', () => {
  it('writes embeddings and top-10 SIMILAR in batches, idempotently, and the index agrees with the exact result', async () => {
    const rows = rowsFor(11);
    await prepareSimilar(t, 'test-backbone', 8);
    const write = async () => {
      let rels = 0;
      for (let i = 0; i < rows.length; i += 25) rels += (await writeSimilarBatch(t, 'test-backbone', 8, rows.slice(i, i + 25))).relationships;
      return rels;
    };
    expect(await write()).toBe(600);
    const first = await similarStats(t);
    expect(first).toEqual({ embedded: 60, similar: 600 });
    const got = await similarOf(t, 'sim-0000');
    expect(got.map((g) => g.code)).toEqual(rows[0].neighbours.map((n) => n.code));
    expect(got[0].score).toBeCloseTo(rows[0].neighbours[0].score, 5);
    expect(got.map((g) => g.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // Running again changes nothing.
    await prepareSimilar(t, 'test-backbone', 8);
    await write();
    expect(await similarStats(t)).toEqual(first);

    const { recall, queries } = await vectorIndexRecall(t, rows.map((r) => r.code), 10);
    expect(queries).toBe(60);
    expect(recall).toBeGreaterThan(0.9);
    console.log(`vector index recall@10 on 60 clustered 8-d vectors: ${recall.toFixed(3)}`);
  });

  it("replaces a product's previous SIMILAR set, and a new backbone clears the old space", async () => {
    const rows = rowsFor(11);
    const changed: SimilarRow = { ...rows[0], neighbours: rows[0].neighbours.slice(0, 3).reverse() };
    await writeSimilarBatch(t, 'test-backbone', 8, [changed]);
    expect((await similarOf(t, 'sim-0000')).map((g) => g.code)).toEqual(changed.neighbours.map((n) => n.code));
    expect((await similarStats(t)).similar).toBe(600 - 7);

    const other = rowsFor(12, 60, 4);
    const prep = await prepareSimilar(t, 'other-backbone', 4);
    expect(prep.removedEmbeddings).toBe(60);
    expect(prep.indexRecreated).toBe(true);
    expect(await similarStats(t)).toEqual({ embedded: 0, similar: 0 });
    await writeSimilarBatch(t, 'other-backbone', 4, other);
    expect((await similarStats(t)).similar).toBe(600);
  });

  it('rejects rows whose embedding has the wrong width, naming the row', async () => {
    await expect(writeSimilarBatch(t, 'x', 8, [{ code: 'sim-9999', embedding: [1, 2], neighbours: [] }])).rejects.toThrow(
      /invalid rows\[0\].embedding length: 2; expected 8/,
    );
  });
});
