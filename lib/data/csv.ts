/**
 * Text decoding and CSV parsing for input files. Decoding is strict: a file
 * that claims UTF-8 but is not is rejected with the line and byte where it
 * breaks (MovieLens's latin-1 `u.item` must be read with `latin1`).
 */
import { DataError, unterminatedQuote } from './errors';

/** Text encodings the readers accept. */
export type TextEncoding = 'utf-8' | 'latin1';

/** What a message about a file that is not UTF-8 advises. */
export const encodingAdvice = 're-save the file as UTF-8, or set the Data cell\'s "Encoding" to latin-1 (Windows-1252)';

/**
 * Decodes bytes; throws a DataError naming the line and byte offset of the first invalid UTF-8
 * sequence. With `csv`, the message also names the column the byte is in (from the header row), in
 * any column, used or not: a file that is not UTF-8 is read wrongly everywhere.
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding, file: string, csv?: { delimiter?: string; quotes?: boolean }): string {
  if (encoding === 'latin1') return new TextDecoder('latin1').decode(bytes);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = Math.min(firstInvalidUtf8(bytes), bytes.length - 1);
    if (!csv) {
      let line = 1;
      for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
      throw notUtf8Error(file, bytes[at], at, { line });
    }
    const scan = new CsvScanner(csv);
    scan.scan(bytes, 0, at);
    throw notUtf8Error(file, bytes[at], at, { line: scan.line, column: scan.columnName(bytes) });
  }
}

/** The message for a byte that is not UTF-8 (both paths word it the same). */
export function notUtf8Error(file: string, byte: number, offset: number, at: { line: number; column?: string }): DataError {
  return new DataError(
    { file, line: at.line, column: at.column },
    'UTF-8 text',
    `a byte 0x${byte.toString(16).padStart(2, '0')} that is not UTF-8 at line ${at.line} (byte ${offset}); ${encodingAdvice}`,
  );
}

/**
 * Walks the bytes of a CSV file with parseCsv's rules (a quote opens a field only at its start, `""`
 * inside quotes is a quote, a quoted field may span lines, blank lines are no rows) and keeps the
 * physical line, the row (the header is row 0) and the field (0-based) it has reached. Fed in chunks,
 * so a large file is walked without holding it: the large path uses it to name the true line of a row
 * (DuckDB counts rows, not lines) and both paths to name the column of a byte.
 */
export class CsvScanner {
  /** 1-based physical line of the next byte. */
  line = 1;
  /** Rows started so far, less one: the row the next byte belongs to (-1 before the first). */
  row = -1;
  /** 0-based field of the next byte within its row. */
  field = 0;
  /** Bytes walked so far. */
  offset = 0;
  /** Line breaks outside quoted fields so far: DuckDB's CSV reader numbers a row 1 + this (its "line"). */
  records = 0;
  /** Where the last quoted field opened: its 1-based line and 0-based field. */
  quoteLine = 0;
  quoteField = 0;
  /** Byte offset where the header row ends (the header's bytes, for columnName). */
  headerEnd = -1;
  private inQuote = false;
  private justClosed = false;
  private fieldStart = true;
  private rowOpen = false;
  private readonly delim: number;
  private readonly quotes: boolean;
  private readonly fast: boolean;

  /** `fast: false` walks byte by byte (the reference the jumping walk is tested against). */
  constructor(opts: { delimiter?: string; quotes?: boolean; fast?: boolean } = {}) {
    this.delim = (opts.delimiter ?? ',').charCodeAt(0);
    this.quotes = opts.quotes ?? true;
    this.fast = opts.fast ?? true;
  }

  /**
   * Walks `chunk` (the next bytes of the file) up to `end` (an offset into the chunk; default its end).
   * `onRow(row, line, record, at)` is called as each row starts (record: 1 + line breaks outside quotes before
   * it; at: the offset of its first byte in the walk); returning false stops the walk before that row (scan
   * returns false).
   */
  scan(chunk: Uint8Array, from = 0, end = chunk.length, onRow?: (row: number, line: number, record: number, at: number) => boolean): boolean {
    const d = this.delim;
    let q = -1; // the next quote at or after i (end when none), found once per stretch
    for (let i = from; i < end; i++) {
      const b = chunk[i];
      if (this.inQuote) {
        if (b === 34) {
          this.inQuote = false;
          this.justClosed = true;
        } else if (b === 10) this.line++;
        continue;
      }
      if (this.justClosed) {
        this.justClosed = false;
        if (b === 34) {
          this.inQuote = true;
          continue;
        }
      }
      if (b === 10) {
        if (this.rowOpen && this.row === 0) this.headerEnd = this.offset + (i - from);
        this.line++;
        this.records++;
        this.rowOpen = false;
        this.fieldStart = true;
        this.field = 0;
        continue;
      }
      if (b === 13) continue;
      if (!this.rowOpen) {
        this.rowOpen = true;
        this.row++;
        this.field = 0;
        if (onRow && !onRow(this.row, this.line, this.records + 1, this.offset + (i - from))) {
          this.offset += i - from;
          this.rowOpen = false;
          this.row--;
          return false;
        }
      }
      if (this.fast && b !== 34) {
        // The rest of a line with no quote in it jumps to its line break (the state resets there); a line that runs
        // past `end` has its fields counted, so the walk knows the field it stops in.
        if (q < i) {
          q = chunk.indexOf(34, i);
          if (q < 0 || q > end) q = end;
        }
        let nl = chunk.indexOf(10, i);
        if (nl < 0 || nl > end) nl = end;
        if (nl <= q) {
          if (nl === end) {
            for (let k = i; k < end; k++) {
              const c = chunk[k];
              if (c === d) {
                this.field++;
                this.fieldStart = true;
              } else if (c !== 13) this.fieldStart = false;
            }
          }
          i = nl - 1;
          continue;
        }
      }
      if (b === d) {
        this.field++;
        this.fieldStart = true;
      } else if (b === 34 && this.fieldStart && this.quotes) {
        this.inQuote = true;
        this.fieldStart = false;
        this.quoteLine = this.line;
        this.quoteField = this.field;
      } else this.fieldStart = false;
    }
    this.offset += end - from;
    return true;
  }

