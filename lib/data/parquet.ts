/**
 * Parquet reading through parquet-wasm (Rust's arrow-rs Parquet reader in
 * WebAssembly): a file (or one row group of it) becomes Arrow IPC bytes,
 * which DuckDB-WASM takes as they are and apache-arrow reads without copying.
 * It works offline in the browser and in Node (DuckDB-WASM's own Parquet
 * reader is an extension fetched from the internet). Snappy, gzip, brotli,
 * lz4 and zstd pages are supported. Truncated or corrupt files become
 * DataErrors that name the file.
 *
 * In Node the package loads its wasm itself; in a browser bundle the app
 * says where the wasm is served (setParquetWasmUrl) before the first read.
 * It is imported on first use: the server render of the page never loads it.
 */
import type * as PW from 'parquet-wasm';
import { tableFromIPC, type Table, type Vector } from 'apache-arrow';
import { DataError } from './errors';

/** A Parquet file: its bytes, or a Blob / File (read by byte ranges, never copied whole). */
export type ParquetSource = ArrayBuffer | Blob;

let wasmUrl: string | undefined;
let ready: Promise<unknown> | null = null;

/** Where a browser loads parquet-wasm's `.wasm` from (same origin; set once by the app). Node ignores it. */
export function setParquetWasmUrl(url: string): void {
  wasmUrl = url;
}

/** The initialised module (the ESM build needs its wasm fetched once; the Node build is ready on import). */
export async function parquetWasm(): Promise<typeof PW> {
  const pw = await import('parquet-wasm');
  const init = (pw as unknown as { default?: unknown }).default;
  if (typeof init === 'function') {
    ready ??= (init as (o: { module_or_path?: string }) => Promise<unknown>)(wasmUrl ? { module_or_path: wasmUrl } : {});
    await ready;
  }
  return pw;
}

/** What to read: columns (all when omitted), row groups (indexes), or a row range (offset, limit). */
export interface ParquetReadOptions {
  columns?: string[];
  rowGroups?: number[];
  offset?: number;
  limit?: number;
}

/** An opened file kept between reads of the same Blob (its footer is parsed once). */
export interface ParquetFileCache {
  file?: PW.ParquetFile;
}

/** Reads part of a Parquet Blob as Arrow IPC stream bytes. */
export type BlobIpcReader = (blob: Blob, options: ParquetReadOptions) => Promise<Uint8Array>;

/**
 * parquet-wasm's async (Blob) reader, in this thread. Beware: on a damaged
 * data page it panics inside a promise job, so the error escapes and the
 * promise never settles; the app therefore runs it in a worker
 * (setParquetBlobReader), where a panic ends the worker and becomes an error.
 */
export async function readBlobIpcHere(blob: Blob, options: ParquetReadOptions, cache?: ParquetFileCache): Promise<Uint8Array> {
  const lib = await parquetWasm();
  const pf = cache?.file ?? (await lib.ParquetFile.fromFile(blob));
  if (cache) cache.file = pf;
  return (await pf.read({ ...options, batchSize: 1 << 17 })).intoIPCStream();
}

let blobReader: BlobIpcReader = (blob, options) => readBlobIpcHere(blob, options);

/** Replaces how Blobs are read (the app: a worker). */
export function setParquetBlobReader(reader: BlobIpcReader): void {
  blobReader = reader;
}

const asBlob = (src: ParquetSource): Blob => (src instanceof ArrayBuffer ? new Blob([src]) : src);
const byteLength = (src: ParquetSource): number => (src instanceof ArrayBuffer ? src.byteLength : src.size);
const bytesAt = async (src: ParquetSource, start: number, end: number): Promise<Uint8Array> =>
  src instanceof ArrayBuffer ? new Uint8Array(src, start, end - start) : new Uint8Array(await src.slice(start, end).arrayBuffer());

const MAGIC = 'PAR1';
const text = (b: Uint8Array) => String.fromCharCode(...b);
const why = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^Error: /, '');

/** What the footer says: rows, row groups (as row ranges) and leaf column names in file order. */
export interface ParquetInfo {
  numRows: number;
  rowGroups: { rowStart: number; rowEnd: number }[];
  columns: string[];
}

/** An opened Parquet file: its footer and a reader of row groups. */
export interface ParquetHandle extends ParquetInfo {
  file: string;
  /** Part of the file as Arrow IPC stream bytes. */
  readIpc(options: ParquetReadOptions): Promise<Uint8Array>;
}

/** Checks the PAR1 magic at both ends, parses the footer and returns a reader. */
export async function openParquet(src: ParquetSource, file: string): Promise<ParquetHandle> {
  const size = byteLength(src);
  if (size === 0) throw new DataError({ file }, 'a Parquet file', 'an empty file (0 bytes)');
  if (size < 12) throw new DataError({ file }, 'a Parquet file (at least 12 bytes)', `${size} bytes`);
  const head = text(await bytesAt(src, 0, 4));
  if (head !== MAGIC) throw new DataError({ file }, 'a Parquet file starting with "PAR1"', `${JSON.stringify(head)}; is this a CSV file?`);
  const tail = text(await bytesAt(src, size - 4, size));
  if (tail !== MAGIC) {
    throw new DataError({ file }, 'a complete Parquet file ending with "PAR1"', `${JSON.stringify(tail)}: the file is truncated (${size} bytes); copy it again`);
  }
  const lib = await parquetWasm();
  let info: ParquetInfo;
  try {
    const pf = await lib.ParquetFile.fromFile(asBlob(src));
    const md = pf.metadata();
    const rowGroups: ParquetInfo['rowGroups'] = [];
    let at = 0;
    for (let g = 0; g < md.numRowGroups(); g++) {
      const k = md.rowGroup(g).numRows();
      rowGroups.push({ rowStart: at, rowEnd: at + k });
      at += k;
    }
    const schema = tableFromIPC(pf.schema().intoIPCStream()).schema;
    info = { numRows: md.fileMetadata().numRows(), rowGroups, columns: schema.fields.map((f) => f.name) };
    pf.free();
  } catch (e) {
    throw new DataError({ file }, 'a readable Parquet footer', `${why(e)}; the file is damaged`);
  }
  return {
    file,
    ...info,
    async readIpc(options) {
      try {
        // In memory: the synchronous reader, whose errors are ordinary exceptions.
        if (src instanceof ArrayBuffer) return lib.readParquet(new Uint8Array(src), { ...options, batchSize: 1 << 17 }).intoIPCStream();
        return await blobReader(src, options);
      } catch (e) {
        throw new DataError({ file }, 'readable Parquet pages', `${why(e)}; the file is damaged or uses an unsupported encoding`);
      }
    },
  };
}

