/**
 * Large files into DuckDB without holding them in JS memory: Parquet is read
 * one row group at a time by parquet-wasm into Arrow IPC, checked on Arrow's
 * buffers (lib/data/arrow-validate) and handed to DuckDB as it is; a group
 * with any doubt goes through the row-level validator (lib/data/validate),
 * which names the bad rows and drops them. CSV is registered as a file
 * handle and read by DuckDB's own read_csv with the schema's column types,
 * rejected rows kept in DuckDB's reject tables.
 */
import { tableFromIPC } from 'apache-arrow';
import { arrowIsClean } from '../arrow-validate';
import { decodeText, parseCsv } from '../csv';
import { BadRowCollector, DataError, enforceBadRowPolicy, shown, type BadRowPolicy, type BadRows } from '../errors';
import { arrowColumns, openParquet } from '../parquet';
import { duckdbType, type TableSchema } from '../schema';
import type { ColumnTable } from '../table';
import { checkHeader, validateColumns } from '../validate';
import type { DuckDbHandle } from './handle';
import { ident, literal } from './sql';

/** The row-in-group column a validated chunk carries when ids are converted (for the bad rows' numbers). */
const ROW_COLUMN = '_row_in_group';

/** Options of parquetIntoDuckDb. */
export interface ParquetLoadOptions {
  /** Column types that replace the schema's (e.g. customer_id as an ENUM); values that do not convert are bad rows. */
  types?: Record<string, string>;
  /** Called between row groups; throws to cancel. */
  check?: () => void;
  /** Filled with where the time went (ms): waiting for the Parquet worker, checking in the page, DuckDB. */
  timings?: { read: number; check: number; duckdb: number };
}

