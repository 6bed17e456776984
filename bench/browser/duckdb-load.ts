/**
 * Page for bench/duckdb-load and bench/explore: the app's own DuckDB-WASM
 * service and loaders, driven by the benchmark through window functions.
 * Files arrive through <input type=file> (Playwright setInputFiles), so the
 * browser reads them from disk by ranges, as it does for a person's files.
 */
import { getDuckDb } from '@/workers/duckdb';
import { LARGE_ID_COLUMNS, csvIntoDuckDb, parquetIntoDuckDb } from '@/lib/data/duckdb';
import { HM_SCHEMAS } from '@/lib/data/schema';

type TableName = keyof typeof HM_SCHEMAS;
const inputs: Record<string, HTMLInputElement> = {};
for (const id of ['articles', 'customers', 'transactions']) {
  const el = document.createElement('input');
  el.type = 'file';
  el.id = id;
  document.body.append(el);
  inputs[id] = el;
}

const w = window as unknown as Record<string, unknown>;

w.init = async () => {
  const db = await getDuckDb();
  const [{ t, m }] = await db.rows<{ t: string; m: string }>("SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m");
  return { version: db.version, threads: t, memoryLimit: m };
};

/** Loads the file in input `id` into table `id` with the app's loader for its format; returns seconds and rows. */
w.load = async (id: TableName, format: 'csv' | 'parquet') => {
  const db = await getDuckDb();
  const file = inputs[id].files?.[0];
  if (!file) throw new Error(`no file in input ${id}`);
  const t0 = performance.now();
  const timings = { read: 0, check: 0, duckdb: 0 };
  // Transactions as the app's large path reads them: id formats and joins are checked afterwards on the distinct ids
  // (lib/data/duckdb/large.ts checkLargeJoins, not timed here), every other check in this step.
  const joined = id === 'transactions' ? LARGE_ID_COLUMNS : [];
  const r = format === 'csv' ? await csvIntoDuckDb(db, file, HM_SCHEMAS[id], id, 'skip', {}, joined) : await parquetIntoDuckDb(db, file, HM_SCHEMAS[id], id, 'skip', undefined, { timings });
  return { seconds: (performance.now() - t0) / 1000, rows: r.rows, bad: r.bad.count, timings: format === 'parquet' ? timings : undefined };
};

/**
 * The transactions CSV with customer_id as an ENUM over the customers file's
 * ids (4 bytes per row instead of a 64-character string): what makes 31.8M
 * rows fit DuckDB-WASM's 3.1 GiB. `sql` is the statement list from the bench.
 */
w.loadSql = async (statements: string[], registered: Record<string, string>) => {
  const db = await getDuckDb();
  for (const [name, input] of Object.entries(registered)) {
    const f = inputs[input].files?.[0];
    if (!f) throw new Error(`no file in input ${input}`);
    await db.registerFile(name, f);
  }
  const t0 = performance.now();
  for (const s of statements) await db.run(s);
  const seconds = (performance.now() - t0) / 1000;
  const [{ n }] = await db.rows<{ n: number }>('SELECT count(*) AS n FROM transactions');
  return { seconds, rows: n, bad: 0 };
};

/**
 * The transactions Parquet with customer_id as an ENUM over the customers
 * Parquet's ids, with the app's loader (parquet-wasm row groups, ids that are
 * not customers counted as bad rows): the Parquet twin of loadSql's csv-enum.
 */
w.loadParquetEnum = async () => {
  const db = await getDuckDb();
  const customers = inputs.customers.files?.[0];
  const tx = inputs.transactions.files?.[0];
  if (!customers || !tx) throw new Error('pick customers and transactions first');
  const t0 = performance.now();
  await db.run('DROP TABLE IF EXISTS transactions');
  await db.run('DROP TYPE IF EXISTS customer_key');
  const ids = { table: 'customers', columns: HM_SCHEMAS.customers.columns.filter((c) => c.name === 'customer_id') };
  await parquetIntoDuckDb(db, customers, ids, 'customer_ids', 'skip');
  await db.run('CREATE TYPE customer_key AS ENUM (SELECT customer_id FROM customer_ids)');
  await db.run('DROP TABLE customer_ids');
  const timings = { read: 0, check: 0, duckdb: 0 };
  const r = await parquetIntoDuckDb(db, tx, HM_SCHEMAS.transactions, 'transactions', 'skip', undefined, { types: { customer_id: 'customer_key' }, timings });
  return { seconds: (performance.now() - t0) / 1000, rows: r.rows, bad: r.bad.count, timings, coded: r.coded };
};

/** Runs SQL; returns seconds and the number of result rows. */
w.sql = async (text: string) => {
  const db = await getDuckDb();
  const t0 = performance.now();
  const t = await db.arrow(text);
  return { seconds: (performance.now() - t0) / 1000, rows: t.numRows };
};

w.ready = true;
