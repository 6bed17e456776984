/**
 * Schema validation for tables read from CSV text or from Parquet columns.
 * File-level problems (empty file, missing column, duplicated header, wrong
 * column type) throw a DataError; row-level problems (an unparsable or out of
 * range value, a wrong field count) are collected as bad rows with examples,
 * and the caller chooses to skip them or abort (errors.ts).
 */
import { decodeText, parseCsv, type CsvOptions, type TextEncoding } from './csv';
import { BadRowCollector, DataError, MAX_LISTED, shown, truncatedFile, type BadRow, type BadRows } from './errors';
import { dayRange, type ColumnSpec, type TableSchema } from './schema';
import { filterRows, formatIsoDay, parseIsoDay, type Column, type ColumnTable } from './table';

/** A validated table plus the rows that were dropped. */
export interface Validated {
  table: ColumnTable;
  bad: BadRows;
}

/** Options for reading a CSV file against a schema. */
export interface CsvTableOptions extends CsvOptions {
  file: string;
  encoding?: TextEncoding;
}

type Parsed = { ok: true; value: number | string | null } | { ok: false; expected: string };

/**
 * A date cell: exactly `YYYY-MM-DD`, ISO 8601's calendar date with its zeros (no time after it, no
 * spaces around it). The large path reads dates as an ENUM of these strings (lib/data/duckdb/csv-load),
 * which matches exactly this.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses and checks one text cell against its column spec. */
export function parseCell(spec: ColumnSpec, raw: string): Parsed {
  if (raw === '') return spec.nullable ? { ok: true, value: null } : { ok: false, expected: `a value (${spec.name} may not be empty)` };
  switch (spec.type) {
    case 'string':
      if (spec.pattern && !spec.pattern.test(raw)) return { ok: false, expected: spec.patternText ?? `text matching ${spec.pattern}` };
      return { ok: true, value: raw };
    case 'int':
    case 'float': {
      const v = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(v)) return { ok: false, expected: spec.type === 'int' ? 'a whole number' : 'a number' };
      if (spec.type === 'int' && !Number.isInteger(v)) return { ok: false, expected: 'a whole number' };
      return checkRange(spec, v);
    }
    case 'date': {
      const d = ISO_DATE.test(raw) ? parseIsoDay(raw) : NaN;
      return Number.isNaN(d) ? { ok: false, expected: 'a date as YYYY-MM-DD' } : checkDay(spec, d);
    }
  }
}

function checkDay(spec: ColumnSpec, d: number): Parsed {
  const r = dayRange(spec);
  if (r && (d < r[0] || d > r[1])) return { ok: false, expected: `a date from ${spec.dates![0]} to ${spec.dates![1]}` };
  return { ok: true, value: d };
}

function checkRange(spec: ColumnSpec, v: number): Parsed {
  if (spec.oneOf && !spec.oneOf.includes(v)) return { ok: false, expected: `one of ${spec.oneOf.join(', ')}` };
  if (spec.min !== undefined && v < spec.min) return { ok: false, expected: `a number ≥ ${spec.min}` };
  if (spec.above !== undefined && v <= spec.above) return { ok: false, expected: `a number > ${spec.above}` };
  if (spec.max !== undefined && v > spec.max) return { ok: false, expected: `a number ≤ ${spec.max}` };
  return { ok: true, value: v };
}

/** Checks a header row: not empty, no duplicates, every schema column present. Returns each schema column's index. */
export function checkHeader(header: readonly string[], schema: TableSchema, file: string): number[] {
  const names = header.map((h) => h.trim());
  const seen = new Map<string, number>();
  names.forEach((n, k) => {
    if (seen.has(n)) throw new DataError({ file, column: n }, 'unique column names in the header', `${shown(n)} twice (columns ${seen.get(n)! + 1} and ${k + 1})`);
    seen.set(n, k);
  });
  return schema.columns.map((c) => {
    const at = seen.get(c.name);
    if (at === undefined) {
      throw new DataError({ file, column: c.name }, `a column named ${c.name} in the ${schema.table} header`, `only ${names.map((n) => shown(n)).join(', ')}`);
    }
    return at;
  });
}

/** Allocates empty columns for a schema. */
export function allocColumns(schema: TableSchema, n: number): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const c of schema.columns) {
    switch (c.type) {
      case 'string':
        out[c.name] = { type: 'string', values: new Array<string | null>(n) };
        break;
      case 'int':
      case 'float':
        out[c.name] = { type: c.type, values: new Float64Array(n) };
        break;
      case 'date':
        out[c.name] = { type: 'date', values: new Int32Array(n) };
        break;
    }
  }
  return out;
}

function setCell(col: Column, row: number, value: number | string | null): void {
  switch (col.type) {
    case 'string':
      col.values[row] = value === null ? null : String(value);
      break;
    case 'int':
    case 'float':
      col.values[row] = value === null ? NaN : (value as number);
      break;
    case 'date':
      col.values[row] = value as number;
      break;
  }
}

