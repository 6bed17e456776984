import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { closeDrivers, type Neo4jConfig } from '../../lib/graph/server/driver';
import { graphsFor, readQuery } from '../../lib/graph/server/conn';
import { clearGraph, directPort, graphCounts, writeBatch, MAX_TX_ROWS } from '../../lib/graph/server/load';
import { expectedCounts, runLoad } from '../../lib/graph/pipeline';
import { LOAD_PHASES } from '../../lib/graph/model';
import { startNeo4j } from '../../scripts/neo4j-lib.mjs';
import { fixtureInput } from './fixtures/graph-fixture';
import { buildDataset } from '../../lib/data/build';
import { generateDemoTables } from '../../lib/data/demo';
import { chunkRows, customerRows, productRows } from '../../lib/graph/rows';
import { purchaseColumns } from '../../lib/graph/columns';
import { purchaseBatches, purchaseTable, sliceColumns } from '../../lib/graph/purchases';

const { main } = inject('neo4j');
const cfg: Neo4jConfig = { uri: main.uri, user: main.user, password: main.password, database: 'neo4j' };
const graphs = graphsFor(cfg);
const EXPECTED = { customers: 5, products: 8, purchases: 11, units: 12 };

afterAll(() => closeDrivers());
beforeEach(() => clearGraph(graphs));

/** Everything observable about the loaded graph, for before/after comparisons. */
async function snapshot(g = graphs) {
  return readQuery(
    g.main,
    `MATCH (c:Customer)-[r:PURCHASED]->(p:Product)
     WITH c.id + '>' + p.code + '@' + toString(r.t_dat) + '#' + r.channel + ' x' + r.quantity AS rel ORDER BY rel
     RETURN collect(rel) AS rels, COLLECT { MATCH (n) RETURN count(n) } [0] AS nodes,
            COLLECT { MATCH ()-[x]->() RETURN count(x) } [0] AS relationships`,
  );
}

