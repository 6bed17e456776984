/**
 * The handle every cell gets as the Data cell's `db` artifact, built over an instantiated
 * DuckDB-WASM database (which bundle and worker is workers/duckdb.ts's choice). Statements run one
 * at a time: the connection is shared by every cell.
 */
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import type { Table } from 'apache-arrow';
import { toArrowTable } from '../arrow';
import type { ColumnTable } from '../table';
import { literal } from './sql';

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

/**
 * Set-up of the one connection: no extension fetches (the machine may be offline, and a failed fetch
 * surfaces as an obscure error), and every table in an in-memory database attached with COMPRESS
 * (DuckDB 1.4), whose tables a CHECKPOINT stores with DuckDB's lightweight compression (bit-packing,
 * dictionaries, FSST, ALP). DuckDB-WASM's own in-memory database keeps them uncompressed: the full
 * hm-scale demo's tables took 1,694 MiB there and take 537 MiB here (DuckDB's own count; README,
 * "The hm-scale pipeline in one tab"). See `compressTables`.
 */
export const SESSION_SQL = [
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
  "ATTACH ':memory:' AS atelier (COMPRESS)",
  'USE atelier',
];

/**
 * Compresses the tables written since the last call (a CHECKPOINT of the compressed in-memory database;
 * row groups already compressed are kept as they are). The load paths call it after each swap and, at
 * H&M scale, every few million rows, so that no more than that many rows are ever held uncompressed.
 */
export async function compressTables(db: Pick<DuckDbHandle, 'run'>): Promise<void> {
  await db.run('CHECKPOINT');
}

/**
 * Opens the connection of an instantiated database (BIGINT and DECIMAL as doubles, no extension
 * fetches) and wraps it as a handle. `browserFileProtocol` is duckdb-wasm's
 * `DuckDBDataProtocol.BROWSER_FILEREADER`, passed in so this module needs only duckdb-wasm's types.
 */
export async function connectHandle(db: AsyncDuckDB, browserFileProtocol: number): Promise<DuckDbHandle> {
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = await db.connect();
  for (const sql of SESSION_SQL) await conn.query(sql);
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
    registerFile: (name, file) => db.registerFileHandle(name, file, browserFileProtocol, true),
    async hasTable(name: string) {
      const r = await handle.rows<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ${literal(name)}`);
      return r[0].n > 0;
    },
  };
  return handle;
}
