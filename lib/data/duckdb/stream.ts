/**
 * Large files into DuckDB without holding them in JS memory: Parquet is read
 * one row group at a time by parquet-wasm into Arrow IPC, checked on Arrow's
 * buffers (lib/data/arrow-validate) and handed to DuckDB as it is; a group
 * with any doubt goes through the row-level validator (lib/data/validate),
 * which names the bad rows and drops them. Reading (Parquet worker), checking
 * (this thread) and inserting (DuckDB's worker) overlap, one group apart.
 * Columns typed anew as an ENUM (customer_id) are mapped to the ENUM's codes
 * here (lib/data/keycodes) and DuckDB appends the 4-byte codes, turned into
 * the ENUM by a list lookup, instead of hashing a 64-character string a row
 * into its 1.37M-value dictionary (bench/duckdb-load parquet-enum); a group
 * where a value is not in the ENUM goes through a converting copy that names
 * the rows. Other replaced types are converted by DuckDB as the group is
 * appended, with the same fallback. CSV: ./csv-load.
 */
import { Table, makeVector, tableFromIPC, tableToIPC, type Vector } from 'apache-arrow';
import { arrowIsClean } from '../arrow-validate';
import { KeyCodes } from '../keycodes';
import { BadRowCollector, DataError, MAX_LISTED, enforceBadRowPolicy, type BadRow, type BadRowPolicy, type BadRows } from '../errors';
import { arrowColumns, openParquet } from '../parquet';
import { duckdbType, type TableSchema } from '../schema';
import type { ColumnTable } from '../table';
import { validateColumns } from '../validate';
import type { DuckDbHandle } from './handle';
import { ident, literal } from './sql';
import type { RowOf } from './checks';
import { rowMap } from './csv-load';

/** The row-in-group column a validated chunk carries when ids are converted (for the bad rows' numbers). */
const ROW_COLUMN = '_row_in_group';

/** Options of parquetIntoDuckDb. */
export interface ParquetLoadOptions {
  /** Column types that replace the schema's (e.g. customer_id as an ENUM); values that do not convert are bad rows. */
  types?: Record<string, string>;
  /** Called between row groups; throws to cancel. */
  check?: () => void;
  /**
   * ENUM columns go to DuckDB as codes only when every replaced ENUM has at least this many values (default
   * ENUM_CODES_MIN_VALUES); below it DuckDB casts the strings itself as it appends.
   */
  enumCodesMinValues?: number;
  /** Filled with where the time went (ms): waiting for the Parquet worker, checking in the page, ENUM codes in the page, DuckDB. */
  timings?: { read: number; check: number; code?: number; duckdb: number };
}

/**
 * The smallest ENUM the codes pay for. bench/duckdb-load parquet-enum (pqappend branch, load 4-5, alternated with
 * DuckDB's cast): with the hm-scale customers' 1.37M values the codes took the full load from 44.8-61.0 s to
 * 42.5-52.2 s and ~10% less CPU; with `--quick`'s 100k values they were slower (618k-698k against 714k-829k rows/s),
 * DuckDB's cast into a small dictionary being cheap. The crossover lies between the two; 1M is a round value in it.
 */
export const ENUM_CODES_MIN_VALUES = 1_000_000;

