/**
 * The Parquet worker's protocol (workers/parquet.worker.ts): read row groups
 * of a picked file into Arrow IPC bytes. One request type, one reply type.
 */
import type { ParquetReadOptions } from '@/lib/data/parquet';

/** Page → worker. `fileId` names the Blob so the worker parses each footer once. */
export interface ParquetRequest {
  id: number;
  fileId: number;
  blob: Blob;
  options: ParquetReadOptions;
  /** Where the worker loads parquet-wasm's wasm from. */
  wasmUrl: string;
}

/** Worker → page: the IPC bytes (transferred) or parquet-wasm's error message. */
export type ParquetReply = { id: number; ok: true; ipc: Uint8Array } | { id: number; ok: false; message: string };
