/**
 * CSV files into DuckDB without holding them in JS memory (the large-file path): the file is
 * registered as a file handle and read by DuckDB's own read_csv, with the same contract as the
 * in-memory reader (lib/data/validate): the header is checked by name, rows that do not parse are
 * counted from DuckDB's reject table, the schema's value checks run in SQL (./checks), and every
 * bad row is named by its line in the file (1-based, counting the header).
 */
import { decodeText, firstInvalidUtf8, notUtf8Error, parseCsv, type TextEncoding } from '../csv';
import { BadRowCollector, DataError, MAX_LISTED, enforceBadRowPolicy, mergeBadRows, shown, truncatedFile, unterminatedQuote, type BadRow, type BadRowPolicy, type BadRows } from '../errors';
import type { TableSchema } from '../schema';
import { checkHeader, parseCell, withoutTrailingEmpty } from '../validate';
import { checkLoadedTable, columnType, sqlChecks, type RowOf } from './checks';
import { FileLines, firstInvalidUtf8In, locateByte, openQuoteAtEnd, placeLines, quoteRunsToEnd, rowFields, type RowPlace } from './lines';
import type { DuckDbHandle } from './handle';
import { ident, literal } from './sql';

/** The header line of a CSV file (BOM and CR dropped), read from its first 1 MiB. */
export async function csvHeader(file: Blob & { name: string }, encoding: TextEncoding = 'utf-8'): Promise<string[]> {
  const head = new Uint8Array(await file.slice(0, 2 ** 20).arrayBuffer());
  const nl = head.indexOf(10);
  if (head.length === 0) throw new DataError({ file: file.name }, 'a CSV file with a header row', 'an empty file (0 bytes)');
  if (nl < 0 && head.length === 2 ** 20) throw new DataError({ file: file.name }, 'a header line under 1 MiB', 'no line break in the first 1 MiB');
  const text = decodeText(head.subarray(0, nl < 0 ? head.length : nl), encoding, file.name).replace(/\r$/, '');
  return parseCsv(text, { file: file.name })[0]?.fields ?? [];
}

/** What a value that DuckDB could not convert should have been, in the in-memory reader's words (its own check of the value). */
function castExpected(schema: TableSchema, column: string | null, types: Record<string, string>, found: string | null): string {
  // A replaced type is an ENUM of the other table's ids: a value that does not convert is an id that is not there.
  if (column && types[column]) return `a ${column} present in the ${column.replace(/_id$/, '')}s table`;
  const spec = schema.columns.find((c) => c.name === column);
  if (!spec) return 'a value of the column type';
  const p = found === null ? null : parseCell(spec, found);
  if (p && !p.ok) return p.expected;
  return spec.type === 'date' ? 'a date as YYYY-MM-DD' : spec.type === 'int' ? 'a whole number' : spec.type === 'float' ? 'a number' : 'text';
}

/**
 * The ENUM type of every day from `dates[0]` to `dates[1]` written as YYYY-MM-DD, in order (created once a
 * database). A date column is read as text and cast to it in the statement that loads the file: the text
 * matches exactly or the day is NULL (a bad row: the field in the file says which problem, dayText in csvIntoDuckDb), so a
 * date is kept only when it is written as the in-memory reader wants it (DuckDB's own date parsing, even
 * with the format `%Y-%m-%d`, takes `2018-9-2` and ` 2018-09-02`) and falls in the range. The day is then
 * `dates[0]` + the ENUM's code, integer arithmetic. The cast is not read_csv's own (the column typed as the
 * ENUM): with it, a quoted field that runs to the end of the file makes native DuckDB 1.5 crash and
 * DuckDB-WASM 1.4 fail with "Invalid unicode ... in value construction".
 */