/** Streams a Parquet file into `table` (created), row group by row group. Returns the rows loaded and the bad rows. */
export async function parquetIntoDuckDb(
  db: DuckDbHandle,
  file: Blob & { name: string },
  schema: TableSchema,
  table: string,
  policy: BadRowPolicy,
  onProgress?: (done: number, total: number) => void,
  options: ParquetLoadOptions = {},
): Promise<{ rows: number; bad: BadRows; rowOf?: RowOf; coded: number }> {
  const types = options.types ?? {};
  const h = await openParquet(file, file.name);
  for (const c of schema.columns) {
    if (!h.columns.includes(c.name)) {
      throw new DataError({ file: file.name, column: c.name }, `a column named ${c.name} in ${schema.table}`, `only ${h.columns.map((k) => JSON.stringify(k)).join(', ')}`);
    }
  }
  const names = schema.columns.map((c) => c.name);
  const typeOf = (c: TableSchema['columns'][number]) => types[c.name] ?? duckdbType(c.type);
  const bad = new BadRowCollector(file.name);
  const target = ident(table);
  const chunk = ident(`${table}_chunk`);
  const converted = ident(`${table}_converted`);
  const keys = ident(`${table}_keys`);
  const typed = Object.keys(types).length > 0;
  await db.run(`DROP TABLE IF EXISTS ${target}`);
  await db.run(`DROP TABLE IF EXISTS ${chunk}`);
  await db.run(`DROP TABLE IF EXISTS ${converted}`);
  await db.run(`DROP TABLE IF EXISTS ${keys}`);
  const coders = await enumCoders(db, types, keys, options.enumCodesMinValues ?? ENUM_CODES_MIN_VALUES);
  await db.run(`CREATE TABLE ${target} (${schema.columns.map((c) => `${ident(c.name)} ${typeOf(c)}`).join(', ')})`);
  const select = schema.columns.map((c) => (types[c.name] ? `TRY_CAST(${ident(c.name)} AS ${typeOf(c)}) AS ${ident(c.name)}` : ident(c.name))).join(', ');
  // Values that do not convert to a replaced type (an id that is not in the ENUM) are bad rows, not a failed load.
  const unconverted = Object.entries(types).map(([c, t]) => ({ c, where: `${ident(c)} IS NOT NULL AND TRY_CAST(${ident(c)} AS ${t}) IS NULL` }));
  // Pipelined: while DuckDB ingests group g (in its worker), the Parquet worker reads group g + 2 and this thread
  // checks group g + 1. Reads are one at a time (parquet-wasm's file object takes one read at once).
  let reading: Promise<unknown> = Promise.resolve();
  const read = (g: number) => {
    if (g >= h.rowGroups.length) return null;
    const r = reading.then(() => h.readIpc({ columns: names, rowGroups: [g] }));
    reading = r.catch(() => undefined);
    return r;
  };
  let next = read(0);
  const tm = options.timings ?? { read: 0, check: 0, duckdb: 0 };
  let t = performance.now();
  const lap = (k: keyof typeof tm) => {
    const now = performance.now();
    tm[k] = (tm[k] ?? 0) + now - t;
    t = now;
  };
  // Replaced types that are not all ENUMs are converted by DuckDB while appending: an append is one statement, so a
  // value that does not convert fails it whole and nothing of the group is kept. That group, and every later one, then
  // goes through the converting path below, which names the rows that did not convert. With ENUMs, a group that could
  // not be coded has a value that is null or not in the ENUM: it goes through the converting path straight away.
  let direct = typed && !coders;
  const ingest = async (g: number, data: Uint8Array | ColumnTable, rows: number, rowCol: string, inOrder: boolean, coded: boolean) => {
    const { rowStart, rowEnd } = h.rowGroups[g];
    if (rows > 0) {
      if (coded) {
        // ENUM columns arrive as their codes; the list of the ENUM's values (one row of the keys table) turns each back.
        const cols = names.map((n) => (coders!.has(n) ? `k.${coders!.get(n)!.list}[c.${ident(n)} + 1]` : `c.${ident(n)}`));
        await db.insert(`${table}_chunk`, data, 'create');
        await db.run(`INSERT INTO ${target} SELECT ${cols.join(', ')} FROM ${chunk} c, ${keys} k`);
        await db.run(`DROP TABLE ${chunk}`);
      } else if (!typed && inOrder) {
        // The IPC bytes are transferred to DuckDB's worker, not copied.
        await db.insert(table, data, 'append');
      } else {
        if (direct && data instanceof Uint8Array && inOrder) {
          try {
            await db.insert(table, data, 'append');
            onProgress?.(rowEnd, h.numRows);
            return;
          } catch (e) {
            if (!/Conversion|convert/i.test(e instanceof Error ? e.message : String(e))) throw e;
            direct = false;
            // The bytes went to DuckDB's worker: the group is read again.
            data = await read(g)!;
          }
        }
        await db.insert(`${table}_chunk`, data, 'create');
        // One conversion per value: the converted chunk remembers which replaced columns were null before converting,
        // so a null after it is a value that did not convert (a bad row), found without converting again.
        const flags = unconverted.map((u, k) => `${ident(u.c)} IS NULL AS _was_null_${k}`);
        await db.run(`CREATE TABLE ${converted} AS SELECT ${[select, ...flags].join(', ')} FROM ${chunk}`);
        const failed = unconverted.map((u, k) => `(${ident(u.c)} IS NULL AND NOT _was_null_${k})`).join(' OR ') || 'false';
        const [{ n: dropped }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${converted} WHERE ${failed}`);
        if (dropped > 0) {
          let added = 0;
          for (const u of unconverted) {
            const ex = await db.rows<{ v: string; r: number }>(`SELECT CAST(${ident(u.c)} AS VARCHAR) AS v, ${rowCol} AS r FROM ${chunk} WHERE ${u.where} ORDER BY r LIMIT ${MAX_LISTED}`);
            for (const e of ex) bad.add({ row: rowStart + Number(e.r) + 1, column: u.c, expected: `a ${u.c} present in the ${u.c.replace(/_id$/, '')}s table`, found: JSON.stringify(e.v) });
            added += ex.length;
          }
          // add() counted the examples; the rest of the group's dropped rows are counted here.
          bad.count += Math.max(0, dropped - added);
        }
        await db.run(`INSERT INTO ${target} SELECT ${names.map(ident).join(', ')} FROM ${converted}${dropped ? ` WHERE NOT (${failed})` : ''}`);
        await db.run(`DROP TABLE ${chunk}`);
        await db.run(`DROP TABLE ${converted}`);
      }
    }
    onProgress?.(rowEnd, h.numRows);
  };
  let ingesting: Promise<void> = Promise.resolve();
  let codedGroups = 0;
  for (let g = 0; g < h.rowGroups.length; g++) {
    const ipc = await next!;
    lap('read');
    next = read(g + 1);
    // A failed prefetch is reported when its turn comes, not as an unhandled rejection.
    next?.catch(() => undefined);
    options.check?.();
    const { rowStart, rowEnd } = h.rowGroups[g];
    const arrow = tableFromIPC(ipc);
    if (arrow.numRows !== rowEnd - rowStart) throw new DataError({ file: file.name }, `${rowEnd - rowStart} rows in row group ${g + 1}`, `${arrow.numRows}; the file is damaged`);
    let data: Uint8Array | ColumnTable = ipc;
    // Where the chunk's row k came from in the group: its rowid, or (after validation dropped rows) a kept row column.
    let rowCol = 'rowid';
    // This group's bad rows, added after the previous group's (whose conversion may still add some).
    const groupBad: BadRow[] = [];
    let unlisted = 0;
    if (!arrowIsClean(arrow, schema)) {
      const cols = arrowColumns(arrow);
      const withRow = typed ? { ...schema, columns: [...schema.columns, { name: ROW_COLUMN, type: 'int' as const, nullable: false }] } : schema;
      if (typed) {
        cols[ROW_COLUMN] = Float64Array.from({ length: arrow.numRows }, (_, k) => k);
        rowCol = ident(ROW_COLUMN);
      }
      const v = validateColumns(cols, arrow.numRows, withRow, file.name);
      // Row numbers of this group's bad rows are relative to the group: shift them to the file.
      const listed = v.bad.listed ?? v.bad.examples;
      for (const e of listed) groupBad.push({ ...e, row: e.row + rowStart });
      unlisted = v.bad.count - listed.length;
      data = v.table;
    }
    const rows = data instanceof Uint8Array ? arrow.numRows : data.length;
    // Arrow appends by position: only when the file's columns come in the schema's order (a validated table always does).
    const inOrder = !(data instanceof Uint8Array) || arrow.schema.fields.map((f) => f.name).join('\0') === names.join('\0');
    lap('check');
    // A clean group whose ENUM columns are all found gets them as codes; any other goes the ways below, which name rows.
    const codes = coders && data instanceof Uint8Array && inOrder ? codedIpc(arrow, coders) : null;
    if (codes) {
      data = codes;
      codedGroups++;
    }
    lap('code');
    await ingesting;
    lap('duckdb');
    for (const b of groupBad) bad.add(b);
    bad.count += unlisted;
    ingesting = ingest(g, data, rows, rowCol, inOrder, codes !== null);
    // A failed ingest is reported when it is awaited (next group, or the end), not as an unhandled rejection.
    ingesting.catch(() => undefined);
  }
  await ingesting;
  lap('duckdb');
  await db.run(`DROP TABLE IF EXISTS ${keys}`);
  const result = bad.result();
  enforceBadRowPolicy(result, policy);
  const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
  // The table's rows map back to the file's rows when every dropped row is listed (else later messages say no row).
  const exact = result.listed && result.listed.length === result.count;
  return { rows: n, bad: result, rowOf: exact ? rowMap(result.listed!.map((b) => b.row).sort((a, b) => a - b)) : undefined, coded: codedGroups };
}

/** An ENUM column's codes: looked up in the page (`codes`), turned back by DuckDB from column `list` of the keys table. */
interface EnumCoder {
  codes: KeyCodes;
  list: string;
}

/**
 * When every replaced type is an ENUM: the keys table `keys` (one row, each ENUM's values in code order as a list
 * of the ENUM) and a coder per column. Null otherwise (the groups are then converted by DuckDB as they are appended).
 */
async function enumCoders(db: DuckDbHandle, types: Record<string, string>, keys: string, minValues: number): Promise<Map<string, EnumCoder> | null> {
  if (!(minValues >= 0)) throw new Error(`invalid enumCodesMinValues: ${minValues}; expected a number ≥ 0`);
  const entries = Object.entries(types);
  if (entries.length === 0) return null;
  for (const [, t] of entries) {
    const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM duckdb_types() WHERE logical_type = 'ENUM' AND type_name = ${literal(t)}`);
    if (Number(n) === 0) return null;
    const [{ size }] = await db.rows<{ size: number }>(`SELECT len(enum_range(NULL::${t})) AS size`);
    if (Number(size) < minValues) return null;
  }
  const list = (k: number) => ident(`k${k}`);
  await db.run(`CREATE TEMP TABLE ${keys} AS SELECT ${entries.map(([, t], k) => `CAST(enum_range(NULL::${t}) AS ${t}[]) AS ${list(k)}`).join(', ')}`);
  const coders = new Map<string, EnumCoder>();
  for (const [k, [c]] of entries.entries()) {
    const values = (await db.arrow(`SELECT CAST(unnest(${list(k)}) AS VARCHAR) AS v FROM ${keys}`)).getChild('v')!;
    coders.set(c, { codes: new KeyCodes(values), list: list(k) });
  }
  return coders;
}

/** The group as IPC bytes with each ENUM column replaced by its codes, or null when a value is null or not in the ENUM. */
function codedIpc(arrow: Table, coders: Map<string, EnumCoder>): Uint8Array | null {
  const cols: Record<string, Vector> = {};
  for (const f of arrow.schema.fields) {
    const v = arrow.getChild(f.name)!;
    const coder = coders.get(f.name);
    if (!coder) {
      cols[f.name] = v;
      continue;
    }
    const codes = coder.codes.codes(v);
    if (!codes) return null;
    cols[f.name] = makeVector(codes);
  }
  return tableToIPC(new Table(cols), 'stream');
}
