import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { DataError } from './errors';
import { HM_ARTICLES, HM_CUSTOMERS, HM_TRANSACTIONS } from './schema';
import { readCsvTable } from './validate';
import { readHmTable } from './readers/hm';
import { readParquetColumns } from './parquet';
import { buildDataset } from './build';
import { generateDemoTables } from './demo';
import { toCsv } from './table';

const enc = (s: string) => new TextEncoder().encode(s);
const CUST = 'a'.repeat(64);
const TX_HEADER = 't_dat,customer_id,article_id,price,sales_channel_id';

function fails(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

async function failsAsync(fn: () => Promise<unknown>): Promise<DataError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('CSV validation', () => {
  it('reads valid rows and keeps the zero-padded article_id as text', () => {
    const v = readCsvTable(enc(`${TX_HEADER}\n2020-09-01,${CUST},0108775015,0.0508,2\n`), HM_TRANSACTIONS, { file: 'tx.csv' });
    expect(v.table.length).toBe(1);
    expect(v.table.columns.article_id.values[0]).toBe('0108775015');
    expect(v.table.columns.t_dat.values[0]).toBe(18506);
    expect(v.bad.count).toBe(0);
  });

  it('rejects an empty file', () => {
    const e = fails(() => readCsvTable(new Uint8Array(0), HM_TRANSACTIONS, { file: 'tx.csv' }));
    expect(e.message).toBe('tx.csv: expected a CSV file with a header and transactions rows, found an empty file (0 bytes)');
  });

  it('rejects a header without data', () => {
    expect(fails(() => readCsvTable(enc(`${TX_HEADER}\n`), HM_TRANSACTIONS, { file: 'tx.csv' })).message).toContain('a header and no data');
  });

  it('names a missing column and lists the ones found', () => {
    const e = fails(() => readCsvTable(enc('t_dat,customer_id,price,sales_channel_id\n2020-01-01,x,1,1\n'), HM_TRANSACTIONS, { file: 'tx.csv' }));
    expect(e.column).toBe('article_id');
    expect(e.message).toMatch(/^tx\.csv, column article_id: expected a column named article_id in the transactions header, found only "t_dat", "customer_id", "price", "sales_channel_id"$/);
  });

  it('rejects a duplicated header', () => {
    const e = fails(() => readCsvTable(enc(`${TX_HEADER},price\n`), HM_TRANSACTIONS, { file: 'tx.csv' }));
    expect(e.message).toBe('tx.csv, column price: expected unique column names in the header, found "price" twice (columns 4 and 6)');
  });

  it('rejects non-UTF-8 text with line and byte', () => {
    const bytes = new Uint8Array([...enc(`${TX_HEADER}\n2020-01-01,`), 0xe9, ...enc(',x,1,1\n')]);
    const e = fails(() => readCsvTable(bytes, HM_TRANSACTIONS, { file: 'tx.csv' }));
    expect(e.message).toContain('expected UTF-8 text, found a byte 0xe9 that is not UTF-8 at line 2 (byte 63)');
  });

  it('counts bad rows with examples (wrong type, out of range, wrong id, wrong field count) and skips them', () => {
    const csv = [
      TX_HEADER,
      `2020-09-01,${CUST},0108775015,0.05,2`,
      `2020-13-01,${CUST},0108775015,0.05,2`, // bad date
      `2020-09-01,${CUST},108775015,0.05,2`, // lost the leading zero
      `2020-09-01,${CUST},0108775015,abc,2`, // price not a number
      `2020-09-01,${CUST},0108775015,0.05,3`, // channel out of range
      `2020-09-01,${CUST},0108775015`, // short row
      `2020-09-02,${CUST},0108775016,0.04,1`,
    ].join('\n');
    const v = readCsvTable(enc(csv), HM_TRANSACTIONS, { file: 'tx.csv' });
    expect(v.table.length).toBe(2);
    expect(v.bad.count).toBe(5);
    expect(v.bad.examples.map((b) => [b.row, b.column, b.expected, b.found])).toEqual([
      [2, 't_dat', 'a date as YYYY-MM-DD', '"2020-13-01"'],
      [3, 'article_id', 'a 10-digit article_id such as "0108775015"', '"108775015"'],
      [4, 'price', 'a number', '"abc"'],
      [5, 'sales_channel_id', 'one of 1, 2', '"3"'],
      [6, '(all)', '5 fields', '3 fields on line 7'],
    ]);
  });

  it('aborts on bad rows when asked, naming the first one and the total', async () => {
    const csv = `${TX_HEADER}\n2020-09-01,${CUST},0108775015,-1,2\n2020-09-01,nothex,0108775015,0.1,2\n`;
    const e = await failsAsync(() => readHmTable('transactions', { name: 'transactions_train.csv', data: enc(csv) }, 'abort'));
    expect(e.message).toBe('transactions_train.csv, line 2, column price: expected a number > 0, found "-1" (2 bad rows in all; choose "skip bad rows" to load the rest)');
    const ok = await readHmTable('transactions', { name: 'transactions_train.csv', data: enc(csv) }, 'skip');
    expect(ok.table.length).toBe(0);
    expect(ok.bad.count).toBe(2);
  });

  it('reads customers with empty optional fields as null / NaN', () => {
    const v = readCsvTable(enc(`customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code\n${CUST},,,ACTIVE,NONE,,p\n${CUST},1.0,1.0,,,21.0,q\n`), HM_CUSTOMERS, { file: 'customers.csv' });
    expect(v.bad.count).toBe(0);
    expect(Number.isNaN((v.table.columns.age.values as Float64Array)[0])).toBe(true);
    expect(v.table.columns.club_member_status.values[1]).toBeNull();
  });
});

describe('Parquet validation', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-pq-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a Parquet file written by native DuckDB and rejects a truncated copy', async () => {
    const tables = generateDemoTables('tiny', 1);
    const csvPath = path.join(dir, 'articles.csv');
    const pqPath = path.join(dir, 'articles.parquet');
    await import('node:fs').then((fs) => fs.writeFileSync(csvPath, toCsv(tables.articles)));
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const types = HM_ARTICLES.columns.map((c) => `'${c.name}': '${c.type === 'string' ? 'VARCHAR' : c.type === 'int' ? 'BIGINT' : 'DOUBLE'}'`).join(', ');
    await con.run(`COPY (SELECT * FROM read_csv('${csvPath}', header = true, columns = {${types}})) TO '${pqPath}' (FORMAT parquet)`);
    con.closeSync();
    const bytes = readFileSync(pqPath);
    const full = await readHmTable('articles', { name: 'articles.parquet', data: new Uint8Array(bytes) }, 'abort');
    expect(full.table.length).toBe(150);
    expect(full.table.columns.article_id.values).toEqual(tables.articles.columns.article_id.values);
    expect(full.table.columns.product_code.values).toEqual(tables.articles.columns.product_code.values);

    const truncated = new Uint8Array(bytes.subarray(0, bytes.length - 100));
    const e = await failsAsync(() => readHmTable('articles', { name: 'articles.parquet', data: truncated }, 'abort'));
    expect(e.message).toMatch(/^articles\.parquet: expected a complete Parquet file ending with "PAR1", found ".*": the file is truncated \(\d+ bytes\); copy it again$/);

    const csvAsParquet = await failsAsync(() => readParquetColumns(new TextEncoder().encode('a,b\n1,2\n3,4\n').buffer as ArrayBuffer, 'x.parquet'));
    expect(csvAsParquet.message).toBe('x.parquet: expected a Parquet file starting with "PAR1", found "a,b\\n"; is this a CSV file?');
  });
});

describe('join validation', () => {
  it('reports transactions whose ids do not join, and skips or aborts', () => {
    const t = generateDemoTables('tiny', 2);
    const tx = t.transactions;
    const ids = (tx.columns.article_id.values as string[]).slice();
    ids[4] = '0999999999';
    const broken = { ...t, transactions: { ...tx, columns: { ...tx.columns, article_id: { type: 'string' as const, values: ids } } } };
    const built = buildDataset(broken, { kind: 'demo', name: 'demo', fingerprint: 'x' });
    expect(built.joinIssues).toHaveLength(1);
    expect(built.joinIssues[0].count).toBe(1);
    expect(built.joinIssues[0].examples[0]).toEqual({ row: 5, column: 'article_id', expected: 'an article_id present in articles', found: '"0999999999"' });
    expect(built.interactions.user.length).toBe(tx.length - 1);
    expect(() => buildDataset(broken, { kind: 'demo', name: 'demo', fingerprint: 'x', badRows: 'abort' })).toThrow(/transactions, row 5, column article_id: expected an article_id present in articles, found "0999999999"/);
  });
});
