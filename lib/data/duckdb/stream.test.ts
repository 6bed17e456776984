/**
 * The streaming Parquet loader (parquetIntoDuckDb) on DuckDB-WASM itself: the `eh` build the page
 * runs, here through its blocking Node binding, with parquet-wasm reading the row groups in this
 * thread. Files are written by native DuckDB in small row groups, so one file has clean groups,
 * groups with ids that are not customers (the ENUM conversion fails) and groups the row-level
 * validator repairs; the loaded table and the named bad rows are checked against what the file holds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { openParquet } from '../parquet';
import { HM_TRANSACTIONS } from '../schema';
import { literal } from './sql';
import { ENUM_CODES_MIN_VALUES, parquetIntoDuckDb } from './stream';
import { duckdbWasm, type TestHandle } from './test-engines';

const dir = mkdtempSync(path.join(tmpdir(), 'atelier-stream-'));
let native: DuckDBConnection;

/** DuckDB-WASM's blocking connection behind the app's handle (the page's handle makes the same calls, asynchronously). */
let db: TestHandle;

const hex = (k: number) => k.toString(16).padStart(64, '0');
/** 40 customers; transactions name customer k % 50, so ids 40..49 are not customers. */
const CUSTOMERS = 40;
interface Row {
  day: number;
  customer: number;
  article: string;
  price: number;
  channel: number;
}
const rowsOf = (n: number, customer: (i: number) => number, price: (i: number) => number = (i) => 0.01 * (1 + (i % 7))): Row[] =>
  Array.from({ length: n }, (_, i) => ({ day: 18262 + (i % 30), customer: customer(i), article: String(108775000 + (i % 13)).padStart(10, '0'), price: price(i), channel: 1 + (i % 2) }));

/** Writes rows as a transactions Parquet file in row groups of `group` rows (DuckDB's writer cuts groups by 2048-row vectors). */
async function parquetFile(name: string, rows: Row[], group = 2048): Promise<File> {
  const p = path.join(dir, name);
  const csv = path.join(dir, `${name}.csv`);
  writeFileSync(csv, `d,c,a,p,s\n${rows.map((r) => `${r.day},${hex(r.customer)},${r.article},${r.price},${r.channel}`).join('\n')}\n`);
  await native.run(
    `COPY (SELECT DATE '1970-01-01' + d AS t_dat, c AS customer_id, a AS article_id, p AS price, s AS sales_channel_id
           FROM read_csv(${literal(csv)}, header = true, columns = {'d': 'INTEGER', 'c': 'VARCHAR', 'a': 'VARCHAR', 'p': 'DOUBLE', 's': 'INTEGER'}))
     TO ${literal(p)} (FORMAT parquet, ROW_GROUP_SIZE ${group})`,
  );
  const file = new File([readFileSync(p)], name);
  expect((await openParquet(file, name)).rowGroups.length).toBe(Math.ceil(rows.length / group));
  return file;
}

/** The loaded table in load order, as rows comparable with `Row`. */
async function loaded(table: string): Promise<Row[]> {
  const r = await db.rows<{ day: number; c: string; a: string; p: number; s: number }>(
    `SELECT (t_dat - DATE '1970-01-01')::INTEGER AS day, customer_id::VARCHAR AS c, article_id AS a, price AS p, sales_channel_id::INTEGER AS s FROM ${table} ORDER BY rowid`,
  );
  return r.map((x) => ({ day: x.day, customer: parseInt(x.c, 16), article: x.a, price: x.p, channel: x.s }));
}

