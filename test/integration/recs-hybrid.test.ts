/**
 * The hybrid recommender with its filter and co-purchase answered by a real
 * Neo4j (lib/graph's batched Cypher, through lib/recs/graph-ports) gives the
 * same lists as the in-memory functions: the hand-worked lists of
 * lib/recs/recs.test.ts on the same fixture.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CustomerTable } from '../../lib/data/dataset';
import { subsetRows } from '../../lib/data/interactions';
import { candidateFilter } from '../../lib/graph/server/candidates';
import { graphsFor, type Graphs } from '../../lib/graph/server/conn';
import { coPurchase } from '../../lib/graph/server/copurchase';
import { closeDrivers } from '../../lib/graph/server/driver';
import { clearGraph, directPort } from '../../lib/graph/server/load';
import { runLoad } from '../../lib/graph/pipeline';
import { customerRows, productRows } from '../../lib/graph/rows';
import { purchaseTable } from '../../lib/graph/purchases';
import { crossChecked, graphPorts, historyBefore, hybridRecommend, memoryPorts, popularBefore, type CandidateRanker, type GraphQueries } from '../../lib/recs';
import { fixtureCatalog, fixtureLog, fixtureModel, fixtureNeighbours } from '../../lib/recs/fixture';

const servers = inject('neo4j');
afterAll(() => closeDrivers());

describe('hybrid recommendations with Neo4j answering the filter and co-purchase', () => {
  const log = fixtureLog();
  const catalog = fixtureCatalog();
  // The graph holds the history only (days before 10), as the lists are made as of day 10.
  const before = subsetRows(log, Uint8Array.from(log.day, (d) => (d < 10 ? 1 : 0)));
  const customers: CustomerTable = { keys: log.userKeys, age: new Float32Array(4).fill(NaN), clubMemberStatus: [null, null, null, null], fashionNewsFrequency: [null, null, null, null] };
  let graphs: Graphs;

  beforeAll(async () => {
    graphs = graphsFor({ ...servers.main, database: 'neo4j' });
    await clearGraph(graphs);
    const load = await runLoad(directPort(graphs), { fingerprint: 'recs-fixture', rows: { products: productRows(catalog), customers: customerRows(customers), purchases: purchaseTable(before) } }, { batchSize: 4 });
    expect(load.check.ok).toBe(true);
  });

  it('gives the hand-worked lists, and agrees with the in-memory functions on every customer', async () => {
    const history = historyBefore(log, 10);
    const model = fixtureModel();
    const ranker: CandidateRanker = (u, c) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null);
    const queries: GraphQueries = {
      name: 'Neo4j (direct)',
      candidates: (rows) => candidateFilter(graphs, rows),
      coPurchase: (cs, k) => coPurchase(graphs, cs, k),
    };
    const ports = crossChecked(graphPorts(log.userKeys, log.itemKeys, queries), memoryPorts(history, catalog, log.itemKeys));
    const { lists } = await hybridRecommend({
      users: [0, 1, 2, 3], history, neighbours: fixtureNeighbours(), ranker, popular: popularBefore(log, 10, 7, 12), ports, k: 4, batchSize: 3,
    });
    expect(lists.map((l) => l.items)).toEqual([[5, 1, 7, 4], [3, 4], [3, 1, 5, 2], [0, 1, 4, 5]]);
    expect(lists[0].sources).toEqual(['similar', 'similar', 'similar', 'copurchase']);
    expect(ports.agreement()).toEqual({ filter: [3, 3], coPurchase: [3, 3] });
  });
});
