/**
 * Putting a dataset into DuckDB without losing the previous one: tables are
 * created under staging names and swapped in one transaction, so a load that
 * fails half-way leaves `articles`, `customers` and `transactions` as they were.
 */
import { duckdbType } from '../schema';
import { sliceRows, type ColumnTable } from '../table';
import { compressTables, type DuckDbHandle } from './handle';
import { ident } from './sql';

export const TABLE_NAMES = ['articles', 'customers', 'transactions'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** Staging name of a table. */
export const staging = (name: TableName): string => `_new_${name}`;

/**
 * Creates (or appends to) the staging table for one table. With `rowsPerInsert`, the rows go in that many
 * at a time (the Arrow copies in the page and in DuckDB-WASM are a slice's, not the table's: 1.37M
 * customers with two 64-character ids are ~0.2 GB of Arrow and as much again in DuckDB's heap); the
 * first slice's Arrow types make the table, so every slice must convert to the same types.
 */
export async function stage(db: DuckDbHandle, name: TableName, t: ColumnTable, mode: 'create' | 'append', rowsPerInsert = Infinity): Promise<void> {
  if (mode === 'create') await db.run(`DROP TABLE IF EXISTS ${ident(staging(name))}`);
  if (t.length === 0) {
    if (mode === 'append') return;
    // Arrow inserts need at least one batch; an empty table gets its columns from SQL.
    const cols = Object.entries(t.columns).map(([c, col]) => `${ident(c)} ${col.type === 'int' ? 'INTEGER' : duckdbType(col.type)}`);
    await db.run(`CREATE TABLE ${ident(staging(name))} (${cols.join(', ')})`);
    return;
  }
  if (!(rowsPerInsert >= 1)) throw new Error(`invalid rowsPerInsert: ${rowsPerInsert}; expected at least 1`);
  for (let at = 0; at < t.length; at += rowsPerInsert) {
    const end = Math.min(t.length, at + rowsPerInsert);
    await db.insert(staging(name), at === 0 && end === t.length ? t : sliceRows(t, at, end), at === 0 ? mode : 'append');
  }
}

/** Swaps every staged table in, in one transaction. */
export async function swapIn(db: DuckDbHandle): Promise<void> {
  await db.run('BEGIN TRANSACTION');
  try {
    for (const name of TABLE_NAMES) {
      await db.run(`DROP TABLE IF EXISTS ${ident(name)}`);
      await db.run(`ALTER TABLE ${ident(staging(name))} RENAME TO ${ident(name)}`);
    }
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
  await compressTables(db);
}

/** Drops leftover staging tables (after a failed load). */
export async function dropStaged(db: DuckDbHandle): Promise<void> {
  for (const name of TABLE_NAMES) await db.run(`DROP TABLE IF EXISTS ${ident(staging(name))}`);
}

/** Rows appended between two compressions of the hm-scale demo's tables. */
export const COMPRESS_EVERY_ROWS = 2_000_000;

/** Appends chunks to the hm-scale demo's staging transactions; close() drops its helper table. */
export interface EnumKeyedAppender {
  /**
   * Appends one chunk of H&M-shaped transactions. With `customerRows` (each row's customer as a row of the staged
   * customers), the chunk's customer_id strings are not sent: DuckDB looks the ENUM value up by row, so neither the
   * page nor DuckDB-WASM handles 64 characters a row (at H&M scale 2 GB of strings, and their garbage, in all).
   */
  append(chunk: ColumnTable, customerRows?: Int32Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the staging `transactions` table of the hm-scale demo with customer_id as an ENUM of the
 * staged customers' ids: 4 bytes a row instead of a 64-character string, which is what lets 31.8M
 * rows fit DuckDB-WASM's 3.1 GiB (as in the large H&M file path, large.ts). Every `compressEvery`
 * appended rows the tables are compressed, so that at most that many rows are held uncompressed.
 */
export async function stageEnumKeyedTransactions(db: DuckDbHandle, keyType: string, compressEvery = COMPRESS_EVERY_ROWS): Promise<EnumKeyedAppender> {
  const tx = ident(staging('transactions'));
  const chunkTable = ident('_demo_chunk');
  const keys = ident('_demo_customer_keys');
  const customers = ident(staging('customers'));
  await db.run(`CREATE TYPE ${keyType} AS ENUM (SELECT customer_id FROM ${customers})`);
  await db.run(`DROP TABLE IF EXISTS ${tx}`);
  await db.run(`CREATE TABLE ${tx} (t_dat DATE, customer_id ${keyType}, article_id VARCHAR, price DOUBLE, sales_channel_id INTEGER)`);
  let nCustomers = -1;
  let uncompressed = 0;
  return {
    async append(chunk, customerRows) {
      await db.run(`DROP TABLE IF EXISTS ${chunkTable}`);
      if (customerRows) {
        if (customerRows.length !== chunk.length) throw new Error(`invalid customer rows: ${customerRows.length}; expected ${chunk.length} (one per row)`);
        if (nCustomers < 0) {
          // Row r of the staged customers (its rowid, 0..n-1: the table is only ever appended to) and its ENUM value.
          await db.run(`CREATE OR REPLACE TABLE ${keys} AS SELECT CAST(rowid AS INTEGER) AS r, CAST(customer_id AS ${keyType}) AS customer_id FROM ${customers}`);
          nCustomers = (await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${keys}`))[0].n;
        }
        // Every row must find its customer: the join below would drop it silently.
        for (let i = 0; i < customerRows.length; i++) {
          const r = customerRows[i];
          if (!(r >= 0 && r < nCustomers)) throw new Error(`invalid customer row at chunk row ${i}: ${r}; expected 0..${nCustomers - 1} (a row of the staged customers)`);
        }
        const rest = Object.fromEntries(Object.entries(chunk.columns).filter(([c]) => c !== 'customer_id'));
        await db.insert('_demo_chunk', { ...chunk, columns: { ...rest, customer_row: { type: 'int', values: Float64Array.from(customerRows) } } }, 'create');
        await db.run(`INSERT INTO ${tx} SELECT c.t_dat, k.customer_id, c.article_id, c.price, c.sales_channel_id FROM ${chunkTable} c JOIN ${keys} k ON k.r = c.customer_row ORDER BY c.rowid`);
      } else {
        await db.insert('_demo_chunk', chunk, 'create');
        await db.run(`INSERT INTO ${tx} SELECT t_dat, CAST(customer_id AS ${keyType}), article_id, price, sales_channel_id FROM ${chunkTable}`);
      }
      await db.run(`DROP TABLE ${chunkTable}`);
      uncompressed += chunk.length;
      if (uncompressed >= compressEvery) {
        await compressTables(db);
        uncompressed = 0;
      }
    },
    async close() {
      await db.run(`DROP TABLE IF EXISTS ${keys}`);
    },
  };
}