/** Truncates every column to `n` rows. */
function truncate(columns: Record<string, Column>, n: number): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const [k, c] of Object.entries(columns)) {
    out[k] = c.type === 'string' ? { type: 'string', values: c.values.slice(0, n) } : ({ type: c.type, values: c.values.slice(0, n) } as Column);
  }
  return out;
}

/**
 * A row's fields less the empty ones past the header's (a trailing comma, or several): they hold no
 * data and move no value, and DuckDB's reader (the large path) ignores them too. A field past the
 * header's that is not empty (a space included) is a wrong field count.
 */
export function withoutTrailingEmpty(fields: string[], n: number): string[] {
  let end = fields.length;
  while (end > n && fields[end - 1] === '') end--;
  return end === fields.length ? fields : fields.slice(0, end);
}

/**
 * Reads a CSV file with a header row and validates it against a schema.
 * Extra columns are ignored (but must be UTF-8 like the rest); missing ones are fatal. Rows in
 * messages are 1-based data rows (the header is row 0), lines the true 1-based lines of the file
 * (a quoted field with line breaks spans lines). An unterminated quote, a field over the limit, a
 * byte that is not UTF-8, or a damaged last row with no line break after it (a truncated file)
 * fails the whole file, whatever the bad-row policy.
 */
export function readCsvTable(bytes: Uint8Array, schema: TableSchema, options: CsvTableOptions): Validated {
  const { file } = options;
  if (bytes.length === 0) throw new DataError({ file }, `a CSV file with a header and ${schema.table} rows`, 'an empty file (0 bytes)');
  const text = decodeText(bytes, options.encoding ?? 'utf-8', file, options);
  const rows = parseCsv(text, { ...options, header: true }).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  if (rows.length === 0) throw new DataError({ file }, `a CSV file with a header and ${schema.table} rows`, 'only blank lines');
  const header = rows[0].fields;
  const at = checkHeader(header, schema, file);
  if (rows.length === 1) throw new DataError({ file }, `${schema.table} rows after the header`, 'a header and no data');
  const n = rows.length - 1;
  const columns = allocColumns(schema, n);
  const bad = new BadRowCollector(file);
  const lines = new Int32Array(n);
  const headerText = header.map((h) => h.trim()).join('\0');
  let w = 0;
  let lastBad: BadRow | null = null;
  const reject = (b: BadRow) => {
    bad.add(b);
    if (b.row === rows.length - 1) lastBad = b;
  };
  for (let r = 1; r < rows.length; r++) {
    const { line } = rows[r];
    const fields = withoutTrailingEmpty(rows[r].fields, header.length);
    if (fields.length !== header.length) {
      reject({ row: r, line, column: '(all)', expected: `${header.length} fields`, found: `${fields.length} fields on line ${line}` });
      continue;
    }
    if (fields.map((f) => f.trim()).join('\0') === headerText) {
      reject({ row: r, line, column: '(all)', expected: 'a data row', found: 'the header line again (were files joined together?)' });
      continue;
    }
    let ok = true;
    const values: (number | string | null)[] = [];
    for (let k = 0; k < schema.columns.length; k++) {
      const spec = schema.columns[k];
      const p = parseCell(spec, fields[at[k]]);
      if (!p.ok) {
        reject({ row: r, line, column: spec.name, expected: p.expected, found: shown(fields[at[k]]) });
        ok = false;
        break;
      }
      values.push(p.value);
    }
    if (!ok) continue;
    for (let k = 0; k < schema.columns.length; k++) setCell(columns[schema.columns[k].name], w, values[k]);
    lines[w] = line;
    w++;
  }
  // A damaged last row with no line break after it: the file was cut short, not one row bad.
  if (lastBad && !/[\r\n]$/.test(text)) throw truncatedFile(file, lastBad);
  const kept = lines.slice(0, w);
  return { table: { name: schema.table, length: w, columns: truncate(columns, w), lines: kept }, bad: bad.result() };
}

/**
 * Validates columns that came from a typed source (Parquet): every schema
 * column must exist with a compatible type (checked on the first non-null
 * value); values are coerced (BigInt → number, numbers → strings for ids
 * that lost their padding are rejected) and checked like CSV cells.
 */
