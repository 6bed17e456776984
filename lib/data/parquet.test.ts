import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { DataError } from './errors';
import { HM_TRANSACTIONS } from './schema';
import { arrowIsClean } from './arrow-validate';
import { arrowColumns, openParquet, readParquetColumns } from './parquet';
import { validateColumns } from './validate';
import { readHmTable } from './readers/hm';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

/** Transactions rows as a SQL VALUES list. */
const rows = (r: [string, string, string, number, number][]) => r.map(([d, c, a, p, s]) => `(DATE '${d}', '${c}', '${a}', ${p}, ${s})`).join(', ');
const GOOD = rows([
  ['2020-01-01', A, '0108775015', 0.5, 1],
  ['2020-01-02', B, '0108775044', 0.25, 2],
  ['2020-01-03', A, '0108775044', 0.125, 2],
]);

describe('parquet-wasm reading and the Arrow fast check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-pqw-'));
  let con: DuckDBConnection;
  /** Writes `select` as a Parquet file (row groups of `groupRows`) and returns its bytes. */
  const write = async (name: string, select: string, groupRows = 2): Promise<ArrayBuffer> => {
    const p = path.join(dir, name);
    await con.run(`COPY (${select}) TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE ${groupRows})`);
    const b = readFileSync(p);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
  const tx = (values: string) =>
    `SELECT t_dat::DATE AS t_dat, customer_id::VARCHAR AS customer_id, article_id::VARCHAR AS article_id, price::DOUBLE AS price, sales_channel_id::INTEGER AS sales_channel_id FROM (VALUES ${values}) v(t_dat, customer_id, article_id, price, sales_channel_id)`;

  beforeAll(async () => {
    con = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => {
    con.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads row groups as Arrow; clean groups pass the fast check and agree with the row-level validator', async () => {
    const h = await openParquet(await write('good.parquet', tx(GOOD)), 'good.parquet');
    expect(h.numRows).toBe(3);
    expect(h.rowGroups.length).toBeGreaterThanOrEqual(1);
    expect(h.rowGroups[h.rowGroups.length - 1].rowEnd).toBe(3);
    expect(h.columns).toEqual(HM_TRANSACTIONS.columns.map((c) => c.name));
    const t = tableFromIPC(await h.readIpc({ columns: h.columns }));
    expect(arrowIsClean(t, HM_TRANSACTIONS)).toBe(true);
    const v = validateColumns(arrowColumns(t), t.numRows, HM_TRANSACTIONS, 'good.parquet');
    expect(v.bad.count).toBe(0);
    expect(Array.from(v.table.columns.t_dat.values as Int32Array)).toEqual([18262, 18263, 18264]);
    expect(v.table.columns.customer_id.values).toEqual([A, B, A]);
  });

  it('sends a group with a bad id, a bad channel or a null to the row-level validator, which names the row', async () => {
    const bad = rows([
      ['2020-01-01', A, '0108775015', 0.5, 1],
      ['2020-01-02', 'not-hex', '0108775044', 0.25, 2],
      ['2020-01-03', A, '0108775044', 0.125, 3],
    ]);
    const t = tableFromIPC(await (await openParquet(await write('bad.parquet', tx(bad), 10), 'bad.parquet')).readIpc({}));
    expect(arrowIsClean(t, HM_TRANSACTIONS)).toBe(false);
    const v = validateColumns(arrowColumns(t), t.numRows, HM_TRANSACTIONS, 'bad.parquet');
    expect(v.bad.count).toBe(2);
    expect(v.bad.examples[0]).toEqual({ row: 2, column: 'customer_id', expected: 'a 64-character hex customer_id', found: '"not-hex"' });
    expect(v.bad.examples[1]).toEqual({ row: 3, column: 'sales_channel_id', expected: 'one of 1, 2', found: '"3"' });
    expect(v.table.length).toBe(1);

    const withNull = tableFromIPC(await (await openParquet(await write('null.parquet', `SELECT * REPLACE (CASE WHEN price < 0.3 THEN NULL ELSE price END AS price) FROM (${tx(GOOD)})`), 'null.parquet')).readIpc({}));
    expect(arrowIsClean(withNull, HM_TRANSACTIONS)).toBe(false);
  });

  it('reads DECIMAL prices as numbers (Arrow gives the unscaled integer), through the row-level validator', async () => {
    const dec = await write('decimal.parquet', `SELECT * REPLACE (CAST(price AS DECIMAL(9, 3)) AS price) FROM (${tx(GOOD)})`);
    const t = tableFromIPC(await (await openParquet(dec, 'decimal.parquet')).readIpc({}));
    expect(arrowIsClean(t, HM_TRANSACTIONS)).toBe(false);
    const r = await readHmTable('transactions', { name: 'decimal.parquet', data: dec }, 'abort');
    expect(Array.from(r.table.columns.price.values as Float64Array)).toEqual([0.5, 0.25, 0.125]);
  });

  it('names a missing column, a column of the wrong type, and a damaged page', async () => {
    const noPrice = await write('noprice.parquet', `SELECT t_dat, customer_id, article_id, sales_channel_id FROM (${tx(GOOD)})`);
    const missing = await readHmTable('transactions', { name: 'noprice.parquet', data: noPrice }, 'abort').catch((e) => e);
    expect(missing).toBeInstanceOf(DataError);
    expect(missing.message).toBe('noprice.parquet, column price: expected a column named price in transactions, found only "t_dat", "customer_id", "article_id", "sales_channel_id"');

    // article_id stored as a number (its leading zero lost): a type error for the whole column.
    const numeric = await write('numeric.parquet', `SELECT t_dat, customer_id, CAST(article_id AS BIGINT) AS article_id, price, sales_channel_id FROM (${tx(GOOD)})`);
    const wrong = await readHmTable('transactions', { name: 'numeric.parquet', data: numeric }, 'abort').catch((e) => e);
    expect(wrong).toBeInstanceOf(DataError);
    expect(wrong.message).toBe('numeric.parquet, column article_id: expected string values, found bigint values such as "108775015"');

    // Overwrite the data pages (magic bytes and footer intact). In memory the synchronous reader reports it; a Blob is
    // read by the async reader, which panics instead, so the app runs that in a worker (workers/parquet.worker.ts).
    const big = await write('big.parquet', `SELECT DATE '2020-01-01' + (i % 700)::INTEGER AS t_dat, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS customer_id, lpad((i % 9000)::VARCHAR, 10, '0') AS article_id, random() AS price, 1 + i % 2 AS sales_channel_id FROM range(20000) t(i)`, 20000);
    const damaged = new Uint8Array(big.slice(0));
    damaged.fill(0xff, 4, Math.floor(damaged.length / 2));
    const e = await readParquetColumns(damaged.buffer as ArrayBuffer, 'damaged.parquet').catch((x) => x);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^damaged\.parquet: expected readable Parquet pages, found .+; the file is damaged or uses an unsupported encoding$/);
  });
});