beforeAll(async () => {
  native = await (await DuckDBInstance.create(':memory:')).connect();
  db = await duckdbWasm();
  const ids = Array.from({ length: CUSTOMERS }, (_, k) => `'${hex(k)}'`).join(', ');
  await db.run(`CREATE TYPE customer_key AS ENUM (${ids})`);
});
afterAll(() => {
  native?.closeSync();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('parquetIntoDuckDb on DuckDB-WASM', () => {
  it('loads every row of a clean file, typed with the ENUM, in file order, with progress to the end', async () => {
    const rows = rowsOf(5000, (i) => i % CUSTOMERS);
    const file = await parquetFile('clean.parquet', rows);
    const progress: number[] = [];
    const r = await parquetIntoDuckDb(db, file, HM_TRANSACTIONS, 'tx', 'skip', (done) => progress.push(done), { types: { customer_id: 'customer_key' }, enumCodesMinValues: 1 });
    expect(r.rows).toBe(5000);
    expect(r.bad.count).toBe(0);
    expect(await loaded('tx')).toEqual(rows);
    expect(progress).toEqual([2048, 4096, 5000]);
    // Every group went in as the ENUM's codes (no group needed DuckDB's cast).
    expect(r.coded).toBe(3);
    const [{ t }] = await db.rows<{ t: string }>("SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'tx' AND column_name = 'customer_id'");
    expect(t).toMatch(/^ENUM/);
    // No helper table is left behind.
    expect(await db.hasTable('tx_chunk')).toBe(false);
    expect(await db.hasTable('tx_converted')).toBe(false);
    expect(await db.hasTable('tx_keys')).toBe(false);
  });

  it('leaves an ENUM smaller than enumCodesMinValues to DuckDB\'s cast, with the same rows', async () => {
    const rows = rowsOf(5000, (i) => (i * 7) % CUSTOMERS);
    const file = await parquetFile('small-enum.parquet', rows);
    const r = await parquetIntoDuckDb(db, file, HM_TRANSACTIONS, 'tx5', 'skip', undefined, { types: { customer_id: 'customer_key' } });
    expect(CUSTOMERS).toBeLessThan(ENUM_CODES_MIN_VALUES);
    expect(r.coded).toBe(0);
    expect(r.rows).toBe(5000);
    expect(await loaded('tx5')).toEqual(rows);
    expect(await db.hasTable('tx5_keys')).toBe(false);
  });

  it('keeps file order within groups of several vectors appended as ENUM codes', async () => {
    const rows = rowsOf(25_000, (i) => (i * 17) % CUSTOMERS);
    const file = await parquetFile('big-groups.parquet', rows, 10_240);
    const r = await parquetIntoDuckDb(db, file, HM_TRANSACTIONS, 'tx4', 'skip', undefined, { types: { customer_id: 'customer_key' }, enumCodesMinValues: 1 });
    expect(r.coded).toBe(3);
    expect(r.rows).toBe(25_000);
    expect(await loaded('tx4')).toEqual(rows);
  });

  it('names ids that are not customers and rows the validator rejects by row, and keeps every other row in file order', async () => {
    // Group 1 (rows 1-2048) is clean; from row 3001 on (group 2) every 100th row names an unknown customer, and
    // row 4101 (group 3) has a negative price, so group 3 holds both kinds of bad rows.
    const unknown = (i: number) => i >= 3000 && i % 100 === 50;
    const rows = rowsOf(
      7000,
      (i) => (unknown(i) ? CUSTOMERS + (i % 10) : i % CUSTOMERS),
      (i) => (i === 4100 ? -1 : 0.01 * (1 + (i % 7))),
    );
    const file = await parquetFile('unknown.parquet', rows);
    const r = await parquetIntoDuckDb(db, file, HM_TRANSACTIONS, 'tx2', 'skip', undefined, { types: { customer_id: 'customer_key' }, enumCodesMinValues: 1 });
    // Only group 1 goes in as codes: groups 2 and 4 name ids that are not customers, group 3 needs the validator.
    expect(r.coded).toBe(1);
    const bad = rows.map((_, i) => i).filter((i) => unknown(i) || i === 4100);
    expect(r.bad.count).toBe(bad.length);
    // Within a group the validator's rows come before the ids that did not convert; groups come in file order.
    const group3 = bad.filter((i) => i >= 4096 && i < 6144);
    const order = [...bad.filter((i) => i < 4096), 4100, ...group3.filter((i) => i !== 4100), ...bad.filter((i) => i >= 6144)];
    expect(r.bad.listed!.map((b) => b.row)).toEqual(order.map((i) => i + 1));
    expect(r.bad.listed![0]).toMatchObject({ row: 3051, column: 'customer_id', expected: 'a customer_id present in the customers table', found: JSON.stringify(hex(CUSTOMERS)) });
    expect(r.bad.listed!.find((b) => b.row === 4101)).toMatchObject({ column: 'price' });
    expect(r.rows).toBe(7000 - bad.length);
    expect(await loaded('tx2')).toEqual(rows.filter((_, i) => !bad.includes(i)));
    // The kept rows map back to the file's rows: the staged row 3050 (0-based) is the file's row 3052.
    expect(r.rowOf!(3050).row).toBe(3052);
  });

  it('appends without a type change as the file holds it', async () => {
    const rows = rowsOf(5000, (i) => i);
    const file = await parquetFile('plain.parquet', rows);
    const r = await parquetIntoDuckDb(db, file, HM_TRANSACTIONS, 'tx3', 'skip');
    expect(r.rows).toBe(5000);
    expect(await loaded('tx3')).toEqual(rows);
  });
});
