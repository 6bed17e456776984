/**
 * The page's side of the Parquet worker (workers/parquet.worker.ts), bundled
 * by scripts/build-workers.mjs into /vendor/workers/, spoken to over lib/rpc. Installed as lib/data's
 * Blob reader by the DuckDB service (workers/duckdb.ts). If parquet-wasm panics (a damaged data
 * page), the worker dies: every pending read fails with that error and the
 * next read starts a fresh worker.
 */
import type { BlobIpcReader, ParquetReadOptions } from '../lib/data/parquet';
import { RpcClient } from '../lib/rpc/client';
import type { ParquetMethods } from './protocol/parquet';

/** Served by scripts/copy-vendor.mjs. */
export const PARQUET_WASM_PATH = '/vendor/parquet-wasm/parquet_wasm_bg.wasm';

/** A read that takes longer than this is taken for a hung worker (it only guards against a hang). */
const READ_TIMEOUT_MS = 10 * 60_000;

let current: { worker: Worker; client: RpcClient<ParquetMethods> } | null = null;
const fileIds = new WeakMap<Blob, number>();
let nextFileId = 1;

function getClient(): RpcClient<ParquetMethods> {
  if (current) return current.client;
  const worker = new Worker(`${window.location.origin}/vendor/workers/parquet.worker.js`, { type: 'module', name: 'atelier-parquet' });
  const client = new RpcClient<ParquetMethods>(worker, (e) => console.warn(`parquet worker: ${e.message}`));
  const started = { worker, client };
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    if (current === started) current = null;
    client.dispose(new Error(`parquet-wasm stopped (${ev.message || 'the worker failed'})`));
    worker.terminate();
  });
  current = started;
  return client;
}

/** Reads part of a Parquet Blob in the worker. */
export const workerBlobReader: BlobIpcReader = (blob: Blob, options: ParquetReadOptions) => {
  let fileId = fileIds.get(blob);
  if (fileId === undefined) fileIds.set(blob, (fileId = nextFileId++));
  const wasmUrl = `${window.location.origin}${PARQUET_WASM_PATH}`;
  return getClient().call('parquet.read', { fileId, blob, options, wasmUrl }, { timeoutMs: READ_TIMEOUT_MS });
};
