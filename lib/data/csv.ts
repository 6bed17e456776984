/**
 * Text decoding and CSV parsing for input files. Decoding is strict: a file
 * that claims UTF-8 but is not is rejected with the line and byte where it
 * breaks (MovieLens's latin-1 `u.item` must be read with `latin1`).
 */
import { DataError } from './errors';

/** Text encodings the readers accept. */
export type TextEncoding = 'utf-8' | 'latin1';

/** Decodes bytes; throws a DataError naming the line and byte offset of the first invalid UTF-8 sequence. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding, file: string): string {
  if (encoding === 'latin1') return new TextDecoder('latin1').decode(bytes);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = Math.min(firstInvalidUtf8(bytes), bytes.length - 1);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
    throw new DataError(
      { file },
      'UTF-8 text',
      `a byte 0x${bytes[at].toString(16).padStart(2, '0')} that is not UTF-8 at line ${line} (byte ${at}); re-save the file as UTF-8 or pick the latin-1 encoding`,
    );
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
  const tooLong = (at: number, length: number, col: number) =>
    new DataError({ file }, `fields of at most ${maxField} characters`, `a field of ${length} characters starting on line ${at} (field ${col})`);
  const d = delim.charCodeAt(0);
  const rows: { fields: string[]; line: number }[] = [];
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
          if (q < 0) {
            throw new DataError(
              { file },
              `a closing quote for the field that opens on line ${line} (field ${fields.length + 1})`,
              `the end of the file ${n - i} characters later; the quote swallows the rest of the file`,
            );
          }
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
