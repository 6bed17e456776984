/**
 * Where rows of a large CSV file are, by walking its bytes (lib/data/csv CsvScanner) in chunks: a row's
 * true line in the file (1-based, counting the header; a quoted field with line breaks spans lines) and
 * its data row. DuckDB's reader numbers rows by its own count (1 + line breaks outside quotes, blank
 * lines included), so the large path asks here before it names a line. Only files with bad rows are
 * walked, and only up to the last row asked for; states at chunk starts are kept, so a later question
 * about later rows resumes instead of starting over.
 */
import { CsvScanner, firstInvalidUtf8, parseCsv } from '../csv';
import type { BadRow, BadRows } from '../errors';

/** A row's 1-based data row (the header is row 0), its 1-based line in the file and the offset of its first byte. */
export interface RowPlace {
  row: number;
  line: number;
  at: number;
}

export class FileLines {
  private readonly starts = new Map<number, CsvScanner>();

  constructor(
    private readonly file: Blob,
    private readonly chunk = 8 * 2 ** 20,
  ) {}

  /**
   * The places of rows named by `by`: `record`, DuckDB's row number (its reject table's `line`), or
   * `row`, the 1-based data row. Keys past the end of the file are left out of the map.
   */
  async find(keys: Iterable<number>, by: 'record' | 'row'): Promise<Map<number, RowPlace>> {
    const want = [...new Set(keys)].sort((a, b) => a - b);
    const out = new Map<number, RowPlace>();
    if (want.length === 0) return out;
    // Resume from the last kept chunk start before the first row asked for.
    let s = new CsvScanner();
    for (const [, st] of this.starts) {
      const before = by === 'row' ? st.row + 1 < want[0] : st.records + 1 < want[0];
      if (before && st.offset > s.offset) s = st;
    }
    s = s.clone();
    let k = 0;
    const onRow = (row: number, line: number, record: number, at: number) => {
      const key = by === 'row' ? row : record;
      while (k < want.length && want[k] < key) k++;
      if (k < want.length && want[k] === key) {
        out.set(key, { row, line, at });
        k++;
      }
      return k < want.length;
    };
    while (k < want.length && s.offset < this.file.size) {
      const at = s.offset;
      if (at % this.chunk === 0 && !this.starts.has(at)) this.starts.set(at, s.clone());
      const bytes = new Uint8Array(await this.file.slice(at, at + this.chunk - (at % this.chunk)).arrayBuffer());
      if (!s.scan(bytes, 0, bytes.length, onRow)) break;
    }
    return out;
  }

  /** The walk at the file's end: `row` is its number of data rows; `quoted` whether it ends inside a quoted field. */
  async end(): Promise<CsvScanner> {
    let s = new CsvScanner();
    for (const [, st] of this.starts) if (st.offset > s.offset) s = st;
    s = s.clone();
    while (s.offset < this.file.size) {
      const at = s.offset;
      if (at % this.chunk === 0 && !this.starts.has(at)) this.starts.set(at, s.clone());
      s.scan(new Uint8Array(await this.file.slice(at, at + this.chunk - (at % this.chunk)).arrayBuffer()));
    }
    return s;
  }
}

/**
 * Fills in the true line of every bad row (examples and listed) from the file's walk; `refine`, where given,
 * may then reword a bad row from its place in the file (its bytes start at `place.at`).
 */
export async function placeLines(bad: BadRows, lines: FileLines, refine?: (b: BadRow, place: RowPlace) => Promise<BadRow>): Promise<BadRows> {
  const rows = [...bad.examples, ...(bad.listed ?? [])].map((b) => b.row);
  if (rows.length === 0) return bad;
  const at = await lines.find(rows, 'row');
  const fix = async (b: BadRow): Promise<BadRow> => {
    const place = at.get(b.row);
    if (!place) return b;
    const placed = { ...b, line: place.line };
    return refine ? refine(placed, place) : placed;
  };
  const each = async (list: BadRow[]) => {
    const out: BadRow[] = [];
    for (const b of list) out.push(await fix(b));
    return out;
  };
  return { ...bad, examples: await each(bad.examples), listed: bad.listed && (await each(bad.listed)) };
}

/**
 * The fields of the row whose first byte is at `at` (lib/data/csv's rules: a quoted field may span lines),
 * read from the file by a few KiB at a time up to the row's end.
 */
export async function rowFields(file: Blob, at: number, decode: (bytes: Uint8Array) => string): Promise<string[]> {
  for (let size = 4096; ; size *= 4) {
    const bytes = new Uint8Array(await file.slice(at, at + size).arrayBuffer());
    let end = -1;
    new CsvScanner().scan(bytes, 0, bytes.length, (row, _line, _record, start) => {
      if (row === 0) return true;
      end = start;
      return false;
    });
    if (end >= 0 || at + bytes.length >= file.size) {
      const text = decode(bytes.subarray(0, end >= 0 ? end : bytes.length)).replace(/[\r\n]+$/, '');
      return parseCsv(text)[0]?.fields ?? [];
    }
  }
}

/** The line and field (0-based) of byte `at` of a file, walking it from the start. */
export async function locateByte(file: Blob, at: number, chunk = 8 * 2 ** 20): Promise<CsvScanner> {
  const s = new CsvScanner();
  for (let pos = 0; pos < at; pos += chunk) {
    const bytes = new Uint8Array(await file.slice(pos, Math.min(at, pos + chunk)).arrayBuffer());
    s.scan(bytes);
  }
  return s;
}

/**
 * Whether the quoted field that opens at byte `at` (its quote) runs to the end of the file: RFC 4180,
 * `""` inside it is a quote. A field closed later, with text after its quote, is a bad row instead.
 */
export async function quoteRunsToEnd(file: Blob, at: number, chunk = 8 * 2 ** 20): Promise<boolean> {
  let closing = false;
  for (let pos = at + 1; pos < file.size; pos += chunk) {
    const bytes = new Uint8Array(await file.slice(pos, pos + chunk).arrayBuffer());
    for (let i = 0; i < bytes.length; i++) {
      if (closing) {
        if (bytes[i] !== 34) return false;
        closing = false;
      } else if (bytes[i] === 34) closing = true;
    }
  }
  return !closing;
}

/** Where a quoted field that runs to the end of the file opens (its line, 0-based field), or null: walks the whole file. */
export async function openQuoteAtEnd(file: Blob, chunk = 8 * 2 ** 20): Promise<{ line: number; field: number } | null> {
  const s = new CsvScanner();
  for (let pos = 0; pos < file.size; pos += chunk) s.scan(new Uint8Array(await file.slice(pos, pos + chunk).arrayBuffer()));
  return s.quoted ? { line: s.quoteLine, field: s.quoteField } : null;
}

/** Offset of a file's first byte that is not UTF-8, or -1: walks the whole file. */
export async function firstInvalidUtf8In(file: Blob, chunk = 8 * 2 ** 20): Promise<number> {
  let pos = 0;
  while (pos < file.size) {
    const bytes = new Uint8Array(await file.slice(pos, pos + chunk).arrayBuffer());
    const i = firstInvalidUtf8(bytes);
    const end = pos + bytes.length >= file.size;
    if (i === bytes.length) pos += bytes.length;
    // A sequence cut by the chunk's end is read again from its first byte, with the next chunk.
    else if (!end && i > 0 && i >= bytes.length - 3) pos += i;
    else return pos + i;
  }
  return -1;
}
