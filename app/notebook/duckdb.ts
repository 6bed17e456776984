/**
 * The DuckDB-WASM service: one database per page, in the `eh` bundle's worker
 * (the threaded `coi` bundle breaks file handles here), with the wasm and
 * worker files served same-origin from /vendor/duckdb/ (scripts/copy-vendor.mjs).
 * DuckDB's Parquet extension is fetched from the internet at run time, so
 * Parquet is read with parquet-wasm in lib/data and inserted here as Arrow
 * IPC bytes.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import type { Table } from 'apache-arrow';
import { toArrowTable } from '@/lib/data/arrow';
import { setParquetBlobReader, setParquetWasmUrl } from '@/lib/data/parquet';
import { PARQUET_WASM_PATH, workerBlobReader } from './data/parquet-worker';
import type { ColumnTable } from '@/lib/data/table';

/** What cells get as the `db` artifact of the Data cell. */
export interface DuckDbHandle {
  /** DuckDB's version string. */
  version: string;
  /** Runs SQL and returns row objects (BIGINT arrives as a double; DATE as epoch milliseconds). */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Runs SQL and returns the Arrow table (typed arrays via `getChild(name).toArray()`). */
  arrow(sql: string): Promise<Table>;
  /** Runs a statement for its effect. */
  run(sql: string): Promise<void>;
  /**
   * Creates (or appends to) a table from a column table, an Arrow table, or
   * Arrow IPC stream bytes (transferred to DuckDB's worker: the buffer is
   * detached afterwards).
   */
  insert(name: string, table: ColumnTable | Table | Uint8Array, mode: 'create' | 'append'): Promise<void>;
  /** Registers a browser File under a name for read_csv (read by ranges, not copied). */
  registerFile(name: string, file: File): Promise<void>;
  /** Whether a table exists. */
  hasTable(name: string): Promise<boolean>;
}

const VENDOR = '/vendor/duckdb';
let instance: Promise<DuckDbHandle> | null = null;

/** The page's DuckDB (started on first use). */
export function getDuckDb(): Promise<DuckDbHandle> {
  if (!instance) {
    instance = start();
    instance.catch(() => (instance = null));
  }
  return instance;
}

/** Quotes an identifier for SQL. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

async function start(): Promise<DuckDbHandle> {
  const origin = window.location.origin;
  // Every Parquet read follows getDuckDb(): parquet-wasm's wasm is served next to DuckDB's (scripts/copy-vendor.mjs),
  // footers are read here, row groups of picked files in the Parquet worker.
  setParquetWasmUrl(`${origin}${PARQUET_WASM_PATH}`);
  setParquetBlobReader(workerBlobReader);
  const worker = new Worker(`${origin}${VENDOR}/duckdb-browser-eh.worker.js`, { name: 'atelier-duckdb' });
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(`${origin}${VENDOR}/duckdb-eh.wasm`);
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = await db.connect();
  // Never try to fetch extensions (the machine may be offline, and a failed fetch surfaces as an obscure error).
  await conn.query('SET autoinstall_known_extensions = false');
  await conn.query('SET autoload_known_extensions = false');
  const version = await db.getVersion();
  // One statement at a time: the connection is shared by every cell.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = chain.then(f, f);
    chain = next.catch(() => undefined);
    return next;
  };
  const arrow = (sql: string) => serial(() => conn.query(sql) as Promise<Table>);
  const handle: DuckDbHandle = {
    version,
    arrow,
    async rows<T>(sql: string) {
      const t = await arrow(sql);
      return t.toArray().map((r) => r.toJSON() as T);
    },
    async run(sql: string) {
      await arrow(sql);
    },
    insert: (name, table, mode) =>
      serial(async () => {
        if (table instanceof Uint8Array) return conn.insertArrowFromIPCStream(table, { name, create: mode === 'create' });
        const t = 'schema' in table && 'numRows' in table ? (table as Table) : toArrowTable(table as ColumnTable);
        await conn.insertArrowTable(t, { name, create: mode === 'create' });
      }),
    registerFile: (name, file) => db.registerFileHandle(name, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true),
    async hasTable(name: string) {
      const r = await handle.rows<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${name.replace(/'/g, "''")}'`);
      return r[0].n > 0;
    },
  };
  return handle;
}
