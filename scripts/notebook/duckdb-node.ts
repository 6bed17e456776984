/**
 * The Data cell's `db` handle in Node: native DuckDB (@duckdb/node-api), the
 * same SQL as DuckDB-WASM in the browser. Rows come back as the browser's
 * handle gives them (BIGINT and DECIMAL as doubles, DATE as epoch ms).
 */
import { DuckDBInstance, dateValue, type DuckDBAppender } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import type { Column, ColumnTable } from '@/lib/data/table';
import { ident, type DuckDbHandle } from '@/lib/data/duckdb';

const MS_PER_DAY = 86_400_000;

/** An in-memory database, or a DuckDB file / MotherDuck database (`path`, e.g. `md:my_db`). */
export async function nodeDuckDb(path = ':memory:'): Promise<DuckDbHandle & { close(): void }> {
  const instance = await DuckDBInstance.create(path, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  const [{ v }] = (await (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()) as { v: string }[];
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = chain.then(f, f);
    chain = next.catch(() => undefined);
    return next;
  };
  const handle = {
    version: String(v),
    async rows<T>(sql: string): Promise<T[]> {
      const reader = await serial(() => conn.runAndReadAll(sql));
      return reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, x]) => [k, browserValue(x)])) as T);
    },
    arrow(): Promise<Table> {
      return Promise.reject(new Error('Arrow results are not available in the headless runner'));
    },
    async run(sql: string): Promise<void> {
      await serial(() => conn.run(sql));
    },
    insert: (name: string, table: ColumnTable | Table | Uint8Array, mode: 'create' | 'append') =>
      serial(async () => {
        if (table instanceof Uint8Array || !('columns' in table) || Array.isArray((table as { columns: unknown }).columns)) {
          throw new Error('the headless runner inserts column tables only');
        }
        const t = table as ColumnTable;
        const cols = Object.entries(t.columns);
        const types = cols.map(([, col]) => sqlType(col));
        if (mode === 'create') await conn.run(`CREATE OR REPLACE TABLE ${ident(name)} (${cols.map(([c], k) => `${ident(c)} ${types[k]}`).join(', ')})`);
        const app = await conn.createAppender(name);
        for (let i = 0; i < t.length; i++) {
          cols.forEach(([, col], k) => append(app, col, i, types[k] === 'INTEGER'));
          app.endRow();
        }
        app.flushSync();
        app.closeSync();
      }),
    registerFile(): Promise<void> {
      return Promise.reject(new Error('the headless runner reads files from --data, not from a file chooser'));
    },
    async hasTable(name: string): Promise<boolean> {
      const r = await handle.rows<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${name.replace(/'/g, "''")}'`);
      return r[0].n > 0;
    },
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
  return handle;
}

/** The browser's column types: INTEGER for whole numbers that fit, else DOUBLE (as lib/data/arrow.ts). */
function sqlType(col: Column): string {
  switch (col.type) {
    case 'string':
      return 'VARCHAR';
    case 'date':
      return 'DATE';
    case 'int':
      return col.values.every((x) => Number.isNaN(x) || (Number.isInteger(x) && Math.abs(x) <= 2147483647)) ? 'INTEGER' : 'DOUBLE';
    case 'float':
      return 'DOUBLE';
  }
}

function append(app: DuckDBAppender, col: Column, i: number, integer: boolean): void {
  switch (col.type) {
    case 'string': {
      const s = col.values[i];
      if (s === null) app.appendNull();
      else app.appendVarchar(s);
      return;
    }
    case 'date':
      app.appendDate(dateValue(col.values[i]));
      return;
    case 'int':
    case 'float': {
      const x = col.values[i];
      if (Number.isNaN(x)) app.appendNull();
      else if (integer) app.appendInteger(x);
      else app.appendDouble(x);
      return;
    }
  }
}

function browserValue(x: unknown): unknown {
  if (typeof x === 'bigint') return Number(x);
  if (x instanceof Date) return x.getTime();
  if (x !== null && typeof x === 'object' && 'days' in x && typeof (x as { days: unknown }).days === 'number') return (x as { days: number }).days * MS_PER_DAY;
  return x;
}
