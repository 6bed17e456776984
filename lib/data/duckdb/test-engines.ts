/**
 * The DuckDB engines the large-path tests run on, each behind the app's DuckDbHandle: native DuckDB
 * (@duckdb/node-api, the headless runner's engine) and DuckDB-WASM (@duckdb/duckdb-wasm's Node build
 * of the same wasm files the browser loads: the engine the app's large path runs in). For tests only;
 * the native handle has no `arrow` or `insert` (the large-path tests do not use them).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as wasm from '@duckdb/duckdb-wasm/blocking';
import { tableToIPC, type Table } from 'apache-arrow';
import { toArrowTable } from '../arrow';
import type { ColumnTable } from '../table';
import { SESSION_SQL, type DuckDbHandle } from './handle';
import { literal } from './sql';

/** A handle and how to let it go. */
export type TestHandle = DuckDbHandle & { close(): void };

const notUsed = () => Promise.reject(new Error('not used by the large-path tests'));

/** Native DuckDB in memory; registered files are written to a temporary folder on its search path. */
async function native(): Promise<TestHandle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-duckdb-'));
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  await con.run(`SET file_search_path = ${literal(dir)}`);
  const [{ v }] = (await con.runAndReadAll('SELECT version() AS v')).getRowObjectsJson() as { v: string }[];
  const handle: TestHandle = {
    version: `native ${v}`,
    async rows<T>(sql: string) {
      return (await con.runAndReadAll(sql)).getRowObjectsJson() as T[];
    },
    arrow: notUsed,
    async run(sql: string) {
      await con.run(sql);
    },
    insert: notUsed,
    async registerFile(name: string, file: File) {
      writeFileSync(path.join(dir, name), new Uint8Array(await file.arrayBuffer()));
    },
    async hasTable(name: string) {
      const r = await handle.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = ${literal(name)}`);
      return Number(r[0].n) > 0;
    },
    close() {
      con.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** DuckDB-WASM (the eh build where Node has exceptions, as in Chromium), one thread; files are registered as buffers. */
export async function duckdbWasm(): Promise<TestHandle> {
  const dist = path.dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const db = await wasm.createDuckDB(
    {
      mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: path.join(dist, 'duckdb-node-mvp.worker.cjs') },
      eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: path.join(dist, 'duckdb-node-eh.worker.cjs') },
    },
    new wasm.VoidLogger(),
    wasm.NODE_RUNTIME,
  );
  await db.instantiate();
  // The app's settings (lib/data/duckdb/handle.ts): BIGINT and DECIMAL as doubles.
  db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = db.connect();
  // And the app's session: tables in the compressed in-memory database.
  for (const sql of SESSION_SQL) conn.query(sql);
  const rows = <T>(sql: string) => conn.query(sql).toArray().map((r) => r.toJSON() as T);
  const [{ v }] = rows<{ v: string }>('SELECT version() AS v');
  const handle: TestHandle = {
    version: `duckdb-wasm ${v}`,
    rows: async <T>(sql: string) => rows<T>(sql),
    arrow: async (sql: string) => conn.query(sql) as Table,
    async run(sql: string) {
      conn.query(sql);
    },
    async insert(name, table, mode) {
      const options = { name, create: mode === 'create' };
      if (table instanceof Uint8Array) return conn.insertArrowFromIPCStream(table, options);
      // As IPC bytes written here: the binding's own insertArrowTable uses its copy of apache-arrow (CommonJS), which
      // writes an empty stream for a Table of this (ESM) copy. The page's bundle has one copy.
      const t = 'schema' in table ? (table as Table) : toArrowTable(table as ColumnTable);
      conn.insertArrowFromIPCStream(tableToIPC(t, 'stream'), options);
    },
    async registerFile(name: string, file: File) {
      db.dropFile(name);
      db.registerFileBuffer(name, new Uint8Array(await file.arrayBuffer()));
    },
    async hasTable(name: string) {
      const r = rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = ${literal(name)}`);
      return Number(r[0].n) > 0;
    },
    close() {
      conn.close();
      db.reset();
    },
  };
  return handle;
}

/** Every engine, by name, for describe.each. */
export const ENGINES: { name: string; open: () => Promise<TestHandle> }[] = [
  { name: 'native DuckDB', open: native },
  { name: 'DuckDB-WASM', open: duckdbWasm },
];