async function dayEnum(db: DuckDbHandle, dates: readonly [string, string]): Promise<string> {
  const type = ident(`iso_day_${dates[0]}_${dates[1]}`.replace(/-/g, '_'));
  await db.run(
    `CREATE TYPE IF NOT EXISTS ${type} AS ENUM (SELECT strftime(d, '%Y-%m-%d') FROM range(DATE ${literal(dates[0])}, DATE ${literal(dates[1])} + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d) ORDER BY 1)`,
  );
  return type;
}

/**
 * Names the first byte that is not UTF-8 on a rejected row, as decodeText does for in-memory files:
 * the byte's offset, its true line and its column (walking the file up to it).
 */
async function notUtf8(file: File, near: number, length = 2 ** 20): Promise<DataError | null> {
  // DuckDB's row position can sit a byte or two before the row: start after the line break before it.
  const from = Math.max(0, near - 2);
  const bytes = new Uint8Array(await file.slice(from, from + Math.min(2 ** 20, length + 8)).arrayBuffer());
  const nl = bytes.indexOf(10);
  const start = nl >= 0 && nl < 4 ? nl + 1 : 0;
  const rel = firstInvalidUtf8(bytes.subarray(start)) + start;
  if (rel >= bytes.length) return null;
  const at = from + rel;
  const place = await locateByte(file, at);
  const head = new Uint8Array(await file.slice(0, 2 ** 20).arrayBuffer());
  return notUtf8Error(file.name, bytes[rel], at, { line: place.line, column: place.columnName(head) });
}

/**
 * Maps a table's rowid to the file's data row when the table lacks some of the file's rows:
 * `rejectedRows` are their 1-based data rows, sorted.
 */