/** Throws the schema-worded error when a wanted column is not in the file. */
function checkColumns(h: ParquetInfo, file: string, wanted: readonly string[]): void {
  for (const c of wanted) {
    if (!h.columns.includes(c)) throw new DataError({ file, column: c }, `a column named ${c}`, `only ${h.columns.map((x) => JSON.stringify(x)).join(', ')}`);
  }
}

/** Checks the PAR1 magic at both ends and parses the footer. */
export async function parquetFooter(src: ParquetSource, file: string): Promise<ParquetInfo> {
  const { numRows, rowGroups, columns } = await openParquet(src, file);
  return { numRows, rowGroups, columns };
}

/** Row-group boundaries, for reading big files one group at a time. */
export async function parquetRowGroups(src: ParquetSource, file: string): Promise<{ rowStart: number; rowEnd: number }[]> {
  return (await parquetFooter(src, file)).rowGroups;
}

/** Columns of a Parquet file as arrays (whole file, or rows [rowStart, rowEnd)). */
export interface ParquetColumns {
  n: number;
  data: Record<string, ArrayLike<unknown>>;
  /** Column names in file order. */
  names: string[];
}

const MS_PER_DAY = 86_400_000;

/**
 * One Arrow column as JS values, with the conventions the validators expect:
 * text (Utf8, and Binary decoded as UTF-8: ASOS ids are BYTE_ARRAY without a
 * UTF8 annotation) → strings; dates → days since epoch; timestamps → Date;
 * decimals → numbers (scaled); 64-bit integers → BigInt; other numbers →
 * numbers; nulls → null.
 */
export function arrowValues(vec: Vector): ArrayLike<unknown> {
  const n = vec.length;
  const type = String(vec.type);
  if (/^(Large)?Binary$/.test(type)) {
    const dec = new TextDecoder();
    const out: (string | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = vec.get(i) as Uint8Array | null;
      out[i] = v === null ? null : dec.decode(v);
    }
    return out;
  }
  if (type.startsWith('Date') || type.startsWith('Timestamp')) {
    const asDate = type.startsWith('Timestamp');
    const out: (number | Date | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = vec.get(i) as number | bigint | Date | null;
      if (v === null) out[i] = null;
      else {
        const ms = v instanceof Date ? v.getTime() : Number(v);
        out[i] = asDate ? new Date(ms) : Math.floor(ms / MS_PER_DAY);
      }
    }
    return out;
  }
  if (type.startsWith('Decimal')) {
    // Arrow hands out the unscaled integer (e.g. 5 for 0.5 at scale 1).
    const div = 10 ** (vec.type as { scale: number }).scale;
    const out: (number | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = vec.get(i) as unknown;
      out[i] = v === null || v === undefined ? null : Number(String(v)) / div;
    }
    return out;
  }
  if (vec.nullCount === 0 && /^(U?Int|Float)\d+$/.test(type)) return vec.toArray() as ArrayLike<unknown>;
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = vec.get(i) ?? null;
  return out;
}

/** All columns of an Arrow table as JS values (see arrowValues). */
export function arrowColumns(t: Table): Record<string, ArrayLike<unknown>> {
  const out: Record<string, ArrayLike<unknown>> = {};
  for (const f of t.schema.fields) out[f.name] = arrowValues(t.getChild(f.name)!);
  return out;
}

/**
 * Reads the named columns (all when omitted) of a Parquet file, or rows
 * [rowStart, rowEnd). A missing column is a DataError naming it.
 */
export async function readParquetColumns(
  src: ParquetSource,
  file: string,
  options: { columns?: string[]; rowStart?: number; rowEnd?: number } = {},
): Promise<ParquetColumns> {
  // Whole-file reads are for files that fit in memory (large ones stream by row group): read them from bytes.
  if (!(src instanceof ArrayBuffer) && src.size > 0) src = await src.arrayBuffer();
  const h = await openParquet(src, file);
  if (options.columns) checkColumns(h, file, options.columns);
  const wanted = options.columns ?? h.columns;
  const rowStart = options.rowStart ?? 0;
  const rowEnd = Math.min(options.rowEnd ?? h.numRows, h.numRows);
  const n = Math.max(0, rowEnd - rowStart);
  const data: Record<string, ArrayLike<unknown>> = {};
  if (n === 0) {
    for (const c of wanted) data[c] = [];
    return { n, data, names: wanted };
  }
  const ipc = await h.readIpc({ columns: wanted, offset: rowStart, limit: n });
  const t = tableFromIPC(ipc);
  if (t.numRows !== n) throw new DataError({ file }, `${n} rows`, `${t.numRows} rows; the file is damaged`);
  for (const c of wanted) data[c] = arrowValues(t.getChild(c)!);
  return { n, data, names: wanted };
}
