/**
 * The page's side of the Parquet worker (workers/parquet.worker.ts), bundled
 * by scripts/build-workers.mjs into /vendor/workers/. Installed as lib/data's
 * Blob reader by the DuckDB service. If parquet-wasm panics (a damaged data
 * page), the worker dies: every pending read fails with that error and the
 * next read starts a fresh worker.
 */
import type { BlobIpcReader, ParquetReadOptions } from '../lib/data/parquet';
import type { ParquetReply, ParquetRequest } from './parquet-protocol';

/** Served by scripts/copy-vendor.mjs. */
export const PARQUET_WASM_PATH = '/vendor/parquet-wasm/parquet_wasm_bg.wasm';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
const fileIds = new WeakMap<Blob, number>();
let nextFileId = 1;

function failAll(message: string): void {
  for (const p of pending.values()) p.reject(new Error(message));
  pending.clear();
  worker?.terminate();
  worker = null;
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(`${window.location.origin}/vendor/workers/parquet.worker.js`, { type: 'module', name: 'atelier-parquet' });
  w.onmessage = (ev: MessageEvent<ParquetReply>) => {
    const r = ev.data;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.ipc);
    else p.reject(new Error(r.message));
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    failAll(`parquet-wasm stopped (${ev.message || 'the worker failed'})`);
  };
  worker = w;
  return w;
}

/** Reads part of a Parquet Blob in the worker. */
export const workerBlobReader: BlobIpcReader = (blob: Blob, options: ParquetReadOptions) =>
  new Promise<Uint8Array>((resolve, reject) => {
    let fileId = fileIds.get(blob);
    if (fileId === undefined) fileIds.set(blob, (fileId = nextFileId++));
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const req: ParquetRequest = { id, fileId, blob, options, wasmUrl: `${window.location.origin}${PARQUET_WASM_PATH}` };
    getWorker().postMessage(req);
  });
