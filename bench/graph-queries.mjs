#!/usr/bin/env node
// bench/graph-queries: customers per second for the two graph queries the hybrid recommender runs
// for every customer, batched (`UNWIND $customers`, lib/graph/server/copurchase + candidates) against the
// seeds' loop (one query per customer), on a real embedded Neo4j started here. Co-purchase: ours is
// the app's path (one batched query for the two-hop baskets, scored on the server with typed arrays,
// lib/graph/server/copurchase-bulk); the loop runs the all-Cypher query per customer. Candidate filter: ours
// is the app's path (two batched queries joined on the server, lib/graph/server/candidates); the loop runs
// the all-Cypher filter per customer.
// Dataset: a seeded demo with 10,000 customers (--quick: the `small` demo, 2,000 customers), loaded
// with lib/graph/server/load. Candidates per customer: the 50 most-bought products. Ours runs over all
// customers; the seeds' loop over the first PEER_CUSTOMERS (a rate; stated in `note`). Both return
// the same lists (checked on the peer's customers before timing).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { alternate, args, report, writeResults } from './lib/report.mjs';
import { startNeo4j } from '../scripts/neo4j-lib.mjs';

// TypeScript sources need tsx: re-run this file under `node --import tsx`; the react-server condition
// resolves lib/graph/server's 'server-only' guard to its empty server build.
if (!process.env.ATELIER_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=react-server', new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, ATELIER_BENCH_TSX: '1' },
  });
  process.exit(r.status ?? 1);
}

const { demoInput } = await import('./node/graph-demo.ts');
const { graphsFor } = await import('../lib/graph/server/conn.ts');
const { closeDrivers } = await import('../lib/graph/server/driver.ts');
const { directPort } = await import('../lib/graph/server/load.ts');
const { runLoad } = await import('../lib/graph/pipeline.ts');
const { tableLength } = await import('../lib/graph/purchases.ts');
const { coPurchasePerCustomer } = await import('../lib/graph/server/copurchase.ts');
const { coPurchaseBulk } = await import('../lib/graph/server/copurchase-bulk.ts');
const { candidateFilter, candidateFilterPerCustomer } = await import('../lib/graph/server/candidates.ts');

const BENCH = 'graph-queries';
const RUNS = 3;
const PEER_CUSTOMERS = args.quick ? 100 : 200;
const SIZES = args.quick ? 'small' : { articles: 10_000, customers: 10_000, transactions: 200_000 };
const DATASET = args.quick ? 'demo-small' : 'demo-10k-customers';
const CANDIDATES = 50;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-graphq-'));
const server = await startNeo4j({ dataDir, heap: '1g', pagecache: '512m', password: 'bench-graph-queries' });
try {
  const graphs = graphsFor({ uri: server.uri, user: server.user, password: server.password, database: 'neo4j' });
  const input = demoInput(SIZES, Infinity);
  const t0 = performance.now();
  const load = await runLoad(directPort(graphs), { fingerprint: `bench-${DATASET}`, rows: input }, { batchSize: 5000, replace: 'always' });
  if (!load.check.ok) throw new Error(`load failed: ${load.check.mismatches.join('; ')}`);
  console.error(`[${BENCH}] ${DATASET}: loaded ${tableLength(input.purchases)} PURCHASED for ${input.customers.length} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const customers = input.customers.map((c) => c.id);
  const peerCustomers = customers.slice(0, PEER_CUSTOMERS);
  const units = new Map();
  const t = input.purchases;
  for (let i = 0; i < tableLength(t); i++) units.set(t.products[t.product[i]], (units.get(t.products[t.product[i]]) ?? 0) + t.quantity[i]);
  const popular = [...units.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, CANDIDATES).map(([code]) => code);
  const requests = customers.map((customer) => ({ customer, candidates: popular }));
  const peerRequests = requests.slice(0, PEER_CUSTOMERS);

  // Same answers before timing.
  if (!isDeepStrictEqual(await coPurchaseBulk(graphs, peerCustomers), await coPurchasePerCustomer(graphs, peerCustomers))) {
    throw new Error('co-purchase: batched and per-customer results differ');
  }
  if (!isDeepStrictEqual(await candidateFilter(graphs, peerRequests), await candidateFilterPerCustomer(graphs, peerRequests))) {
    throw new Error('candidate filter: batched and per-customer results differ');
  }

  const rate = (label, n, fn) => async (warm) => {
    const t = performance.now();
    await fn();
    const s = (performance.now() - t) / 1000;
    console.error(`[${BENCH}] ${label}${warm ? ' (warm-up)' : ''}: ${n} customers in ${s.toFixed(2)} s = ${Math.round(n / s)}/s`);
    return n / s;
  };
  const figures = [
    { variant: 'co-purchase top-12 (bulk fetch + server scoring)', ours: () => coPurchaseBulk(graphs, customers), peer: () => coPurchasePerCustomer(graphs, peerCustomers) },
    { variant: `candidate filter (${CANDIDATES} candidates)`, ours: () => candidateFilter(graphs, requests), peer: () => candidateFilterPerCustomer(graphs, peerRequests) },
  ];
  for (const f of figures) {
    const res = await alternate({
      ours: rate(`${f.variant} batched`, customers.length, f.ours),
      peer: rate(`${f.variant} per-customer loop`, peerCustomers.length, f.peer),
      runs: RUNS,
      warmup: 1,
    });
    report({
      bench: BENCH, figure: 'customers_per_second', dataset: DATASET,
      size: { customers: customers.length, products: input.products.length, relationships: tableLength(input.purchases) },
      ours: res.ours, peer: "seeds' loop: the same Cypher, one query per customer (neo4j-driver 6, same server)", peer_value: res.peer,
      better: 'higher', backend: 'neo4j-5.26-embedded', variant: f.variant, runs: RUNS,
      note: `ours over all ${customers.length} customers in chunks; peer over the first ${peerCustomers.length}`,
    });
  }
  writeResults(BENCH);
} finally {
  await closeDrivers();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
