/**
 * H&M transactions too large for the in-memory reader (the real
 * transactions_train.csv is 3.4 GB): DuckDB reads the file by ranges into
 * the staging table, the join checks and the dense ids are SQL, and only the
 * interaction arrays (four typed arrays) come back to JS.
 */
import { catalogFor, customerTableFor, type BuiltDataset } from '../build';
import type { InteractionLog } from '../dataset';
import { Fingerprint, fingerprintTable } from '../fingerprint';
import { checkUniqueIds, readHmTable } from '../readers/hm';
import type { ColumnTable } from '../table';
import type { TextEncoding } from '../csv';
import { BadRowCollector, MAX_LISTED, enforceBadRowPolicy, mergeBadRows, enforceKeptShare, shown, type BadRowPolicy, type BadRows } from '../errors';
import { HM_TRANSACTIONS } from '../schema';
import type { DuckDbHandle } from './handle';
import { literal } from './sql';
import { stage, staging, swapIn } from './staging';
import type { RowOf } from './checks';
import { csvIntoDuckDb } from './csv-load';
import { parquetIntoDuckDb } from './stream';

/**
 * Id columns whose checks the large path runs on distinct ids after loading (checkLargeJoins) rather than row by
 * row while loading: a regex on each of 31.8M rows took a third of the load (bench/duckdb-load, csv).
 */
export const LARGE_ID_COLUMNS = ['article_id', 'customer_id'] as const;

/** Files above this size skip the in-memory reader. */
export const LARGE_FILE_BYTES = 256 * 2 ** 20;

/** Loads the transactions file into the staging table; returns its bad rows and where the staged rows came from in the file. */
export async function stageLargeTransactions(
  db: DuckDbHandle,
  file: File,
  policy: BadRowPolicy,
  onProgress: (done: number, total: number) => void,
  hasCustomers: boolean,
  encoding: TextEncoding = 'utf-8',
): Promise<{ bad: BadRows; rowOf?: RowOf; lines?: (bad: BadRows) => Promise<BadRows> }> {
  const table = staging('transactions');
  const types: Record<string, string> = {};
  if (hasCustomers) {
    // customer_id as an ENUM of the customers table's ids: 4 bytes a row instead of a 64-character string, which is
    // what lets 31.8M H&M rows fit DuckDB-WASM's 3.1 GiB (bench/duckdb-load, variants csv-enum and parquet-enum). Ids
    // that are not customers fail the conversion and become bad rows (CSV: cast after reading, csv-load.ts; Parquet: stream.ts).
    const type = `customer_key_${Date.now().toString(36)}`;
    await db.run(`CREATE TYPE ${type} AS ENUM (SELECT DISTINCT customer_id FROM ${staging('customers')} WHERE customer_id IS NOT NULL)`);
    types.customer_id = type;
  }
  if (/\.parquet$/i.test(file.name)) return parquetIntoDuckDb(db, file, HM_TRANSACTIONS, table, policy, onProgress, { types });
  // Id formats and joins are then checked on the distinct ids (checkLargeJoins), not with a regex a row here.
  return csvIntoDuckDb(db, file, HM_TRANSACTIONS, table, policy, types, LARGE_ID_COLUMNS, encoding);
}

/**
 * The id checks of the staged transactions, on their distinct ids (a regex or a lookup a distinct id, not a row):
 * id formats (10-digit article_id; 64-hex customer_id where no customers file types it as an ENUM), then ids missing
 * from the staged articles (and customers). Rows with a bad id are named by the transactions file's name and their
 * row (and true line, through `lines`, for CSV) there, through `rowOf`, counted once (for their first problem), and
 * dropped under `skip`.
 */
