import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDrivers, type Neo4jConfig } from '../../lib/graph/server/driver';
import { graphsFor, readQuery, type Graphs } from '../../lib/graph/server/conn';
import { clearGraph, directPort, graphCounts } from '../../lib/graph/server/load';
import { runLoad } from '../../lib/graph/pipeline';
import { candidateFilter, candidateFilterComposed, candidateFilterCypher, candidateFilterPerCustomer } from '../../lib/graph/server/candidates';
import { coPurchase, coPurchasePerCustomer, coPurchaseReference } from '../../lib/graph/server/copurchase';
import { coPurchaseBulk } from '../../lib/graph/server/copurchase-bulk';
import { customerView, productView } from '../../lib/graph/server/browse';
import { customerGraph } from '../../lib/graph/picture';
import {
  CANDIDATE_REQUESTS, EXPECTED_CANDIDATES, EXPECTED_CO_PURCHASE, FIXTURE_PURCHASES, fixtureInput,
} from './fixtures/graph-fixture';

const servers = inject('neo4j');
const toCfg = (s: { uri: string; user: string; password: string }): Neo4jConfig => ({ ...s, database: 'neo4j' });
const CUSTOMERS = Object.keys(EXPECTED_CO_PURCHASE);

afterAll(() => closeDrivers());

/** The same contract for every mode: the hand-worked answers of the fixture. */
function queryContract(label: string, getGraphs: () => Graphs) {
  it(`${label}: co-purchase (bulk, batched Cypher, per-customer, reference) returns the hand-worked lists`, async () => {
    const graphs = getGraphs();
    const expected = CUSTOMERS.map((customer) => ({ customer, items: EXPECTED_CO_PURCHASE[customer] }));
    expect(coPurchaseReference(FIXTURE_PURCHASES, CUSTOMERS)).toEqual(expected);
    expect(await coPurchase(graphs, CUSTOMERS)).toEqual(expected);
    expect(await coPurchasePerCustomer(graphs, CUSTOMERS)).toEqual(expected);
    expect(await coPurchaseBulk(graphs, CUSTOMERS)).toEqual(expected);
    expect((await coPurchaseBulk(graphs, ['alice', 'nobody', 'alice'], 2)).map((r) => r.items)).toEqual([
      EXPECTED_CO_PURCHASE.alice.slice(0, 2), [], EXPECTED_CO_PURCHASE.alice.slice(0, 2),
    ]);
    // k cuts the list after ranking.
    expect((await coPurchase(graphs, ['alice'], 2))[0].items).toEqual(EXPECTED_CO_PURCHASE.alice.slice(0, 2));
    expect(await coPurchase(graphs, ['nobody'])).toEqual([{ customer: 'nobody', items: [] }]);
  });

  it(`${label}: candidate filter (composed, batched Cypher, per-customer) keeps department AND index matches in order`, async () => {
    const graphs = getGraphs();
    const expected = CANDIDATE_REQUESTS.map((r) => ({ customer: r.customer, kept: EXPECTED_CANDIDATES[r.customer] }));
    expect(await candidateFilter(graphs, CANDIDATE_REQUESTS)).toEqual(expected);
    expect(await candidateFilterComposed(graphs, CANDIDATE_REQUESTS)).toEqual(expected);
    if (!graphs.split) {
      expect(await candidateFilterCypher(graphs, CANDIDATE_REQUESTS)).toEqual(expected);
      expect(await candidateFilterPerCustomer(graphs, CANDIDATE_REQUESTS)).toEqual(expected);
    }
  });

  it(`${label}: browse a customer and a product`, async () => {
    const graphs = getGraphs();
    const alice = await customerView(graphs, 'alice');
    expect(alice).not.toBeNull();
    expect(alice!.age).toBe(31);
    expect(alice!.purchases.map((p) => [p.code, p.t_dat, p.quantity, p.department, p.index])).toEqual([
      ['P04', '2020-09-02', 1, 'Denim', 'Ladieswear'],
      ['P01', '2020-09-01', 2, 'Jersey', 'Ladieswear'],
    ]);
    expect(alice!.departments).toEqual([{ name: 'Jersey', units: 2 }, { name: 'Denim', units: 1 }]);
    expect(alice!.indexes).toEqual([{ name: 'Ladieswear', units: 3 }]);
    expect(alice!.neighbours).toEqual([{ id: 'carol', shared: 2 }, { id: 'bob', shared: 1 }]);
    const picture = customerGraph(alice!);
    expect(picture.nodes.map((n) => n.id).sort()).toEqual(
      ['c:alice', 'c:bob', 'c:carol', 'd:Denim', 'd:Jersey', 'p:P01', 'p:P04'],
    );
    expect(await customerView(graphs, 'nobody')).toBeNull();

    const p01 = await productView(graphs, 'P01');
    expect(p01).toMatchObject({
      code: 'P01', name: 'Tee', department: 'Jersey', index: 'Ladieswear', index_group: 'Ladies',
      product_type: 'T-shirt', product_group: 'Garment', colour: 'Black', product_code: 'P01', buyers: 3, units: 4, similar: [],
    });
    expect(await productView(graphs, 'PXX')).toBeNull();
  });
}

describe('graph queries on one server', () => {
  let graphs: Graphs;
  beforeAll(async () => {
    graphs = graphsFor(toCfg(servers.main));
    await clearGraph(graphs);
    const report = await runLoad(directPort(graphs), fixtureInput('queries'), { batchSize: 4 });
    expect(report.check.mismatches).toEqual([]);
  });
  queryContract('single', () => graphs);
});

describe.skipIf(!servers.products)('graph split across two servers (products on a second Neo4j)', () => {
  let graphs: Graphs;
  beforeAll(async () => {
    graphs = graphsFor(toCfg(servers.main), toCfg(servers.products!));
    expect(graphs.split).toBe(true);
    await clearGraph(graphs);
    const report = await runLoad(directPort(graphs), fixtureInput('split'), { batchSize: 3 });
    expect(report.check.mismatches).toEqual([]);
    expect(await graphCounts(graphs)).toEqual({ customers: 5, products: 8, purchases: 11, units: 12 });
  });

  it('keeps the catalogue on the products server and customers/purchases on main', async () => {
    const [mainCounts] = await readQuery<{ depts: number; customers: number; named: number; stubs: number }>(
      graphs.main,
      `RETURN COLLECT { MATCH (d:Department) RETURN count(d) }[0] AS depts,
              COLLECT { MATCH (c:Customer) RETURN count(c) }[0] AS customers,
              COLLECT { MATCH (p:Product) WHERE p.name IS NOT NULL RETURN count(p) }[0] AS named,
              COLLECT { MATCH (p:Product) RETURN count(p) }[0] AS stubs`,
    );
    expect(mainCounts).toEqual({ depts: 0, customers: 5, named: 0, stubs: 6 }); // P06 and P07 were never bought
    const [prodCounts] = await readQuery<{ depts: number; customers: number; purchases: number }>(
      graphs.products,
      `RETURN COLLECT { MATCH (d:Department) RETURN count(d) }[0] AS depts,
              COLLECT { MATCH (c:Customer) RETURN count(c) }[0] AS customers,
              COLLECT { MATCH ()-[r:PURCHASED]->() RETURN count(r) }[0] AS purchases`,
    );
    expect(prodCounts).toEqual({ depts: 3, customers: 0, purchases: 0 });
  });

  queryContract('split', () => graphs);
});
