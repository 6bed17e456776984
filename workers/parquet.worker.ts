/// <reference lib="webworker" />
/**
 * The Parquet worker: parquet-wasm reads row groups of a picked file into
 * Arrow IPC bytes, off the page's thread, served over lib/rpc. It exists also because
 * parquet-wasm's async reader panics on a damaged data page in a way no
 * promise reports: here the panic ends the worker, and the page turns the
 * worker's error event into a failed read (workers/parquet-client.ts).
 */
import { readBlobIpcHere, setParquetWasmUrl, type ParquetFileCache } from '../lib/data/parquet';
import { serveRpc } from '../lib/rpc/server';
import type { PortLike } from '../lib/rpc/wire';
import type { ParquetMethods } from './protocol/parquet';

const files = new Map<number, ParquetFileCache>();

serveRpc<ParquetMethods>(self as unknown as PortLike, {
  'parquet.read': async ({ fileId, blob, options, wasmUrl }) => {
    setParquetWasmUrl(wasmUrl);
    let cache = files.get(fileId);
    if (!cache) {
      // One open file at a time is what the loaders need; older handles are freed.
      for (const c of files.values()) c.file?.free();
      files.clear();
      cache = {};
      files.set(fileId, cache);
    }
    return readBlobIpcHere(blob, options, cache);
  },
});