export function validateColumns(data: Record<string, ArrayLike<unknown>>, n: number, schema: TableSchema, file: string): Validated {
  for (const c of schema.columns) {
    if (!(c.name in data)) {
      throw new DataError({ file, column: c.name }, `a column named ${c.name} in ${schema.table}`, `only ${Object.keys(data).map((k) => shown(k)).join(', ')}`);
    }
    const col = data[c.name];
    let k = 0;
    while (k < n && (col[k] === null || col[k] === undefined)) k++;
    if (k < n) {
      const v = col[k];
      const isNum = typeof v === 'number' || typeof v === 'bigint';
      const wantNum = c.type === 'int' || c.type === 'float';
      const isDate = v instanceof Date;
      const ok = c.type === 'string' ? typeof v === 'string' : c.type === 'date' ? isDate || typeof v === 'string' || typeof v === 'number' : wantNum && (isNum || typeof v === 'string');
      if (!ok) throw new DataError({ file, column: c.name }, `${c.type} values`, `${typeof v === 'object' ? (v as object).constructor.name : typeof v} values such as ${shown(String(v))}`);
    }
  }
  // Column by column (tight loops), remembering each row's leftmost bad column; then the good rows are kept.
  // Columns are checked left to right, so a row's first problem found is its leftmost one. Only the first
  // MAX_EXAMPLES problems of each column keep their text: the first bad rows of the file are among them.
  const MAX_EXAMPLES = 5;
  const badColumn = new Int16Array(n).fill(-1);
  const details = schema.columns.map(() => new Map<number, { expected: string; found: string }>());
  const parsed: Column[] = [];
  schema.columns.forEach((spec, k) => {
    const raw = data[spec.name];
    const col = allocColumns({ table: schema.table, columns: [spec] }, n)[spec.name];
    for (let r = 0; r < n; r++) {
      const v = raw[r];
      // Fast paths for the common typed cases; everything else goes through coerce().
      if (col.type === 'string' && typeof v === 'string' && v !== '' && (!spec.pattern || spec.pattern.test(v))) {
        col.values[r] = v;
        continue;
      }
      if (
        (col.type === 'int' || col.type === 'float') && typeof v === 'number' && Number.isFinite(v) && (col.type === 'float' || Number.isInteger(v)) &&
        (spec.min === undefined || v >= spec.min) && (spec.above === undefined || v > spec.above) && (spec.max === undefined || v <= spec.max) &&
        (!spec.oneOf || spec.oneOf.includes(v))
      ) {
        col.values[r] = v;
        continue;
      }
      const p = coerce(spec, v);
      if (p.ok) setCell(col, r, p.value);
      else {
        if (badColumn[r] < 0) badColumn[r] = k;
        if (details[k].size < MAX_EXAMPLES) details[k].set(r, { expected: p.expected, found: foundText(spec, v) });
      }
    }
    parsed.push(col);
  });
  const bad = new BadRowCollector(file, MAX_EXAMPLES);
  const keep = new Uint8Array(n);
  let w = 0;
  for (let r = 0; r < n; r++) {
    const k = badColumn[r];
    if (k < 0) {
      keep[r] = 1;
      w++;
    } else if (bad.examples.length < MAX_EXAMPLES) {
      bad.add({ row: r + 1, column: schema.columns[k].name, ...details[k].get(r)! });
    } else if (bad.listed.length < MAX_LISTED) {
      // Past the examples, a listed row (for the download) names its column and the column's usual problem.
      const c = schema.columns[k];
      bad.add({ row: r + 1, column: c.name, expected: details[k].values().next().value?.expected ?? c.type, found: foundText(c, data[c.name][r]) });
    } else bad.count++;
  }
  const columns: Record<string, Column> = {};
  schema.columns.forEach((spec, k) => (columns[spec.name] = w === n ? parsed[k] : filterRows({ name: schema.table, length: n, columns: { c: parsed[k] } }, keep).columns.c));
  let rows: Int32Array | undefined;
  if (w < n) {
    rows = new Int32Array(w);
    for (let r = 0, j = 0; r < n; r++) if (keep[r]) rows[j++] = r + 1;
  }
  return { table: { name: schema.table, length: w, columns, rows }, bad: bad.result() };
}

/** A typed value as a message shows it: a date column's day number as its date. */
function foundText(spec: ColumnSpec, v: unknown): string {
  if (v === null || v === undefined) return shown(null);
  return shown(spec.type === 'date' && typeof v === 'number' && Number.isInteger(v) ? formatIsoDay(v) : String(v));
}

function coerce(spec: ColumnSpec, raw: unknown): Parsed {
  if (raw === null || raw === undefined) return parseCell(spec, '');
  if (raw instanceof Date) {
    if (spec.type !== 'date') return { ok: false, expected: spec.type };
    return checkDay(spec, Math.floor(raw.getTime() / 86_400_000));
  }
  if (typeof raw === 'bigint') return parseCell(spec, raw.toString());
  if (typeof raw === 'number') {
    if (spec.type === 'string') return parseCell(spec, String(raw));
    if (!Number.isFinite(raw)) return { ok: false, expected: 'a finite number' };
    if (spec.type === 'int' && !Number.isInteger(raw)) return { ok: false, expected: 'a whole number' };
    // A date from a typed source arrives as days since 1970-01-01 (arrowValues), held to the date range like a CSV date.
    if (spec.type === 'date') return Number.isInteger(raw) ? checkDay(spec, raw) : { ok: false, expected: 'a whole number of days' };
    return checkRange(spec, raw);
  }
  if (typeof raw === 'string') return parseCell(spec, raw);
  if (raw instanceof Uint8Array) return parseCell(spec, new TextDecoder().decode(raw));
  return { ok: false, expected: spec.type };
}