export function rowMap(rejectedRows: readonly number[]): RowOf {
  // How many rejected rows are ≤ x (binary search over the sorted list).
  const upTo = (x: number) => {
    let lo = 0;
    let hi = rejectedRows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rejectedRows[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (r) => {
    // Table row r is the file's data row r + 1 + (rejected rows at or before it): a fixed point, reached in a few steps.
    let row = r + 1;
    for (;;) {
      const next = r + 1 + upTo(row);
      if (next === row) break;
      row = next;
    }
    // The true line comes from the file's walk (lines.ts), where a message needs it.
    return { row };
  };
}

/**
 * Loads a CSV file into `table` with DuckDB's reader (the file is registered, not copied), with the
 * same contract as the in-memory reader: the header is checked by name (missing or repeated columns
 * fail; extra ones are read, so their bytes are checked too, and dropped; columns map by name, in any
 * order), rows that do not parse are counted from DuckDB's reject table (a repeated header line is
 * named as such), and the schema's value checks (empty values, id formats, ranges) run in SQL on the
 * loaded table. As in memory, the whole file fails, whatever the policy, on a byte that is not UTF-8
 * (in any column), a quoted field that is never closed (the dialect is fixed, RFC 4180, so DuckDB
 * does not read a stray quote leniently), or a damaged last row with no line break after it (a
 * truncated file). Bad rows are dropped under `skip`; `abort` throws. Every message names the true
 * line in the file: DuckDB numbers rows, so the file is walked for them (lines.ts), only when there
 * are bad rows. `joined` names id columns that the caller checks against another table afterwards
 * (large.ts: article_id against the articles): their format check would only repeat that. Returns
 * the rows kept, the bad rows, `rowOf`, which maps the table's rowid to the file's row (rowids stay
 * put when rows are deleted, so later checks can name rows too), and `lines`, which fills in the
 * true lines of later checks' bad rows.
 */
export async function csvIntoDuckDb(
  db: DuckDbHandle,
  file: File,
  schema: TableSchema,
  table: string,
  policy: BadRowPolicy,
  /** Column types that replace the schema's (e.g. customer_id as an ENUM): the column is read as text and cast after reading. */
  types: Record<string, string> = {},
  /** Id columns checked against another table afterwards (their format check is skipped here). */
  joined: readonly string[] = [],
  encoding: TextEncoding = 'utf-8',
): Promise<{ rows: number; bad: BadRows; rowOf: RowOf; lines: (bad: BadRows) => Promise<BadRows> }> {
  const header = (await csvHeader(file, encoding)).map((h) => h.trim());
  checkHeader(header, schema, file.name);
  const name = `upload_${table}.csv`;
  await db.registerFile(name, file);
  // Date columns with a range are read as text and matched against the ENUM of their days' text (dayEnum). Columns typed
  // as an ENUM (`types`: customer_id as the customers' ids) are read as text too and cast to it in the same statement,
  // never by read_csv itself: an ENUM column in read_csv with a quote that runs to the end of the file makes native
  // DuckDB 1.5 crash (a segfault) and DuckDB-WASM 1.4 fail with "Invalid unicode". The text lives one vector at a time:
  // the table holds the ENUM (4 bytes a row). A value that is not in the ENUM is NULL, a bad row (keyText below).
  const days = new Map<string, { type: string; first: string }>();
  for (const c of schema.columns) if (c.type === 'date' && c.dates && !types[c.name]) days.set(c.name, { type: await dayEnum(db, c.dates), first: c.dates[0] });
  const read = Object.fromEntries([...days.keys(), ...Object.keys(types)].map((c) => [c, 'VARCHAR']));
  // Every column of the file in its order (read_csv's `columns` is positional); extra columns as text.
  const cols = header.map((h) => `${literal(h)}: ${literal(columnType(schema, h, read))}`).join(', ');
  const extras = header.filter((h) => !schema.columns.some((c) => c.name === h));
  const select = [
    ...schema.columns.map((c) => {
      const d = days.get(c.name);
      if (d) return `DATE ${literal(d.first)} + CAST(enum_code(TRY_CAST(${ident(c.name)} AS ${d.type})) AS INTEGER) AS ${ident(c.name)}`;
      return types[c.name] ? `TRY_CAST(${ident(c.name)} AS ${types[c.name]}) AS ${ident(c.name)}` : ident(c.name);
    }),
    ...extras.map(ident),
  ];
  const rejects = `reject_errors_${table}`;
  const readFile = async (parallel: boolean) => {
    await db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
    // DuckDB appends to a reject table that is already there (a previous load into the same table).
    await db.run(`DROP TABLE IF EXISTS ${ident(rejects)}`);
    await db.run(`DROP TABLE IF EXISTS ${ident(`reject_scans_${table}`)}`);
    try {
      // Extra columns are read too, so a byte that is not UTF-8 there is found, then dropped. The dialect is given, not
      // sniffed: a sniffed one can turn quoting off, and then a stray quote is read as text. `dateformat` serves only
      // date columns without a range (the ENUM reads the others).
      await db.run(
        `CREATE TABLE ${ident(table)} AS SELECT ${select.join(', ')} FROM read_csv('${name}', ` +
          `auto_detect = false, header = true, delim = ',', quote = '"', escape = '"', dateformat = '%Y-%m-%d', ${parallel ? '' : 'parallel = false, '}columns = {${cols}}, ` +
          `encoding = ${literal(encoding === 'latin1' ? 'latin-1' : 'utf-8')}, store_rejects = true, rejects_table = '${rejects}', rejects_scan = 'reject_scans_${table}')`,
      );
    } catch (e) {
      // DuckDB-WASM's browser file reader can fail outright on a quote that runs to the end of the file (where native
      // DuckDB, and DuckDB-WASM on a Node file, reject the row): the file's walk tells, and the message is the in-memory one.
      const open = await openQuoteAtEnd(file);
      if (open) throw unterminatedQuote(file.name, open.line, header[open.field], open.field + 1);
      // A byte that is not UTF-8 can fail DuckDB's statement instead of a row ("Invalid unicode ... in value construction",
      // seen with an ENUM column inside read_csv, which is no longer read so; kept as a guard): the file's first such byte is named.
      if (encoding === 'utf-8' && /invalid unicode/i.test((e as Error).message)) {
        const at = await firstInvalidUtf8In(file);
        const bad = at < 0 ? null : await notUtf8(file, at, 1);
        if (bad) throw bad;
      }
      // A file DuckDB cannot read to its end (a line over its maximum size, ...) is an error, never a shorter table.
      const m = /line(?: number)?:? (\d+)/i.exec((e as Error).message);
      throw new DataError({ file: file.name, line: m ? Number(m[1]) + 1 : undefined }, 'a CSV file that can be read to its end', (e as Error).message.split('\n').filter((l) => !/^Original Line/.test(l)).slice(-1)[0]?.slice(0, 200) ?? 'an error');
    }
    return (await db.rows<{ k: number; maxLine: number | null }>(`SELECT count(DISTINCT line) AS k, max(line) AS maxLine FROM ${rejects}`))[0];
  };
  let { k, maxLine } = await readFile(true);
  const lines = new FileLines(file);
  if (Number(k) > 0) {
    // DuckDB's parallel CSV scanner (DuckDB-WASM 1.4.3, one thread too, and native 1.5.6) can stop at a buffer's end
    // (8 MB) when the buffer holds many rejected rows, without an error (a file where most prices are "?": 87 of 102
    // good rows loaded). A file with rejected rows is walked to its end: when DuckDB has fewer rows than the file, the
    // file is read again without the parallel scanner, which reads every row (but would take a quote that runs to the
    // end of the file as a field: the walk says where that quote opens first).
    const end = await lines.end();
    const [{ n: loaded }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
    if (Number(loaded) + Number(k) < end.row) {
      if (end.quoted) throw unterminatedQuote(file.name, end.quoteLine, header[end.quoteField], end.quoteField + 1);
      ({ k, maxLine } = await readFile(false));
    }
  }
  // A date column's NULL is an empty field or text that is not one of its days, an ENUM column's an empty field or a
  // value that is not in it (an id that is not a customer): the field in the file says which.
  const decoder = new TextDecoder(encoding === 'latin1' ? 'latin1' : 'utf-8');
  const convertedText = async (b: BadRow, place: RowPlace): Promise<BadRow> => {
    const spec = schema.columns.find((c) => c.name === b.column);
    if (!spec || !(days.has(spec.name) || types[spec.name]) || b.found !== shown(null)) return b;
    const raw = (await rowFields(file, place.at, (x) => decoder.decode(x)))[header.indexOf(spec.name)] ?? '';
    if (types[spec.name]) return raw === '' ? b : { ...b, expected: castExpected(schema, spec.name, types, raw), found: shown(raw) };
    const p = parseCell(spec, raw);
    return p.ok ? b : { ...b, expected: p.expected, found: shown(raw) };
  };
  const fixLines = (b: BadRows) => placeLines(b, lines, convertedText);
  // One entry a rejected row (a wrong field count first, as in memory, else its leftmost problem): a row can fail several columns.
  // A row with too many fields has one entry a field past the header's ("Found: 6", "Found: 7"): the last one counts them.
  const rejectedRows = (where: string, limit: number) =>
    db.rows<Rejected>(
      `SELECT DISTINCT ON (line) line, line_byte_position AS lbp, byte_position AS bp, column_name, error_type, csv_line, error_message,
         max(TRY_CAST(regexp_extract(error_message, 'Found: (\\d+)', 1) AS INTEGER)) OVER (PARTITION BY line, error_type) AS fields
       FROM ${rejects} WHERE ${where} ORDER BY line, error_type NOT LIKE '%COLUMNS', column_idx LIMIT ${limit}`,
    );
  const rejected = await rejectedRows('true', MAX_LISTED);
  // DuckDB's "line" counts rows (1 + line breaks outside quotes): the walk gives each its data row and true line.
  const allRejected = Number(k) === 0 ? [] : (await db.rows<{ line: number }>(`SELECT DISTINCT line FROM ${rejects} ORDER BY line`)).map((r) => Number(r.line));
  const places = await lines.find(allRejected, 'record');
  const examine = (r: Rejected) => rejectedRow(file, header, schema, types, r, places.get(Number(r.line)) ?? { row: Number(r.line) - 1, line: Number(r.line) });
  const bad = new BadRowCollector(file.name);
  for (const r of rejected) bad.add(await examine(r));
  bad.count = Number(k);
  // Past the listed rows, the rows that may hide a byte that is not UTF-8 (read in line order, so the first such byte
  // of the file is named, as in memory) and the last rejected row (an unterminated quote, a truncated file) are examined too.
  let last = rejected[rejected.length - 1];
  if (Number(k) > rejected.length) {
    const listedTo = Number(last.line);
    for (const r of await rejectedRows(`line > ${listedTo} AND (error_type LIKE 'INVALID%' OR csv_line LIKE '%?%' OR contains(csv_line, '\uFFFD'))`, 2 ** 31 - 1)) await examine(r);
    [last] = await rejectedRows(`line = ${Number(maxLine)}`, 1);
  }
  const truncated = await endsMidRow(file);
  if (truncated && last && Number(last.lbp) + new TextEncoder().encode(last.csv_line).length >= file.size - 1) {
    throw truncatedFile(file.name, await examine(last));
  }
  enforceBadRowPolicy(bad.result(), policy);
  // Data rows of the loaded table's rows: the file's rows less the rejected ones.
  const rowOf = rowMap(allRejected.map((l) => places.get(l)?.row ?? l - 1));
  if (truncated) {
    // The last row loaded is the file's last row (it was not rejected): damaged, it is a truncation.
    const lastRow = await lastRowProblem(db, table, schema, types, rowOf);
    if (lastRow) throw truncatedFile(file.name, (await fixLines({ file: file.name, count: 1, examples: [lastRow] })).examples[0]);
  }
  const checked = await checkLoadedTable(db, table, schema, file.name, types, policy, rowOf, joined, fixLines);
  for (const x of extras) await db.run(`ALTER TABLE ${ident(table)} DROP COLUMN ${ident(x)}`);
  const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
  return { rows: Number(n), bad: mergeBadRows(file.name, [bad.result(), checked]), rowOf, lines: fixLines };
}

/** A row of DuckDB's reject table, one a rejected row (its leftmost problem). */
interface Rejected {
  line: number;
  lbp: number;
  bp: number;
  column_name: string | null;
  error_type: string;
  csv_line: string;
  error_message: string;
  fields: number | null;
}

/**
 * A row DuckDB rejected, as a bad row in the in-memory reader's words; throws where the whole file fails: a byte
 * that is not UTF-8 on it, or a quoted field that opens on it and runs to the end of the file.
 */
async function rejectedRow(file: File, header: string[], schema: TableSchema, types: Record<string, string>, r: Rejected, place: { row: number; line: number }): Promise<BadRow> {
  const text = r.csv_line.replace(/^[\r\n]+|[\r\n]+$/g, '');
  const at = { row: place.row, line: place.line };
  // A byte that is not UTF-8 outside a text column (a CAST error, a quote followed by it) shows as "?" or U+FFFD in
  // DuckDB's copy of the row, as a "?" in the file does: the row's bytes in the file say which it is.
  if (/INVALID (ENCODING|UNICODE)/.test(r.error_type)) {
    const e = await notUtf8(file, Number(r.lbp));
    if (e) throw e;
  } else if (/[?\uFFFD]/.test(r.csv_line)) {
    const e = await notUtf8(file, Number(r.lbp), new TextEncoder().encode(r.csv_line).length);
    if (e) throw e;
  }
  if (r.error_type === 'UNQUOTED VALUE' && (await quoteRunsToEnd(file, Number(r.bp)))) {
    // The field opens at its quote: its line is the row's line plus the line breaks before the quote.
    const before = new Uint8Array(await file.slice(Number(r.lbp), Number(r.bp)).arrayBuffer());
    let line = place.line;
    let i = 0;
    while (i < before.length && (before[i] === 10 || before[i] === 13)) i++;
    for (; i < before.length; i++) if (before[i] === 10) line++;
    const field = header.indexOf(r.column_name ?? '') + 1;
    throw unterminatedQuote(file.name, line, r.column_name ?? undefined, field);
  }
  // The header line again (with or without empty fields after it, as the in-memory reader drops them).
  if (withoutTrailingEmpty(text.split(',').map((h) => h.trim()), header.length).join(',') === header.join(',')) {
    return { ...at, column: '(all)', expected: 'a data row', found: 'the header line again (were files joined together?)' };
  }
  if (r.error_type === 'CAST') {
    const v = /Could not convert string "([\s\S]*)" to '/.exec(r.error_message);
    return { ...at, column: r.column_name ?? '(all)', expected: castExpected(schema, r.column_name, types, v ? v[1] : null), found: v ? shown(v[1]) : r.error_message.split('\n')[0] };
  }
  if (/COLUMNS/.test(r.error_type)) {
    // Too few fields: the first entry (the first missing column) counts them. Too many: the row's text, less the empty
    // fields at its end, as in memory (DuckDB's count skips empty fields: `…,1,,x` is "Found: 6").
    const n = r.error_type === 'TOO MANY COLUMNS' ? (fieldCount(text, header.length) ?? r.fields) : /Found: (\d+)/.exec(r.error_message)?.[1];
    return { ...at, column: '(all)', expected: `${header.length} fields`, found: n ? `${n} fields on line ${at.line}` : `${r.error_type.toLowerCase()} on line ${at.line}` };
  }
  return { ...at, column: r.column_name ?? '(all)', expected: `a field as CSV quotes it (RFC 4180)`, found: `${r.error_type.toLowerCase()} on line ${at.line}: ${r.error_message.split('\n')[0]}` };
}

/** The fields of a row's text, less the empty ones past the header's `n` (as readCsvTable counts them), or null. */
function fieldCount(text: string, n: number): number | null {
  try {
    const fields = parseCsv(text)[0]?.fields;
    return fields ? withoutTrailingEmpty(fields, n).length : null;
  } catch {
    return null;
  }
}

/** True when a file's last byte is not a line break (its last row may be cut short). */
async function endsMidRow(file: Blob): Promise<boolean> {
  if (file.size === 0) return false;
  const [b] = new Uint8Array(await file.slice(file.size - 1).arrayBuffer());
  return b !== 10 && b !== 13;
}

/** The leftmost problem of the table's last row (every value check, id formats included), or null. */
async function lastRowProblem(db: DuckDbHandle, table: string, schema: TableSchema, types: Record<string, string>, rowOf: RowOf): Promise<BadRow | null> {
  const checks = sqlChecks(schema, types);
  if (checks.length === 0) return null;
  const which = `CASE ${checks.map((c, k) => `WHEN coalesce(${c.bad}, false) THEN ${k}`).join(' ')} END`;
  const [r] = await db.rows<{ r: number; k: number | null; v: string | null }>(
    `SELECT r, k, CASE ${checks.map((c, k) => `WHEN k = ${k} THEN CAST(${ident(c.column)} AS VARCHAR)`).join(' ')} END AS v
     FROM (SELECT *, ${which} AS k FROM (SELECT *, rowid AS r FROM ${ident(table)}) WHERE r = (SELECT max(rowid) FROM ${ident(table)}))`,
  );
  if (!r || r.k === null || r.k === undefined) return null;
  const c = checks[Number(r.k)];
  return { ...rowOf(Number(r.r)), column: c.column, expected: c.expected, found: shown(r.v) };
}
