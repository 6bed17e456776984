#!/usr/bin/env node
// bench/graph-load: PURCHASED relationships per second written into a real embedded Neo4j
// (started here on a free port with a temporary data dir) by our loader (lib/graph/server/load: batches of
// 10,000 folded rows sent as columns with per-batch node dictionaries, CREATE in explicit
// transactions with checkpoints) against the seeds'
// loop (one auto-commit MERGE per transaction row), in the same run, alternating, medians.
// Datasets: the `small` demo (50k transactions) and a 1M-transaction slice of the `hm-scale` demo
// (--quick: small only). Products and customers are loaded once; each timed run starts from a graph
// without PURCHASED relationships. The seeds' loop is timed on the first PEER_ROWS rows of the same
// input (it is too slow for all of them); its figure is a rate, so the prefix is stated in `note`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { alternate, args, report, writeResults } from './lib/report.mjs';
import { startNeo4j } from '../scripts/neo4j-lib.mjs';

// TypeScript sources need tsx: re-run this file under `node --import tsx`; the react-server condition
// resolves the server-only guard of lib/graph/server to its empty server build.
if (!process.env.ATELIER_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=react-server', new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, ATELIER_BENCH_TSX: '1' },
  });
  process.exit(r.status ?? 1);
}
const { demoInput } = await import('./node/graph-demo.ts');
const { graphsFor, autoCommit, writeQuery } = await import('../lib/graph/server/conn.ts');
const { closeDrivers } = await import('../lib/graph/server/driver.ts');
const { beginLoad, writeBatch, finishLoad } = await import('../lib/graph/server/load.ts');
const { chunkRows } = await import('../lib/graph/rows.ts');
const { purchaseBatches, sliceColumns, tableLength } = await import('../lib/graph/purchases.ts');

const BENCH = 'graph-load';
const BATCH = 10_000;
const PEER_ROWS = args.quick ? 1000 : 3000;
const RUNS = 3;

async function removePurchases(graphs) {
  await autoCommit(graphs.main, 'MATCH ()-[r:PURCHASED]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS');
}

async function benchDataset(graphs, name, preset, limit) {
  const t0 = performance.now();
  const input = demoInput(preset, limit, PEER_ROWS);
  console.error(`[${BENCH}] ${name}: ${input.transactions} transactions -> ${tableLength(input.purchases)} PURCHASED rows, ${input.customers.length} customers, ${input.products.length} products (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const fingerprint = `bench-${name}`;
  const batches = { products: chunkRows(input.products, BATCH), customers: chunkRows(input.customers, BATCH), purchases: purchaseBatches(input.purchases, BATCH) };
  await beginLoad(graphs, { fingerprint, batchSize: BATCH, batches: { products: batches.products.length, customers: batches.customers.length, purchases: batches.purchases.length } }, { replace: 'always' });
  const t1 = performance.now();
  for (const phase of ['products', 'customers']) {
    for (let i = 0; i < batches[phase].length; i++) await writeBatch(graphs, fingerprint, phase, i, batches[phase][i]);
  }
  console.error(`[${BENCH}] ${name}: products and customers loaded in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

  const ours = async (warm) => {
    await removePurchases(graphs);
    await writeQuery(graphs.main, 'MATCH (l:AtelierLoad) SET l.purchases_next = 0');
    const t = performance.now();
    for (let i = 0; i < batches.purchases.length; i++) await writeBatch(graphs, fingerprint, 'purchases', i, sliceColumns(input.purchases, ...batches.purchases[i]));
    const s = (performance.now() - t) / 1000;
    const rate = tableLength(input.purchases) / s;
    console.error(`[${BENCH}] ${name}: ours${warm ? ' (warm-up)' : ''} ${tableLength(input.purchases)} rels in ${s.toFixed(1)} s = ${Math.round(rate)}/s`);
    return rate;
  };
  const peer = async (warm) => {
    await removePurchases(graphs);
    const t = performance.now();
    for (const r of input.raw) {
      await writeQuery(
        graphs.main,
        `MATCH (c:Customer {id: $customer}), (p:Product {code: $product})
         MERGE (c)-[:PURCHASED {t_dat: date($t_dat), price: $price, channel: $channel}]->(p)`,
        r,
      );
    }
    const s = (performance.now() - t) / 1000;
    const rate = input.raw.length / s;
    console.error(`[${BENCH}] ${name}: seeds' loop${warm ? ' (warm-up)' : ''} ${input.raw.length} rows in ${s.toFixed(1)} s = ${Math.round(rate)}/s`);
    return rate;
  };
  const res = await alternate({ ours, peer, runs: RUNS, warmup: 1 });
  // Leave the graph complete and checked, as a real load would.
  await ours(true);
  let units = 0;
  for (let i = 0; i < tableLength(input.purchases); i++) units += input.purchases.quantity[i];
  const check = await finishLoad(graphs, fingerprint, { customers: input.customers.length, products: input.products.length, purchases: tableLength(input.purchases), units });
  if (!check.ok) throw new Error(`${name}: counts differ after the load: ${check.mismatches.join('; ')}`);
  report({
    bench: BENCH, figure: 'relationships_per_second', dataset: name,
    size: { transactions: input.transactions, relationships: tableLength(input.purchases), customers: input.customers.length, products: input.products.length },
    ours: res.ours, peer: "seeds' loop: one auto-commit MERGE per transaction row (neo4j-driver 6, same server)", peer_value: res.peer, better: 'higher',
    backend: 'neo4j-5.26-embedded', variant: `columns, batches of ${BATCH}, CREATE fast path`, runs: RUNS,
    note: `peer timed on the first ${input.raw.length} transaction rows; ours on all ${tableLength(input.purchases)} folded relationships; products and customers preloaded`,
  });
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-graph-'));
const server = await startNeo4j({ dataDir, heap: '1g', pagecache: '512m', password: 'bench-graph-load' });
try {
  const graphs = graphsFor({ uri: server.uri, user: server.user, password: server.password, database: 'neo4j' });
  await benchDataset(graphs, 'demo-small', 'small', Infinity);
  if (!args.quick) await benchDataset(graphs, 'hm-scale-1m', 'hm-scale', 1_000_000);
  writeResults(BENCH);
} finally {
  await closeDrivers();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