/** Streams a Parquet file into `table` (created), row group by row group. Returns the rows loaded and the bad rows. */
export async function parquetIntoDuckDb(
  db: DuckDbHandle,
  file: Blob & { name: string },
  schema: TableSchema,
  table: string,
  policy: BadRowPolicy,
  onProgress?: (done: number, total: number) => void,
  options: ParquetLoadOptions = {},
): Promise<{ rows: number; bad: BadRows }> {
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
  const typed = Object.keys(types).length > 0;
  await db.run(`DROP TABLE IF EXISTS ${target}`);
  await db.run(`DROP TABLE IF EXISTS ${chunk}`);
  await db.run(`DROP TABLE IF EXISTS ${converted}`);
  await db.run(`CREATE TABLE ${target} (${schema.columns.map((c) => `${ident(c.name)} ${typeOf(c)}`).join(', ')})`);
  const select = schema.columns.map((c) => (types[c.name] ? `TRY_CAST(${ident(c.name)} AS ${typeOf(c)}) AS ${ident(c.name)}` : ident(c.name))).join(', ');
  // Values that do not convert to a replaced type (an id that is not in the ENUM) are bad rows, not a failed load.
  const unconverted = Object.entries(types).map(([c, t]) => ({ c, where: `${ident(c)} IS NOT NULL AND TRY_CAST(${ident(c)} AS ${t}) IS NULL` }));
  // The next row group is read (in the Parquet worker) while this one is checked and inserted.
  const read = (g: number) => (g < h.rowGroups.length ? h.readIpc({ columns: names, rowGroups: [g] }) : null);
  let next = read(0);
  const tm = options.timings ?? { read: 0, check: 0, duckdb: 0 };
  let t = performance.now();
  const lap = (k: keyof typeof tm) => {
    const now = performance.now();
    tm[k] += now - t;
    t = now;
  };
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
    if (!arrowIsClean(arrow, schema)) {
      const cols = arrowColumns(arrow);
      const withRow = typed ? { ...schema, columns: [...schema.columns, { name: ROW_COLUMN, type: 'int' as const, nullable: false }] } : schema;
      if (typed) {
        cols[ROW_COLUMN] = Float64Array.from({ length: arrow.numRows }, (_, k) => k);
        rowCol = ident(ROW_COLUMN);
      }
      const v = validateColumns(cols, arrow.numRows, withRow, file.name);
      // Row numbers of this group's bad rows are relative to the group: shift them to the file.
      for (const e of v.bad.examples) bad.add({ ...e, row: e.row + rowStart });
      bad.count += v.bad.count - v.bad.examples.length;
      data = v.table;
    }
    lap('check');
    if ((data instanceof Uint8Array ? arrow.numRows : data.length) > 0) {
      // Arrow appends by position: only when the file's columns come in the schema's order (a validated table always does).
      const inOrder = !(data instanceof Uint8Array) || arrow.schema.fields.map((f) => f.name).join('\0') === names.join('\0');
      if (!typed && inOrder) {
        // The IPC bytes are transferred to DuckDB's worker, not copied.
        await db.insert(table, data, 'append');
      } else {
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
            const ex = await db.rows<{ v: string; r: number }>(`SELECT CAST(${ident(u.c)} AS VARCHAR) AS v, ${rowCol} AS r FROM ${chunk} WHERE ${u.where} ORDER BY r LIMIT 5`);
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
    lap('duckdb');
    onProgress?.(rowEnd, h.numRows);
  }
  const result = bad.result();
  enforceBadRowPolicy(result, policy);
  const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
  return { rows: n, bad: result };
}

/** The header line of a CSV file (BOM and CR dropped), read from its first 1 MiB. */
export async function csvHeader(file: Blob & { name: string }): Promise<string[]> {
  const head = new Uint8Array(await file.slice(0, 2 ** 20).arrayBuffer());
  const nl = head.indexOf(10);
  if (head.length === 0) throw new DataError({ file: file.name }, 'a CSV file with a header row', 'an empty file (0 bytes)');
  if (nl < 0 && head.length === 2 ** 20) throw new DataError({ file: file.name }, 'a header line under 1 MiB', 'no line break in the first 1 MiB');
  const text = decodeText(head.subarray(0, nl < 0 ? head.length : nl), 'utf-8', file.name).replace(/\r$/, '');
  return parseCsv(text, { file: file.name })[0]?.fields ?? [];
}

/**
 * The schema's value checks as SQL predicates over a loaded table, one per column, each true on a bad
 * value: empty where not nullable, pattern (ids), bounds, allowed values. Columns whose type was
 * replaced (an ENUM of known ids) are checked by the conversion itself, and so are the id formats of
 * `joined` columns by the referential check that follows.
 */
export function sqlChecks(schema: TableSchema, types: Record<string, string> = {}, joined: readonly string[] = []): { column: string; bad: string; expected: string }[] {
  const out: { column: string; bad: string; expected: string }[] = [];
  for (const c of schema.columns) {
    const col = ident(c.name);
    const parts: { bad: string; expected: string }[] = [];
    if (!c.nullable) parts.push({ bad: `${col} IS NULL`, expected: `a value (${c.name} may not be empty)` });
    if (!types[c.name]) {
      if (c.pattern && !joined.includes(c.name)) parts.push({ bad: `NOT regexp_full_match(${col}, ${literal(c.pattern.source.replace(/^\^|\$$/g, ''))})`, expected: c.patternText ?? `text matching ${c.pattern}` });
      if (c.oneOf) parts.push({ bad: `${col} NOT IN (${c.oneOf.join(', ')})`, expected: `one of ${c.oneOf.join(', ')}` });
      if (c.min !== undefined) parts.push({ bad: `${col} < ${c.min}`, expected: `a number ≥ ${c.min}` });
      if (c.max !== undefined) parts.push({ bad: `${col} > ${c.max}`, expected: `a number ≤ ${c.max}` });
    }
    for (const p of parts) out.push({ column: c.name, ...p });
  }
  return out;
}

/**
 * Applies the schema's value checks to a loaded table in SQL (one scan to count, one for examples):
 * counts bad rows, takes the first examples with their leftmost bad column, and deletes the bad rows
 * (under `abort` it throws first). `rowOf` maps a 0-based row of the table to the file's 1-based data row.
 */
export async function checkLoadedTable(
  db: DuckDbHandle,
  table: string,
  schema: TableSchema,
  file: string,
  types: Record<string, string>,
  policy: BadRowPolicy,
  rowOf: (row: number) => number,
  joined: readonly string[] = [],
): Promise<BadRows> {
  const checks = sqlChecks(schema, types, joined);
  const bad = new BadRowCollector(file);
  if (checks.length === 0) return bad.result();
  // NULL-safe: a check on a NULL value is not a bad value (the IS NULL check says so where that matters).
  const any = checks.map((c) => `coalesce(${c.bad}, false)`).join(' OR ');
  const t = ident(table);
  const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE ${any}`);
  if (Number(n) === 0) return bad.result();
  const which = `CASE ${checks.map((c, k) => `WHEN coalesce(${c.bad}, false) THEN ${k}`).join(' ')} END`;
  const examples = await db.rows<{ r: number; k: number; v: string | null }>(
    `SELECT r, k, CASE ${checks.map((c, k) => `WHEN k = ${k} THEN CAST(${ident(c.column)} AS VARCHAR)`).join(' ')} END AS v
     FROM (SELECT *, ${which} AS k FROM (SELECT *, rowid AS r FROM ${t}) WHERE ${any}) ORDER BY r LIMIT 5`,
  );
  for (const e of examples) {
    const c = checks[Number(e.k)];
    bad.add({ row: rowOf(Number(e.r)), column: c.column, expected: c.expected, found: shown(e.v) });
  }
  bad.count = Number(n);
  const result = bad.result();
  enforceBadRowPolicy(result, policy);
  await db.run(`DELETE FROM ${t} WHERE ${any}`);
  return result;
}

/**
 * Loads a CSV file into `table` with DuckDB's reader (the file is registered, not copied), with the
 * same contract as the in-memory reader: the header is checked by name (missing or repeated columns
 * fail; extra ones are ignored; columns map by name, in any order), rows that do not parse are
 * counted from DuckDB's reject table, and the schema's value checks (empty values, id formats,
 * ranges) run in SQL on the loaded table. Bad rows are dropped under `skip`; `abort` throws.
 * `joined` names id columns that the caller checks against another table afterwards (large.ts:
 * article_id against the articles): their format check would only repeat that, at a regex a row.
 * Row numbers are 1-based data rows, as on the in-memory path.
 */
export async function csvIntoDuckDb(
  db: DuckDbHandle,
  file: File,
  schema: TableSchema,
  table: string,
  policy: BadRowPolicy,
  /** Column types that replace the schema's (e.g. customer_id as an ENUM). */
  types: Record<string, string> = {},
  /** Id columns checked against another table afterwards (their format check is skipped here). */
  joined: readonly string[] = [],
): Promise<{ rows: number; bad: BadRows }> {
  const header = (await csvHeader(file)).map((h) => h.trim());
  checkHeader(header, schema, file.name);
  const name = `upload_${table}.csv`;
  await db.registerFile(name, file);
  const specOf = new Map(schema.columns.map((c) => [c.name, c]));
  // Every column of the file in its order (read_csv's `columns` is positional); extra columns as text, not kept.
  const cols = header.map((h) => `${literal(h)}: ${literal(types[h] ?? (specOf.has(h) ? duckdbType(specOf.get(h)!.type) : 'VARCHAR'))}`).join(', ');
  const rejects = `reject_errors_${table}`;
  await db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
  await db.run(
    `CREATE TABLE ${ident(table)} AS SELECT ${schema.columns.map((c) => ident(c.name)).join(', ')} FROM read_csv('${name}', header = true, columns = {${cols}}, store_rejects = true, rejects_table = '${rejects}', rejects_scan = 'reject_scans_${table}')`,
  );
  const rejected = await db.rows<{ line: number; column_name: string | null; error_type: string; csv_line: string; error_message: string }>(
    `SELECT line, column_name, error_type, csv_line, error_message FROM ${rejects} ORDER BY line LIMIT 5`,
  );
  const [{ k }] = await db.rows<{ k: number }>(`SELECT count(DISTINCT line) AS k FROM ${rejects}`);
  const bad = new BadRowCollector(file.name);
  for (const r of rejected) bad.add({ row: Number(r.line) - 1, column: r.column_name ?? '(all)', expected: r.error_type, found: r.error_message.split('\n')[0] });
  bad.count = Number(k);
  enforceBadRowPolicy(bad.result(), policy);
  // Data rows of the loaded table's rows: the file's rows less the rejected ones (examples only, so a few lookups).
  const rejectedRows = Number(k) === 0 ? [] : (await db.rows<{ line: number }>(`SELECT DISTINCT line FROM ${rejects} ORDER BY line LIMIT 100000`)).map((r) => Number(r.line) - 1);
  const rowOf = (r: number) => {
    let row = r + 1;
    for (const x of rejectedRows) if (x <= row) row++;
    return row;
  };
  const checked = await checkLoadedTable(db, table, schema, file.name, types, policy, rowOf, joined);
  const all: BadRows = {
    file: file.name,
    count: Number(k) + checked.count,
    examples: [...bad.examples, ...checked.examples].sort((a, b) => a.row - b.row).slice(0, 5),
  };
  const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
  return { rows: Number(n), bad: all };
}
