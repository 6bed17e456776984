/**
 * Parquet reading through hyparquet (pure JS, works offline in the browser
 * and in Node; DuckDB-WASM's own Parquet reader needs the network). Columns
 * come back as plain arrays; INT64 columns arrive as BigInt and are coerced
 * by the validators. Truncated or corrupt files become DataErrors.
 */
import { parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from './errors';

/** A file-like source: an ArrayBuffer or anything with byteLength + slice (a browser File adapter, a Node file). */
export type ParquetSource = ArrayBuffer | AsyncBuffer;

/** Wraps a browser `Blob`/`File` as an AsyncBuffer so only the needed byte ranges are read. */
export function asyncBufferFromBlob(blob: { size: number; slice(start: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> } }): AsyncBuffer {
  return { byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer() };
}

const MAGIC = 'PAR1';

async function magicAt(src: ParquetSource, start: number): Promise<string> {
  const buf = await src.slice(start, start + 4);
  return String.fromCharCode(...new Uint8Array(buf));
}

/** Checks the PAR1 magic at both ends and parses the footer. */
export async function parquetFooter(src: ParquetSource, file: string): Promise<FileMetaData> {
  if (src.byteLength === 0) throw new DataError({ file }, 'a Parquet file', 'an empty file (0 bytes)');
  if (src.byteLength < 12) throw new DataError({ file }, 'a Parquet file (at least 12 bytes)', `${src.byteLength} bytes`);
  const head = await magicAt(src, 0);
  if (head !== MAGIC) throw new DataError({ file }, 'a Parquet file starting with "PAR1"', `${JSON.stringify(head)}; is this a CSV file?`);
  const tail = await magicAt(src, src.byteLength - 4);
  if (tail !== MAGIC) {
    throw new DataError({ file }, 'a complete Parquet file ending with "PAR1"', `${JSON.stringify(tail)}: the file is truncated (${src.byteLength} bytes); copy it again`);
  }
  try {
    return await parquetMetadataAsync(src);
  } catch (e) {
    throw new DataError({ file }, 'a readable Parquet footer', `${(e as Error).message}; the file is damaged`);
  }
}

/** Columns of a Parquet file as arrays (whole file, or rows [rowStart, rowEnd)). */
export interface ParquetColumns {
  n: number;
  data: Record<string, unknown[]>;
  /** Column names in file order. */
  names: string[];
}

/**
 * Reads the named columns (all when omitted) of a Parquet file.
 * `utf8: false` keeps binary columns as Uint8Array (ASOS user ids are BYTE_ARRAY without a UTF8 annotation;
 * hyparquet decodes them as strings by default, which is what we want, so the default is true).
 */
export async function readParquetColumns(
  src: ParquetSource,
  file: string,
  options: { columns?: string[]; rowStart?: number; rowEnd?: number } = {},
): Promise<ParquetColumns> {
  const metadata = await parquetFooter(src, file);
  const names = metadata.schema.slice(1).filter((s) => !s.num_children).map((s) => s.name);
  if (options.columns) {
    for (const c of options.columns) {
      if (!names.includes(c)) throw new DataError({ file, column: c }, `a column named ${c}`, `only ${names.map((x) => JSON.stringify(x)).join(', ')}`);
    }
  }
  const wanted = options.columns ?? names;
  const total = Number(metadata.num_rows);
  const rowStart = options.rowStart ?? 0;
  const rowEnd = Math.min(options.rowEnd ?? total, total);
  const n = Math.max(0, rowEnd - rowStart);
  const data: Record<string, unknown[]> = {};
  for (const c of wanted) data[c] = new Array(n);
  try {
    await parquetRead({
      file: src,
      metadata,
      compressors,
      // Days stay numbers (the validators read them as days since epoch); Date objects per row are slow.
      parsers: { dateFromDays: (days: number) => days },
      columns: wanted,
      rowStart,
      rowEnd,
      onChunk: (chunk) => {
        const out = data[chunk.columnName];
        if (!out) return;
        const values = chunk.columnData;
        for (let k = 0; k < values.length; k++) {
          const r = chunk.rowStart + k - rowStart;
          if (r >= 0 && r < n) out[r] = values[k];
        }
      },
    });
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError({ file }, 'readable Parquet pages', `${(e as Error).message}; the file is damaged or uses an unsupported encoding`);
  }
  return { n, data, names: wanted };
}

/** Row-group boundaries, for reading big files one group at a time. */
export async function parquetRowGroups(src: ParquetSource, file: string): Promise<{ rowStart: number; rowEnd: number }[]> {
  const md = await parquetFooter(src, file);
  const out: { rowStart: number; rowEnd: number }[] = [];
  let at = 0;
  for (const g of md.row_groups) {
    const k = Number(g.num_rows);
    out.push({ rowStart: at, rowEnd: at + k });
    at += k;
  }
  return out;
}
