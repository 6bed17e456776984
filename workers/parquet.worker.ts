/**
 * The Parquet worker: parquet-wasm reads row groups of a picked file into
 * Arrow IPC bytes, off the page's thread. It exists also because
 * parquet-wasm's async reader panics on a damaged data page in a way no
 * promise reports: here the panic ends the worker, and the page turns the
 * worker's error event into a DataError (app/notebook/data/parquet-worker.ts).
 */
import { readBlobIpcHere, setParquetWasmUrl, type ParquetFileCache } from '@/lib/data/parquet';
import type { ParquetReply, ParquetRequest } from './parquet-protocol';

const files = new Map<number, ParquetFileCache>();

self.onmessage = async (ev: MessageEvent<ParquetRequest>) => {
  const { id, fileId, blob, options, wasmUrl } = ev.data;
  setParquetWasmUrl(wasmUrl);
  let cache = files.get(fileId);
  if (!cache) {
    // One open file at a time is what the loaders need; older handles are freed.
    for (const c of files.values()) c.file?.free();
    files.clear();
    cache = {};
    files.set(fileId, cache);
  }
  try {
    const ipc = await readBlobIpcHere(blob, options, cache);
    const reply: ParquetReply = { id, ok: true, ipc };
    (self as unknown as Worker).postMessage(reply, [ipc.buffer]);
  } catch (e) {
    const reply: ParquetReply = { id, ok: false, message: e instanceof Error ? e.message : String(e) };
    (self as unknown as Worker).postMessage(reply);
  }
};
