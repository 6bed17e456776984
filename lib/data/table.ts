/**
 * A column-oriented table: what readers and the demo generator produce and
 * what the app inserts into DuckDB (as Arrow). Integers and floats share one
 * Float64Array column type with NaN for null, which keeps every numeric
 * column one typed array; dates are days since 1970-01-01 (UTC).
 */

/** One column's values. */
export type Column =
  | { type: 'string'; values: (string | null)[] }
  | { type: 'int'; values: Float64Array } // NaN is null
  | { type: 'float'; values: Float64Array } // NaN is null
  | { type: 'date'; values: Int32Array }; // days since epoch, never null

export type ColumnType = Column['type'];

/** A named set of equally long columns, in schema order. */
export interface ColumnTable {
  name: string;
  length: number;
  columns: Record<string, Column>;
  /** Read from a file with rows dropped: each row's 1-based data row in the file (messages name it). */
  rows?: Int32Array;
  /** Read from a text file: each row's 1-based line in the file, counting the header. */
  lines?: Int32Array;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a `YYYY-MM-DD` string, or NaN when it is not a valid date. */
export function parseIsoDay(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  if (s.length > 10 && !/^[ T]\d\d:\d\d(:\d\d(\.\d+)?)?Z?$/.test(s.slice(10))) return NaN;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCDate() !== d) return NaN; // 2020-02-31 and friends
  return Math.round(t / MS_PER_DAY);
}

/** `YYYY-MM-DD` for days since epoch. */
export function formatIsoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Keeps the rows whose index is set in `keep` (length = table.length). */
export function filterRows(table: ColumnTable, keep: Uint8Array): ColumnTable {
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i] ? 1 : 0;
  const columns: Record<string, Column> = {};
  for (const [name, col] of Object.entries(table.columns)) {
    switch (col.type) {
      case 'string': {
        const out: (string | null)[] = new Array(n);
        let w = 0;
        for (let i = 0; i < keep.length; i++) if (keep[i]) out[w++] = col.values[i];
        columns[name] = { type: 'string', values: out };
        break;
      }
      case 'int':
      case 'float': {
        const out = new Float64Array(n);
        let w = 0;
        for (let i = 0; i < keep.length; i++) if (keep[i]) out[w++] = col.values[i];
        columns[name] = { type: col.type, values: out };
        break;
      }
      case 'date': {
        const out = new Int32Array(n);
        let w = 0;
        for (let i = 0; i < keep.length; i++) if (keep[i]) out[w++] = col.values[i];
        columns[name] = { type: 'date', values: out };
        break;
      }
    }
  }
  return { name: table.name, length: n, columns };
}

/** Rows start..end-1 of a table: typed columns as views (no copy), string columns as arrays of the same strings. */
export function sliceRows(table: ColumnTable, start: number, end: number): ColumnTable {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= table.length)) {
    throw new Error(`invalid row range: ${start}..${end}; expected whole numbers with 0 ≤ start ≤ end ≤ ${table.length}`);
  }
  const columns: Record<string, Column> = {};
  for (const [name, col] of Object.entries(table.columns)) {
    columns[name] = col.type === 'string' ? { type: 'string', values: col.values.slice(start, end) } : col.type === 'date' ? { type: 'date', values: col.values.subarray(start, end) } : { type: col.type, values: col.values.subarray(start, end) };
  }
  return { name: table.name, length: end - start, columns };
}

/** The value of one cell as text (for error examples and CSV output); null stays null. */
export function cellText(col: Column, i: number): string | null {
  switch (col.type) {
    case 'string':
      return col.values[i];
    case 'int':
    case 'float':
      return Number.isNaN(col.values[i]) ? null : String(col.values[i]);
    case 'date':
      return formatIsoDay(col.values[i]);
  }
}

/** Typed accessor that throws a precise error when a column is missing or of another type. */
export function column<T extends ColumnType>(table: ColumnTable, name: string, type: T): Extract<Column, { type: T }> {
  const col = table.columns[name];
  if (!col) throw new Error(`invalid table ${table.name}: no column ${name}; expected one of ${Object.keys(table.columns).join(', ')}`);
  if (col.type !== type) throw new Error(`invalid column ${table.name}.${name}: type ${col.type}; expected ${type}`);
  return col as Extract<Column, { type: T }>;
}

/** Serialises a table as RFC 4180 CSV with a header (used for DuckDB ingestion and benchmarks). */
export function toCsv(table: ColumnTable): string {
  const names = Object.keys(table.columns);
  const cols = names.map((n) => table.columns[n]);
  const days = new Map<number, string>();
  const quote = (t: string) =>
    t.indexOf('"') >= 0 || t.indexOf(',') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0 ? `"${t.replace(/"/g, '""')}"` : t;
  const cell = (c: Column, i: number): string => {
    switch (c.type) {
      case 'string': {
        const v = c.values[i];
        return v === null ? '' : quote(v);
      }
      case 'int':
      case 'float': {
        const v = c.values[i];
        return Number.isNaN(v) ? '' : String(v);
      }
      case 'date': {
        const d = c.values[i];
        let t = days.get(d);
        if (t === undefined) days.set(d, (t = formatIsoDay(d)));
        return t;
      }
    }
  };
  const parts: string[] = [names.join(',')];
  for (let i = 0; i < table.length; i++) {
    let line = cell(cols[0], i);
    for (let k = 1; k < cols.length; k++) line += ',' + cell(cols[k], i);
    parts.push(line);
  }
  return parts.join('\n') + '\n';
}
