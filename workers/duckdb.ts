/**
 * Starts the page's DuckDB-WASM: one database per page, in the `eh` bundle's worker
 * (the threaded `coi` bundle breaks file handles here), with the wasm and
 * worker files served same-origin from /vendor/duckdb/ (scripts/copy-vendor.mjs).
 * DuckDB's Parquet extension is fetched from the internet at run time, so
 * Parquet is read with parquet-wasm in lib/data (in the Parquet worker) and
 * inserted as Arrow IPC bytes. The handle itself is lib/data/duckdb/handle.ts.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { connectHandle, type DuckDbHandle } from '../lib/data/duckdb/handle';
import { setParquetBlobReader, setParquetWasmUrl } from '../lib/data/parquet';
import { PARQUET_WASM_PATH, workerBlobReader } from './parquet-client';

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

async function start(): Promise<DuckDbHandle> {
  const origin = window.location.origin;
  // Every Parquet read follows getDuckDb(): parquet-wasm's wasm is served next to DuckDB's (scripts/copy-vendor.mjs),
  // footers are read here, row groups of picked files in the Parquet worker.
  setParquetWasmUrl(`${origin}${PARQUET_WASM_PATH}`);
  setParquetBlobReader(workerBlobReader);
  const worker = new Worker(`${origin}${VENDOR}/duckdb-browser-eh.worker.js`, { name: 'atelier-duckdb' });
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(`${origin}${VENDOR}/duckdb-eh.wasm`);
  return connectHandle(db, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER);
}
