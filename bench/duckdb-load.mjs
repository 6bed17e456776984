#!/usr/bin/env node
// bench/duckdb-load: loading the hm-scale demo transactions (31,788,324 rows,
// generated with seed 1 and written as CSV and Parquet) into DuckDB-WASM in
// headless Chromium with the app's own loaders, against native DuckDB
// (@duckdb/node-api) reading the same file in the same run.
// Ours: CSV = the file registered as a browser file handle and read by
// DuckDB-WASM's read_csv (eh bundle, 1 thread); Parquet = parquet-wasm row
// group by row group in the app's Parquet worker, checked on the Arrow
// buffers and handed to DuckDB as Arrow IPC (DuckDB-WASM cannot load its
// Parquet extension offline). The -enum variants type customer_id as an ENUM
// of the customers file's ids (what lets hm-scale fit DuckDB-WASM's 3.1 GiB).
// Peer: read_csv / read_parquet in native DuckDB with its default threads.
// Figures: rows_per_second and peak_memory_bytes (ours: RSS of Chromium's
// processes, sampled; peer: VmHWM of the native process). --quick: 1M
// transactions. BENCH_FORMATS picks variants (csv,csv-enum,parquet,parquet-enum).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { args, median, report, root, writeResults } from './lib/report.mjs';
import { withBrowserPage } from './lib/browser.mjs';
import { startNativeDuckDb } from './lib/native-duckdb.mjs';
import { sampleChildrenRss } from './lib/memory.mjs';

const BENCH = 'duckdb-load';
const SIZE = args.quick ? '20000,100000,1000000' : 'hm-scale';
const DATASET = args.quick ? 'demo-1m (seed 1)' : 'demo hm-scale (seed 1)';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// BENCH_WARMUP=0 and BENCH_FORMATS=csv shorten a full-size run (the figures then say runs: 1).
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const FORMATS = (process.env.BENCH_FORMATS ?? 'csv,csv-enum,parquet,parquet-enum').split(',');
const dir = path.join(process.env.BENCH_CACHE ?? '/tmp/atelier-bench', args.quick ? 'quick-seed1' : 'hm-scale-seed1');

const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/demo-files.ts'), dir, SIZE, '1'], { cwd: root, stdio: 'inherit' });
if (gen.status !== 0) throw new Error('could not generate the benchmark files');

const COLUMNS = "{'t_dat': 'VARCHAR', 'customer_id': 'VARCHAR', 'article_id': 'VARCHAR', 'price': 'DOUBLE', 'sales_channel_id': 'BIGINT'}";
const file = (format) => path.join(dir, `transactions.${format}`);
// The same statements the browser's CSV loader runs (lib/data/duckdb/csv-load.ts): the fixed dialect, rejects table
// included, and t_dat read as text and matched against the ENUM of the days 2000-01-01..2099-12-31 written as YYYY-MM-DD.
const DIALECT = "auto_detect = false, header = true, delim = ',', quote = '\"', escape = '\"', dateformat = '%Y-%m-%d'";
const DAY_TYPE = `CREATE TYPE IF NOT EXISTS "iso_day_2000_01_01_2099_12_31" AS ENUM (SELECT strftime(d, '%Y-%m-%d') FROM range(DATE '2000-01-01', DATE '2099-12-31' + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d) ORDER BY 1)`;
const SELECT = `DATE '2000-01-01' + CAST(enum_code(TRY_CAST(t_dat AS "iso_day_2000_01_01_2099_12_31")) AS INTEGER) AS t_dat, customer_id, article_id, price, sales_channel_id`;
const PEER_SQL = {
  csv: (f) => [DAY_TYPE, `CREATE OR REPLACE TABLE transactions AS SELECT ${SELECT} FROM read_csv('${f}', ${DIALECT}, columns = ${COLUMNS}, store_rejects = true, rejects_table = 'rej', rejects_scan = 'rejs')`],
  parquet: (f) => `CREATE OR REPLACE TABLE transactions AS SELECT * FROM read_parquet('${f}')`,
};

// csv-enum: customer_id typed as an ENUM of the customers file's ids, so a row costs ~40 bytes instead of ~116. As in
// csv-load.ts, read_csv reads it as text and the loading statement casts it (an ENUM inside read_csv crashes native
// DuckDB 1.5 on a quote that is never closed).
const ENUM_SELECT = SELECT.replace(', customer_id,', ', TRY_CAST(customer_id AS customer_key) AS customer_id,');
const ENUM_SQL = (tx, customers) => [
  'DROP TABLE IF EXISTS transactions',
  'DROP TYPE IF EXISTS customer_key',
  `CREATE TYPE customer_key AS ENUM (SELECT customer_id FROM read_csv('${customers}', header = true, columns = {'customer_id': 'VARCHAR', 'FN': 'DOUBLE', 'Active': 'DOUBLE', 'club_member_status': 'VARCHAR', 'fashion_news_frequency': 'VARCHAR', 'age': 'DOUBLE', 'postal_code': 'VARCHAR'}))`,
  DAY_TYPE,
  `CREATE TABLE transactions AS SELECT ${ENUM_SELECT} FROM read_csv('${tx}', ${DIALECT}, columns = ${COLUMNS}, store_rejects = true, rejects_table = 'rej', rejects_scan = 'rejs')`,
];
PEER_SQL['csv-enum'] = (f) => ENUM_SQL(f, path.join(dir, 'customers.csv'));
// parquet-enum: the same with both files as Parquet.
PEER_SQL['parquet-enum'] = (f) => [
  'DROP TABLE IF EXISTS transactions',
  'DROP TYPE IF EXISTS customer_key',
  `CREATE TYPE customer_key AS ENUM (SELECT customer_id FROM read_parquet('${path.join(dir, 'customers.parquet')}'))`,
  `CREATE TABLE transactions AS SELECT t_dat, CAST(customer_id AS customer_key) AS customer_id, article_id, price, sales_channel_id FROM read_parquet('${f}')`,
];

