/**
 * The thread protocol of the Parquet worker (workers/parquet.worker.ts): read row groups of a
 * picked file into Arrow IPC bytes. Spoken over lib/rpc, like the ML worker's (workers/protocol/ml.ts).
 */
import type { ParquetReadOptions } from '../../lib/data/parquet';

/** Page → worker. `fileId` names the Blob so the worker parses each footer once. */
export interface ParquetReadRequest {
  fileId: number;
  blob: Blob;
  options: ParquetReadOptions;
  /** Where the worker loads parquet-wasm's wasm from. */
  wasmUrl: string;
}

export type ParquetMethods = {
  /** The selected row groups and columns as Arrow IPC stream bytes (transferred). */
  'parquet.read': { req: ParquetReadRequest; res: Uint8Array };
};
