#!/usr/bin/env node
// bench/explore: every Explore query (lib/data/explore.ts, the SQL the
// Explore cell runs) on the hm-scale demo, in DuckDB-WASM in headless
// Chromium (tables loaded with the app's CSV loader) against native DuckDB
// (@duckdb/node-api) on the same tables loaded from the same files, run
// alternately. Figure: seconds per query (variant = query id), medians.
// --quick: the 1M-transaction demo.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { alternate, args, report, root, writeResults } from './lib/report.mjs';
import { withBrowserPage } from './lib/browser.mjs';
import { startNativeDuckDb } from './lib/native-duckdb.mjs';

const BENCH = 'explore';
const SIZE = args.quick ? '20000,100000,1000000' : 'hm-scale';
const DATASET = args.quick ? 'demo-1m (seed 1)' : 'demo hm-scale (seed 1)';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = path.join(process.env.BENCH_CACHE ?? '/tmp/atelier-bench', args.quick ? 'quick-seed1' : 'hm-scale-seed1');
const { EXPLORE_QUERIES } = await tsImport('../lib/data/explore.ts', import.meta.url);
const { HM_SCHEMAS, duckdbType } = await tsImport('../lib/data/schema.ts', import.meta.url);

const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/demo-files.ts'), dir, SIZE, '1'], { cwd: root, stdio: 'inherit' });
if (gen.status !== 0) throw new Error('could not generate the benchmark files');

// At hm-scale the transactions' customer_id is an ENUM of the customers' ids (as the Data cell's large-file
// path does): with 64-character strings 31.8M rows exceed DuckDB-WASM's 3.1 GiB. Both sides load it the same way.
const ENUM = !args.quick || process.env.BENCH_ENUM === '1';
const columnsOf = (name, types = {}) => `{${HM_SCHEMAS[name].columns.map((c) => `'${c.name}': '${types[c.name] ?? duckdbType(c.type)}'`).join(', ')}}`;
const txSql = (txFile, customersFile) => [
  `CREATE TYPE customer_key AS ENUM (SELECT customer_id FROM read_csv('${customersFile}', header = true, columns = ${columnsOf('customers')}))`,
  `CREATE TABLE transactions AS SELECT * FROM read_csv('${txFile}', header = true, columns = ${columnsOf('transactions', { customer_id: 'customer_key' })})`,
];
const peer = await startNativeDuckDb();
const sizes = {};
for (const name of Object.keys(HM_SCHEMAS)) {
  if (ENUM && name === 'transactions') {
    for (const st of txSql(path.join(dir, 'transactions.csv'), path.join(dir, 'customers.csv'))) await peer.sql(st);
  } else await peer.sql(`CREATE TABLE ${name} AS SELECT * FROM read_csv('${path.join(dir, `${name}.csv`)}', header = true, columns = ${columnsOf(name)})`);
}

await withBrowserPage({ entry: 'bench/browser/duckdb-load.ts' }, async (page) => {
  await page.waitForFunction(() => window.ready === true);
  const info = await page.evaluate(() => window.init());
  for (const name of Object.keys(HM_SCHEMAS)) {
    await page.locator(`#${name}`).setInputFiles(path.join(dir, `${name}.csv`));
    const r =
      ENUM && name === 'transactions'
        ? await page.evaluate(([sql]) => window.loadSql(sql, { 'tx.csv': 'transactions', 'cust.csv': 'customers' }), [txSql('tx.csv', 'cust.csv')])
        : await page.evaluate(([n]) => window.load(n, 'csv'), [name]);
    sizes[name] = r.rows;
    console.error(`explore: loaded ${name}: ${r.rows.toLocaleString('en-US')} rows in ${r.seconds.toFixed(1)} s`);
  }
  for (const q of EXPLORE_QUERIES) {
    let oursRows = 0;
    let peerRows = 0;
    const m = await alternate({
      runs: RUNS,
      ours: async () => {
        const r = await page.evaluate(([sql]) => window.sql(sql), [q.sql]);
        oursRows = r.rows;
        return r.seconds;
      },
      peer: async () => {
        const r = await peer.sql(q.sql);
        peerRows = r.rows;
        return r.seconds;
      },
    });
    if (oursRows !== peerRows) throw new Error(`${q.id}: ours returned ${oursRows} rows, native ${peerRows}`);
    report({
      bench: BENCH, figure: 'seconds', dataset: DATASET, size: sizes, variant: q.id, ours: m.ours, peer: `@duckdb/node-api (DuckDB ${peer.info.version}, ${peer.info.threads} threads)`,
      peer_value: m.peer, better: 'lower', runs: RUNS, backend: `duckdb-wasm ${info.version} eh, ${info.threads} thread`, note: `${oursRows} result rows`,
    });
  }
});
await peer.close();
writeResults(BENCH);