const results = Object.fromEntries(['csv', 'csv-enum', 'parquet', 'parquet-enum'].map((f) => [f, { ours: [], peer: [], oursMem: [], peerMem: [] }]));
let rowsLoaded = 0;
let peerInfo = null;
let oursInfo = null;

async function peerRun(format) {
  const peer = await startNativeDuckDb();
  peerInfo = peer.info;
  const sql = PEER_SQL[format](file(format.replace('-enum', '')));
  let r = { seconds: 0, peakRss: 0 };
  for (const s of Array.isArray(sql) ? sql : [sql]) {
    const x = await peer.sql(s);
    r = { seconds: r.seconds + x.seconds, peakRss: x.peakRss };
  }
  const [{ n }] = (await peer.sql('SELECT count(*)::DOUBLE AS n FROM transactions')).result;
  await peer.close();
  return { seconds: r.seconds, rows: Number(n), peak: r.peakRss };
}

await withBrowserPage({ entry: 'bench/browser/duckdb-load.ts' }, async (page) => {
  async function oursRun(format) {
    await page.reload();
    await page.waitForFunction(() => window.ready === true);
    oursInfo = await page.evaluate(() => window.init());
    await page.locator('#transactions').setInputFiles(file(format.replace('-enum', '')));
    if (format === 'csv-enum') await page.locator('#customers').setInputFiles(path.join(dir, 'customers.csv'));
    if (format === 'parquet-enum') await page.locator('#customers').setInputFiles(path.join(dir, 'customers.parquet'));
    const sampler = sampleChildrenRss();
    try {
      const r =
        format === 'csv-enum'
          ? await page.evaluate(([sql]) => window.loadSql(sql, { 'tx.csv': 'transactions', 'customers.csv': 'customers' }), [ENUM_SQL('tx.csv', 'customers.csv')])
          : format === 'parquet-enum'
            ? await page.evaluate(() => window.loadParquetEnum())
            : await page.evaluate(([f]) => window.load('transactions', f), [format]);
      return { ...r, peak: sampler.stop() };
    } catch (e) {
      return { failed: e.message.split('\n')[0], peak: sampler.stop() };
    }
  }
  for (const format of FORMATS) {
    for (let i = 0; i < WARMUP; i++) {
      console.error(`duckdb-load: ${format}, warm-up`);
      await oursRun(format);
      await peerRun(format);
    }
    for (let i = 0; i < RUNS; i++) {
      const o = await oursRun(format);
      const p = await peerRun(format);
      if (o.failed) {
        // A load that does not fit is a result too: its peak memory is reported, and the variant's other runs are skipped.
        console.error(`duckdb-load: ${format}: DuckDB-WASM could not load ${file(format.replace('-enum', ''))} (peak ${(o.peak / 2 ** 30).toFixed(2)} GiB): ${o.failed}`);
        results[format].failed = o.failed;
        results[format].oursMem.push(o.peak);
        results[format].peerMem.push(p.peak);
        break;
      }
      if (o.rows !== p.rows) throw new Error(`row counts differ for ${format}: ours ${o.rows}, native ${p.rows}`);
      rowsLoaded = o.rows;
      const where = o.timings ? ` [page waited ${(o.timings.read / 1000).toFixed(1)} s for the Parquet worker, checked ${(o.timings.check / 1000).toFixed(1)} s, ENUM codes ${((o.timings.code ?? 0) / 1000).toFixed(1)} s in ${o.coded ?? 0} groups, DuckDB ${(o.timings.duckdb / 1000).toFixed(1)} s]` : '';
      console.error(`duckdb-load: ${format} run ${i + 1}: ours ${o.seconds.toFixed(1)} s (${(o.peak / 2 ** 30).toFixed(2)} GiB)${where}, native ${p.seconds.toFixed(1)} s (${(p.peak / 2 ** 30).toFixed(2)} GiB)`);
      results[format].ours.push(rowsLoaded / o.seconds);
      results[format].peer.push(rowsLoaded / p.seconds);
      results[format].oursMem.push(o.peak);
      results[format].peerMem.push(p.peak);
    }
  }
});

const peerName = `@duckdb/node-api (DuckDB ${peerInfo.version}, ${peerInfo.threads} threads)`;
for (const format of FORMATS) {
  const r = results[format];
  const common = { bench: BENCH, dataset: DATASET, size: { transactions: rowsLoaded }, peer: peerName, runs: r.ours.length || 1, variant: format, backend: `duckdb-wasm ${oursInfo.version} eh, ${oursInfo.threads} thread` };
  const memNote = 'ours: summed RSS of the Chromium processes (sampled every 200 ms); peer: VmHWM of the native process';
  if (r.failed) {
    report({ ...common, figure: 'peak_memory_bytes', ours: median(r.oursMem), peer_value: median(r.peerMem), better: 'lower', note: `ours FAILED to load (no rows_per_second): ${r.failed}; peak until the failure. ${memNote}` });
    continue;
  }
  report({ ...common, figure: 'rows_per_second', ours: median(r.ours), peer_value: median(r.peer), better: 'higher' });
  report({ ...common, figure: 'peak_memory_bytes', ours: median(r.oursMem), peer_value: median(r.peerMem), better: 'lower', note: memNote });
}
writeResults(BENCH);