export async function checkLargeJoins(
  db: DuckDbHandle,
  policy: BadRowPolicy,
  hasCustomers: boolean,
  file: string,
  rowOf?: RowOf,
  lines?: (bad: BadRows) => Promise<BadRows>,
): Promise<BadRows[]> {
  const tx = staging('transactions');
  const out: BadRows[] = [];
  const spec = (c: string) => HM_TRANSACTIONS.columns.find((x) => x.name === c)!;
  const pattern = (c: string) => literal(spec(c).pattern!.source.replace(/^\^|\$$/g, ''));
  // Schema order for formats (customer_id before article_id), as the in-memory reader checks cells; then the joins.
  const checks: { col: string; ids: string; expected: string }[] = [];
  if (!hasCustomers) checks.push({ col: 'customer_id', ids: `SELECT v FROM _ids WHERE NOT regexp_full_match(v, ${pattern('customer_id')})`, expected: spec('customer_id').patternText! });
  checks.push({ col: 'article_id', ids: `SELECT v FROM _ids WHERE NOT regexp_full_match(v, ${pattern('article_id')})`, expected: spec('article_id').patternText! });
  checks.push({ col: 'article_id', ids: `SELECT v FROM _ids t ANTI JOIN ${staging('articles')} o ON o.article_id = t.v`, expected: 'an article_id present in articles' });
  if (hasCustomers) checks.push({ col: 'customer_id', ids: `SELECT v FROM _ids t ANTI JOIN ${staging('customers')} o ON o.customer_id = t.v`, expected: 'a customer_id present in customers' });
  let distinctOf = '';
  for (const { col, ids, expected } of checks) {
    if (distinctOf !== col) {
      await db.run(`CREATE OR REPLACE TEMP TABLE _ids AS SELECT DISTINCT CAST(${col} AS VARCHAR) AS v FROM ${tx}`);
      distinctOf = col;
    }
    await db.run(`CREATE OR REPLACE TEMP TABLE _bad_ids AS ${ids}`);
    const where = `CAST(${col} AS VARCHAR) IN (SELECT v FROM _bad_ids)`;
    const [{ k }] = await db.rows<{ k: number }>('SELECT count(*) AS k FROM _bad_ids');
    const [{ n }] = Number(k) === 0 ? [{ n: 0 }] : await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${tx} WHERE ${where}`);
    if (Number(n) === 0) continue;
    const listed = await db.rows<{ v: string; r: number }>(`SELECT CAST(${col} AS VARCHAR) AS v, rowid AS r FROM ${tx} WHERE ${where} ORDER BY rowid LIMIT ${MAX_LISTED}`);
    const bad = new BadRowCollector(file);
    // Without a row map (a Parquet file whose dropped rows were too many to list) the row is the staged table's.
    for (const e of listed) bad.add({ ...(rowOf ? rowOf(Number(e.r)) : { row: Number(e.r) + 1 }), column: col, expected, found: shown(e.v) });
    bad.count = Number(n);
    const result = lines ? await lines(bad.result()) : bad.result();
    enforceBadRowPolicy(result, policy);
    await db.run(`DELETE FROM ${tx} WHERE ${where}`);
    // The distinct ids of this column no longer hold the deleted ones: the next check of it starts from the rest.
    await db.run('DELETE FROM _ids WHERE v IN (SELECT v FROM _bad_ids)');
    out.push(result);
  }
  await db.run('DROP TABLE IF EXISTS _ids');
  await db.run('DROP TABLE IF EXISTS _bad_ids');
  return out;
}

/** The interaction log of the staged transactions, with dense ids (sorted keys) computed in SQL. */
export async function largeInteractionLog(db: DuckDbHandle): Promise<InteractionLog> {
  const tx = staging('transactions');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE _uid AS SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) - 1 AS INTEGER) AS uid FROM (SELECT DISTINCT CAST(customer_id AS VARCHAR) AS customer_id FROM ${tx})`,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE _iid AS SELECT article_id, CAST(row_number() OVER (ORDER BY article_id) - 1 AS INTEGER) AS iid FROM (SELECT DISTINCT article_id FROM ${tx})`);
  const rows = await db.arrow(
    `SELECT u.uid, i.iid, CAST(t.t_dat - DATE '1970-01-01' AS INTEGER) AS day, CAST(t.price AS FLOAT) AS value,
            CAST(t.sales_channel_id AS UTINYINT) AS channel
     FROM ${tx} t JOIN _uid u ON u.customer_id = CAST(t.customer_id AS VARCHAR) JOIN _iid i ON i.article_id = t.article_id ORDER BY t.t_dat, u.uid, i.iid`,
  );
  const keys = async (sql: string) => (await db.arrow(sql)).getChild('k')!.toArray() as unknown as string[];
  const userKeys = Array.from(await keys('SELECT customer_id AS k FROM _uid ORDER BY uid'));
  const itemKeys = Array.from(await keys('SELECT article_id AS k FROM _iid ORDER BY iid'));
  await db.run('DROP TABLE _uid');
  await db.run('DROP TABLE _iid');
  return {
    nUsers: userKeys.length,
    nItems: itemKeys.length,
    user: Int32Array.from(rows.getChild('uid')!.toArray() as Int32Array),
    item: Int32Array.from(rows.getChild('iid')!.toArray() as Int32Array),
    day: Int32Array.from(rows.getChild('day')!.toArray() as Int32Array),
    value: Float32Array.from(rows.getChild('value')!.toArray() as Float32Array),
    channel: Uint8Array.from(rows.getChild('channel')!.toArray() as Uint8Array),
    userKeys,
    itemKeys,
  };
}

/** The whole large-H&M load: articles and customers in memory, transactions in DuckDB only. */
export async function loadLargeHm(
  db: DuckDbHandle,
  files: { articles: File; customers: File | undefined; transactions: File },
  policy: BadRowPolicy,
  minShare: number,
  encoding: TextEncoding,
  resolvePhoto: (articleId: string) => string | null,
  progress: (label: string, done: number, total: number, unit: string) => void,
  log: (line: string) => void,
): Promise<{ dataset: BuiltDataset; bad: BadRows[]; notes: string[] }> {
  const bad: BadRows[] = [];
  const read = async (t: 'articles' | 'customers', f: File): Promise<ColumnTable> => {
    log(`reading ${f.name} (${(f.size / 1e6).toFixed(1)} MB)`);
    const data = /\.parquet$/i.test(f.name) ? f : new Uint8Array(await f.arrayBuffer());
    const r = await readHmTable(t, { name: f.name, data }, policy, encoding);
    enforceKeptShare(r.bad, r.table.length, minShare);
    if (r.bad.count) bad.push(r.bad);
    return r.table;
  };
  progress('Reading articles and customers', 0, 2, 'files');
  const articles = await read('articles', files.articles);
  checkUniqueIds(articles, 'article_id', files.articles.name);
  const customers: ColumnTable = files.customers ? await read('customers', files.customers) : { name: 'customers', length: 0, columns: { customer_id: { type: 'string', values: [] } } };
  await stage(db, 'articles', articles, 'create');
  await stage(db, 'customers', customers, 'create');
  log(`loading ${files.transactions.name} (${(files.transactions.size / 1e9).toFixed(2)} GB) with DuckDB's reader`);
  progress('Loading transactions in DuckDB', 0, 1, 'files');
  const staged = await stageLargeTransactions(db, files.transactions, policy, (d, n) => progress('Loading transactions in DuckDB', d, n, 'rows'), customers.length > 0, encoding);
  if (staged.bad.count) bad.push(staged.bad);
  bad.push(...(await checkLargeJoins(db, policy, customers.length > 0, files.transactions.name, staged.rowOf, staged.lines)));
  // Unreadable rows and rows whose ids do not join count against one threshold, before anything is swapped in.
  const [{ n: kept }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${staging('transactions')}`);
  const txDropped = bad.filter((b) => b.file === files.transactions.name);
  enforceKeptShare(mergeBadRows(files.transactions.name, txDropped), Number(kept), minShare);
  progress('Dense ids and interaction arrays (SQL)', 0, 1, 'steps');
  const interactions = await largeInteractionLog(db);
  await swapIn(db);
  // Hashing 3 GB in JS would take minutes: the fingerprint covers the small tables and the big file's name, size and date.
  const fp = new Fingerprint().text('hm-large').text(policy).text(files.transactions.name).text(String(files.transactions.size)).text(String(files.transactions.lastModified));
  fingerprintTable(fp, articles);
  fingerprintTable(fp, customers);
  const dataset: BuiltDataset = {
    interactions,
    catalog: catalogFor(articles, interactions.itemKeys, (id) => resolvePhoto(id)),
    customers: customerTableFor(customers, interactions.userKeys),
    info: {
      kind: 'hm',
      name: `H&M files (${[files.articles, files.customers, files.transactions].filter(Boolean).map((f) => f!.name).join(', ')})`,
      fingerprint: fp.hex(),
      counts: { articles: articles.length, customers: customers.length, transactions: interactions.user.length },
    },
    joinIssues: [],
  };
  return { dataset, bad, notes: [`${files.transactions.name} is too large to keep in browser storage: pick it again after a reload.`] };
}