describe('graph load on a real Neo4j', () => {
  it('loads the fixture; counts match the input', async () => {
    const input = fixtureInput();
    expect(expectedCounts(input)).toEqual(EXPECTED);
    const report = await runLoad(directPort(graphs), input, { batchSize: 3 });
    expect(report.check.mismatches).toEqual([]);
    expect(report.check.ok).toBe(true);
    expect(await graphCounts(graphs)).toEqual(EXPECTED);
    const [alice] = await readQuery<{ q: number; t: string; ch: number; types: string[] }>(
      graphs.main,
      `MATCH (:Customer {id:'alice'})-[r:PURCHASED]->(:Product {code:'P01'})
       RETURN r.quantity AS q, toString(r.t_dat) AS t, r.channel AS ch, [valueType(r.t_dat), valueType(r.channel), valueType(r.quantity), valueType(r.price)] AS types`,
    );
    expect(alice).toEqual({ q: 2, t: '2020-09-01', ch: 2, types: ['DATE NOT NULL', 'INTEGER NOT NULL', 'INTEGER NOT NULL', 'FLOAT NOT NULL'] });
    const [p] = await readQuery<{ d: string; t: string; g: string; ig: string }>(
      graphs.main,
      `MATCH (p:Product {code:'P03'})-[:FROM_DEPARTMENT]->(d), (p)-[:SUBSET_OF]->(t:ProductType)-[:SUBSET_OF]->(g:ProductGroup),
             (p)-[:HAS_INDEX]->(:Index)-[:IN_GROUP]->(ig:IndexGroup)
       RETURN d.name AS d, t.name AS t, g.name AS g, ig.name AS ig`,
    );
    expect(p).toEqual({ d: 'Denim', t: 'Trousers', g: 'Garment', ig: 'Divided' });
  });

  it('a second load changes nothing', async () => {
    const input = fixtureInput();
    await runLoad(directPort(graphs), input, { batchSize: 4 });
    const before = await snapshot();
    // A retried request for a batch the checkpoint has is skipped (the fast path CREATEs).
    const resent = await writeBatch(graphs, input.fingerprint, 'purchases', 0, sliceColumns(input.rows.purchases, 0, 4));
    expect(resent.mode).toBe('skipped');
    expect(await snapshot()).toEqual(before);
    const again = await runLoad(directPort(graphs), input, { batchSize: 4 });
    expect(again.start.complete).toBe(true);
    expect(again.written).toEqual({ products: 0, customers: 0, purchases: 0 });
    expect(await snapshot()).toEqual(before);
    // Even rewriting every batch (a new batch size restarts the checkpoint) changes nothing.
    const rewrite = await runLoad(directPort(graphs), input, { batchSize: 2 });
    expect(rewrite.written.purchases).toBe(11);
    expect(rewrite.check.ok).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it('a cancelled load resumes from its checkpoint to the same final graph', async () => {
    const input = fixtureInput();
    await runLoad(directPort(graphs), input, { batchSize: 2 });
    const reference = await snapshot();
    await clearGraph(graphs);

    const ctl = new AbortController();
    await expect(
      runLoad(directPort(graphs), input, {
        batchSize: 2,
        signal: ctl.signal,
        afterBatch: (phase, i) => { if (phase === 'purchases' && i === 2) ctl.abort(); },
      }),
    ).rejects.toThrow(/cancelled/);
    expect((await graphCounts(graphs)).purchases).toBe(6);
    const resumed = await runLoad(directPort(graphs), input, { batchSize: 2 });
    expect(resumed.start.resume).toEqual({ products: 4, customers: 3, purchases: 3 });
    expect(resumed.written.purchases).toBe(5);
    expect(resumed.check.ok).toBe(true);
    expect(await snapshot()).toEqual(reference);
  });

  it('splits oversized batches into several transactions', async () => {
    const input = fixtureInput('oversized');
    await runLoad(directPort(graphs), { ...input, rows: { ...input.rows, purchases: purchaseColumns([]) } }, { batchSize: 100 });
    const many = Array.from({ length: MAX_TX_ROWS + 5 }, (_, i) => ({
      customer: `bulk-${i}`, product: `P0${(i % 8) + 1}`, t_dat: '2020-01-01', channel: 1, quantity: 1, price: 0.01,
    }));
    const res = await writeBatch(graphs, 'oversized', 'purchases', 0, many);
    expect(res.transactions).toBe(2);
    expect((await graphCounts(graphs)).purchases).toBe(MAX_TX_ROWS + 5);
  });

  it('loads the Data cell artifacts: the whole catalogue hierarchy and the sales channels', async () => {
    const built = buildDataset(generateDemoTables('tiny', 5), { kind: 'demo', name: 'tiny', fingerprint: 'demo-tiny-5' });
    const { interactions, catalog, customers } = built;
    const input = { fingerprint: 'demo-tiny-5', rows: { products: productRows(catalog), customers: customerRows(customers), purchases: purchaseTable(interactions) } };
    const report = await runLoad(directPort(graphs), input, { batchSize: 500 });
    expect(report.check.mismatches).toEqual([]);
    const [h] = await readQuery<Record<string, number>>(
      graphs.main,
      `MATCH (p:Product)
       RETURN count(p) AS products,
              sum(count { (p)-[:FROM_DEPARTMENT]->(:Department) }) AS departments, sum(count { (p)-[:HAS_INDEX]->(:Index)-[:IN_GROUP]->(:IndexGroup) }) AS indexes,
              sum(count { (p)-[:SUBSET_OF]->(:ProductType)-[:SUBSET_OF]->(:ProductGroup) }) AS types, sum(count { (p)-[:IN_SECTION]->(:Section) }) AS sections,
              sum(count { (p)-[:IN_GARMENT_GROUP]->(:GarmentGroup) }) AS garmentGroups, sum(count { (p)-[:HAS_COLOUR]->(:Colour) }) AS colours`,
    );
    // Every product sits in every level of the hierarchy (the demo, like H&M, has no missing attribute).
    const n = catalog.keys.length;
    expect(h).toEqual({ products: n, departments: n, indexes: n, types: n, sections: n, garmentGroups: n, colours: n });
    const [s] = await readQuery<{ sections: number; garmentGroups: number }>(
      graphs.main,
      'RETURN COUNT { MATCH (s:Section) WHERE s.name IS NOT NULL } AS sections, COUNT { MATCH (g:GarmentGroup) WHERE g.name IS NOT NULL } AS garmentGroups',
    );
    expect(s.sections).toBe(new Set(catalog.section).size);
    expect(s.garmentGroups).toBe(new Set(catalog.garmentGroup).size);
    // Channels come from sales_channel_id; units per channel match the transactions.
    const units = await readQuery<{ channel: number; units: number }>(
      graphs.main,
      'MATCH ()-[r:PURCHASED]->() RETURN r.channel AS channel, sum(r.quantity) AS units ORDER BY channel',
    );
    const want = [1, 2].map((c) => ({ channel: c, units: interactions.channel!.filter((x) => x === c).length }));
    expect(units).toEqual(want);
  });

  it('batches sent out of order by concurrent senders: every relationship written once, none lost', async () => {
    const built = buildDataset(generateDemoTables('tiny', 11), { kind: 'demo', name: 'tiny', fingerprint: 'demo-tiny-11' });
    const input = { fingerprint: 'out-of-order', rows: { products: productRows(built.catalog), customers: customerRows(built.customers), purchases: purchaseTable(built.interactions) } };
    const BATCH = 40;
    const reference = await runLoad(directPort(graphs), input, { batchSize: BATCH });
    expect(reference.check.ok).toBe(true);
    const want = await snapshot();
    await clearGraph(graphs);

    // Six senders (tabs, retries, a sender with batches in flight) each send every batch of every phase,
    // each in its own shuffled order, all at once; a seeded shuffle so a failure reproduces.
    const port = directPort(graphs);
    const plan = { fingerprint: input.fingerprint, batchSize: BATCH, batches: { products: 0, customers: 0, purchases: 0 } };
    const wire = {
      products: chunkRows(input.rows.products, BATCH),
      customers: chunkRows(input.rows.customers, BATCH),
      purchases: purchaseBatches(input.rows.purchases, BATCH).map(([a, b]) => sliceColumns(input.rows.purchases, a, b)),
    };
    for (const phase of LOAD_PHASES) plan.batches[phase] = wire[phase].length;
    expect(plan.batches.purchases).toBeGreaterThan(20);
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const shuffled = (n: number) => {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      return order;
    };
    const begun = await port.begin(plan, 'always');
    expect(begun.resume).toEqual({ products: 0, customers: 0, purchases: 0 });
    const modes: string[] = [];
    const sender = async (only?: (i: number) => boolean) => {
      for (const phase of LOAD_PHASES) {
        for (const i of shuffled(wire[phase].length)) {
          if (only && !only(i)) continue;
          const r = await writeBatch(graphs, input.fingerprint, phase, i, wire[phase][i]);
          if (phase === 'purchases') modes.push(r.mode);
        }
      }
    };

    // First a partial, out-of-order load that stops (a failure): only odd batches, in shuffled order.
    await Promise.all([sender((i) => i % 2 === 1), sender((i) => i % 2 === 1)]);
    const partial = await graphCounts(graphs);
    const odd = wire.purchases.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b.customer.length, 0);
    expect(partial.purchases).toBe(odd);
    // The resume point is the first unwritten batch, never past one that is still missing.
    const resumed = await port.begin(plan, 'auto');
    expect(resumed.resume).toEqual({ products: 0, customers: 0, purchases: 0 });
    expect(resumed.cleared).toBe(false);

    // Then every sender sends everything, out of order and concurrently.
    await Promise.all(Array.from({ length: 6 }, () => sender()));
    const check = await port.finish(input.fingerprint, expectedCounts(input));
    expect(check.mismatches).toEqual([]);
    expect(await snapshot()).toEqual(want);
    const [{ dup }] = await readQuery<{ dup: number }>(
      graphs.main,
      `MATCH (c:Customer)-[r:PURCHASED]->(p:Product)
       WITH c, p, r.t_dat AS d, r.channel AS ch, count(*) AS k WHERE k > 1 RETURN count(*) AS dup`,
    );
    expect(dup).toBe(0);
    // Each batch was written by exactly one sender (the fast CREATE path), the rest skipped it.
    expect(modes.filter((m) => m !== 'skipped').length).toBe(plan.batches.purchases);
    expect(modes.filter((m) => m === 'create').length).toBe(plan.batches.purchases);

    // The checkpoint now records every batch: a new begin resumes past the end and writes nothing.
    const after = await runLoad(port, input, { batchSize: BATCH });
    expect(after.start.resume).toEqual(plan.batches);
    expect(after.written).toEqual({ products: 0, customers: 0, purchases: 0 });
    expect(await snapshot()).toEqual(want);
  });

  it('replaces the graph of another dataset', async () => {
    await runLoad(directPort(graphs), fixtureInput('dataset-a'), { batchSize: 5 });
    const other = fixtureInput('dataset-b');
    const smaller = { ...other, rows: { ...other.rows, purchases: sliceColumns(other.rows.purchases, 0, 3) } };
    const report = await runLoad(directPort(graphs), smaller, { batchSize: 5 });
    expect(report.start.cleared).toBe(true);
    expect(report.check.ok).toBe(true);
    expect((await graphCounts(graphs)).purchases).toBe(3);
  });
});

describe('a load interrupted by Neo4j going down', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-neo4j-crash-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('fails with a clear error, then resumes after a restart without duplicates or losses', async () => {
    const password = 'crash-test-password';
    let server = await startNeo4j({ dataDir, heap: '384m', pagecache: '32m', password, fastStartup: true });
    try {
      const own = graphsFor({ uri: server.uri, user: 'neo4j', password, database: 'neo4j' });
      const input = fixtureInput('crash');
      let killed = false;
      const err = await runLoad(directPort(own), input, {
        batchSize: 2,
        afterBatch: async (phase, i) => {
          if (phase === 'purchases' && i === 1 && !killed) {
            killed = true;
            process.kill(server.pid, 'SIGKILL'); // a crash, not a clean stop
            await server.exited;
          }
        },
      }).then(() => null, (e: unknown) => e);
      expect(killed).toBe(true);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/connect|unavailable|closed|ECONNREFUSED|ECONNRESET/i);

      await closeDrivers();
      server = await startNeo4j({ dataDir, port: server.port, heap: '384m', pagecache: '32m', password, fastStartup: true });
      const again = graphsFor({ uri: server.uri, user: 'neo4j', password, database: 'neo4j' });
      const resumed = await runLoad(directPort(again), input, { batchSize: 2 });
      expect(resumed.start.resume.purchases).toBe(2);
      expect(resumed.check.mismatches).toEqual([]);
      expect(await graphCounts(again)).toEqual(EXPECTED);
    } finally {
      await closeDrivers();
      await server.stop();
    }
  });
});
