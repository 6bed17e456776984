/** Staging and swaps on native DuckDB (the same SQL DuckDB-WASM runs), over the tiny demo. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateDemoTables } from '../demo';
import { toCsv, type ColumnTable } from '../table';
import type { DuckDbHandle } from './handle';
import { ident, literal } from './sql';
import { dropStaged, stage, stageEnumKeyedTransactions, staging, swapIn, TABLE_NAMES } from './staging';

const demo = generateDemoTables('tiny', 3);
const other = generateDemoTables('tiny', 4);
const dir = mkdtempSync(path.join(tmpdir(), 'atelier-staging-'));
let con: DuckDBConnection;
let files = 0;

/** The handle over a native connection; column tables go in through CSV (the WASM handle uses Arrow). */
const db: DuckDbHandle = {
  version: 'native',
  async rows<T>(sql: string) {
    return (await con.runAndReadAll(sql)).getRowObjectsJson() as T[];
  },
  arrow: () => Promise.reject(new Error('not used here')),
  async run(sql: string) {
    await con.run(sql);
  },
  async insert(name: string, table: unknown, mode: 'create' | 'append') {
    const file = path.join(dir, `t${files++}.csv`);
    writeFileSync(file, toCsv(table as ColumnTable));
    const src = `read_csv(${literal(file)}, header = true)`;
    await con.run(mode === 'create' ? `CREATE TABLE ${ident(name)} AS SELECT * FROM ${src}` : `INSERT INTO ${ident(name)} SELECT * FROM ${src}`);
  },
  registerFile: () => Promise.reject(new Error('not used here')),
  async hasTable(name: string) {
    const r = await db.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = ${literal(name)}`);
    return r[0].n > 0;
  },
};

const count = async (name: string) => (await db.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${ident(name)}`))[0].n;

beforeAll(async () => {
  con = await (await DuckDBInstance.create(':memory:')).connect();
  for (const t of TABLE_NAMES) await stage(db, t, demo[t], 'create');
  await swapIn(db);
});
afterAll(() => {
  con?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('staging and swaps', () => {
  it('swaps every staged table in and leaves no staging table behind', async () => {
    for (const t of TABLE_NAMES) {
      expect(await count(t)).toBe(demo[t].length);
      expect(await db.hasTable(staging(t))).toBe(false);
    }
  });

  it('a failed swap (a table not staged) rolls back: the previous dataset stays', async () => {
    await stage(db, 'articles', other.articles, 'create');
    await stage(db, 'customers', other.customers, 'create');
    await expect(swapIn(db)).rejects.toThrow();
    for (const t of TABLE_NAMES) expect(await count(t)).toBe(demo[t].length);
    await dropStaged(db);
    for (const t of TABLE_NAMES) expect(await db.hasTable(staging(t))).toBe(false);
  });

  it('an empty table is staged with typed columns; append adds rows', async () => {
    const empty: ColumnTable = { name: 'customers', length: 0, columns: { customer_id: { type: 'string', values: [] } } };
    await stage(db, 'customers', empty, 'create');
    expect(await count(staging('customers'))).toBe(0);
    const [col] = await db.rows<{ t: string }>(`SELECT data_type AS t FROM information_schema.columns WHERE table_name = ${literal(staging('customers'))}`);
    expect(col.t).toBe('VARCHAR');
    const ids: ColumnTable = { name: 'customers', length: demo.customers.length, columns: { customer_id: demo.customers.columns.customer_id } };
    await stage(db, 'customers', ids, 'append');
    expect(await count(staging('customers'))).toBe(demo.customers.length);
    await dropStaged(db);
  });

  it('the enum-keyed transactions table takes chunks and casts back to the customer ids', async () => {
    await stage(db, 'customers', demo.customers, 'create');
    const tx = await stageEnumKeyedTransactions(db, 'customer_key_test');
    await tx.append(demo.transactions);
    await tx.close();
    expect(await count(staging('transactions'))).toBe(demo.transactions.length);
    const [r] = await db.rows<{ t: string }>(`SELECT typeof(customer_id) AS t FROM ${ident(staging('transactions'))} LIMIT 1`);
    expect(r.t).toContain('ENUM');
    const ids = await db.rows<{ id: string }>(`SELECT DISTINCT CAST(customer_id AS VARCHAR) AS id FROM ${ident(staging('transactions'))}`);
    const known = new Set(demo.customers.columns.customer_id.values as string[]);
    expect(ids.every((x) => known.has(x.id))).toBe(true);
    await dropStaged(db);
  });
});