  /** True while the walk is inside a quoted field (at the end of a file: an unterminated quote). */
  get quoted(): boolean {
    return this.inQuote;
  }

  /** A copy of the walk's state, to resume from later. */
  clone(): CsvScanner {
    return Object.assign(Object.create(CsvScanner.prototype) as CsvScanner, this);
  }

  /** The header's name of the current field, from the file's first bytes (`field N` past the header's fields). */
  columnName(head: Uint8Array): string {
    const end = this.headerEnd >= 0 ? this.headerEnd : Math.min(head.length, this.offset);
    const text = new TextDecoder('utf-8').decode(head.subarray(0, end)).replace(/^\uFEFF/, '');
    const header = parseCsv(text.replace(/\r$/, ''), { delimiter: String.fromCharCode(this.delim), quotes: this.quotes })[0]?.fields ?? [];
    return header[this.field]?.trim() || `field ${this.field + 1}`;
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (bytes.length when valid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0 || i + need >= bytes.length + (need === 0 ? 1 : 0)) return i;
    for (let k = 1; k <= need; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** CSV dialect. */
export interface CsvOptions {
  /** Field separator; default ','. */
  delimiter?: string;
  /** Whether double quotes delimit fields (RFC 4180); default true. MovieLens files are unquoted. */
  quotes?: boolean;
  /** File name for error messages; default "(CSV text)". */
  file?: string;
  /** Longest field accepted, in characters; default MAX_FIELD_CHARS. A longer one is an error, not a row. */
  maxField?: number;
  /** The first row is a header: errors after it name the column. */
  header?: boolean;
}

/** Longest CSV field accepted by default (1 MiB of text): H&M's longest, detail_desc, is under 1 kB. */
export const MAX_FIELD_CHARS = 2 ** 20;

/**
 * Parses CSV text into rows of fields (RFC 4180: quoted fields, doubled
 * quotes, CRLF or LF). A trailing newline does not produce an empty row.
 * Returns each row with its 1-based line number for error messages.
 * A file that cannot be parsed to its end is an error, never a shorter table:
 * an unterminated quote, or a field longer than `maxField`, throws a DataError
 * naming the line where the field starts.
 */
export function parseCsv(text: string, options: CsvOptions = {}): { fields: string[]; line: number }[] {
  const delim = options.delimiter ?? ',';
  if (delim.length !== 1) throw new Error(`invalid delimiter: ${JSON.stringify(delim)}; expected one character`);
  const quotes = options.quotes ?? true;
  const file = options.file ?? '(CSV text)';
  const maxField = options.maxField ?? MAX_FIELD_CHARS;
  const rows: { fields: string[]; line: number }[] = [];
  const columnOf = (col: number) => (options.header && rows.length > 0 ? rows[0].fields[col - 1]?.trim() || `field ${col}` : undefined);
  const tooLong = (at: number, length: number, col: number) =>
    new DataError({ file, line: at, column: columnOf(col) }, `fields of at most ${maxField} characters`, `a field of ${length} characters starting on line ${at} (field ${col})`);
  const d = delim.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (quotes && text.charCodeAt(i) === 34) {
        let j = i + 1;
        let out = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw unterminatedQuote(file, line, columnOf(fields.length + 1), fields.length + 1);
          out += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            j = q + 2;
          } else {
            j = q + 1;
            break;
          }
        }
        for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) line++;
        value = out;
        if (value.length > maxField) throw tooLong(startLine, value.length, fields.length + 1);
        i = j;
        // Anything between the closing quote and the delimiter is kept, as lenient readers do.
        while (i < n && text.charCodeAt(i) !== d && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) value += text[i++];
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        if (j - i > maxField) throw tooLong(line, j - i, fields.length + 1);
        value = text.slice(i, j);
        i = j;
      }
      fields.push(value);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        continue;
      }
      // End of line: CRLF or LF (or lone CR).
      if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
      else i++;
      line++;
      break;
    }
    rows.push({ fields, line: startLine });
  }
  return rows;
}
