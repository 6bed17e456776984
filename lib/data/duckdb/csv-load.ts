/**
 * CSV files into DuckDB without holding them in JS memory (the large-file path): the file is
 * registered as a file handle and read by DuckDB's own read_csv, with the same contract as the
 * in-memory reader (lib/data/validate): the header is checked by name, rows that do not parse are
 * counted from DuckDB's reject table, the schema's value checks run in SQL (./checks), and every
 * bad row is named by its line in the file (1-based, counting the header).
 */
import { decodeText, encodingAdvice, firstInvalidUtf8, parseCsv, type TextEncoding } from '../csv';
import { BadRowCollector, DataError, MAX_LISTED, enforceBadRowPolicy, mergeBadRows, shown, type BadRowPolicy, type BadRows } from '../errors';
import type { TableSchema } from '../schema';
import { checkHeader } from '../validate';
import { checkLoadedTable, columnType, type RowOf } from './checks';
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

/** What a value that DuckDB could not convert should have been, in the in-memory reader's words. */
function castExpected(schema: TableSchema, column: string | null, types: Record<string, string>): string {
  // A replaced type is an ENUM of the other table's ids: a value that does not convert is an id that is not there.
  if (column && types[column]) return `a ${column} present in the ${column.replace(/_id$/, '')}s table`;
  const spec = schema.columns.find((c) => c.name === column);
  if (!spec) return 'a value of the column type';
  return spec.type === 'date' ? 'a date as YYYY-MM-DD' : spec.type === 'int' ? 'a whole number' : spec.type === 'float' ? 'a number' : 'text';
}

/** Names the first byte that is not UTF-8 on a rejected line, as decodeText does for in-memory files. */
async function notUtf8(file: File, line: number, near: number): Promise<DataError> {
  // DuckDB's line position can sit a byte or two before the line: start after the line break before it.
  const from = Math.max(0, near - 2);
  const bytes = new Uint8Array(await file.slice(from, from + 2 ** 20).arrayBuffer());
  const nl = bytes.indexOf(10);
  const start = nl >= 0 && nl < 4 ? nl + 1 : 0;
  const at = firstInvalidUtf8(bytes.subarray(start)) + start;
  const byte = bytes[Math.min(at, bytes.length - 1)] ?? 0;
  return new DataError({ file: file.name, line }, 'UTF-8 text', `a byte 0x${byte.toString(16).padStart(2, '0')} that is not UTF-8 at line ${line} (byte ${from + at}); ${encodingAdvice}`);
}

/**
 * Maps a table's rowid to the file's data row (and line, for text files with one line a row) when
 * the table lacks some of the file's rows: `rejectedRows` are their 1-based data rows, sorted.
 */
export function rowMap(rejectedRows: readonly number[], lines = true): RowOf {
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
    // One line a row: H&M files have no line breaks inside quoted fields.
    return lines ? { row, line: row + 1 } : { row };
  };
}

/**
 * Loads a CSV file into `table` with DuckDB's reader (the file is registered, not copied), with the
 * same contract as the in-memory reader: the header is checked by name (missing or repeated columns
 * fail; extra ones are ignored; columns map by name, in any order), rows that do not parse are
 * counted from DuckDB's reject table (a repeated header line is named as such; a byte that is not
 * UTF-8 fails the load, as in memory), and the schema's value checks (empty values, id formats,
 * ranges) run in SQL on the loaded table. Bad rows are dropped under `skip`; `abort` throws.
 * `joined` names id columns that the caller checks against another table afterwards (large.ts:
 * article_id against the articles): their format check would only repeat that. Returns the rows
 * kept, the bad rows, and `rowOf`, which maps the table's rowid to the file's row and line (rowids
 * stay put when rows are deleted, so later checks can name lines too).
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
  encoding: TextEncoding = 'utf-8',
): Promise<{ rows: number; bad: BadRows; rowOf: RowOf }> {
  const header = (await csvHeader(file, encoding)).map((h) => h.trim());
  checkHeader(header, schema, file.name);
  const name = `upload_${table}.csv`;
  await db.registerFile(name, file);
  // Every column of the file in its order (read_csv's `columns` is positional); extra columns as text, not kept.
  const cols = header.map((h) => `${literal(h)}: ${literal(columnType(schema, h, types))}`).join(', ');
  const rejects = `reject_errors_${table}`;
  await db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
  try {
    await db.run(
      `CREATE TABLE ${ident(table)} AS SELECT ${schema.columns.map((c) => ident(c.name)).join(', ')} FROM read_csv('${name}', header = true, columns = {${cols}}, ` +
        `encoding = ${literal(encoding === 'latin1' ? 'latin-1' : 'utf-8')}, store_rejects = true, rejects_table = '${rejects}', rejects_scan = 'reject_scans_${table}')`,
    );
  } catch (e) {
    // A file DuckDB cannot read to its end (a line over its maximum size, ...) is an error, never a shorter table.
    const m = /line(?: number)?:? (\d+)/i.exec((e as Error).message);
    throw new DataError({ file: file.name, line: m ? Number(m[1]) + 1 : undefined }, 'a CSV file that can be read to its end', (e as Error).message.split('\n').filter((l) => !/^Original Line/.test(l)).slice(-1)[0]?.slice(0, 200) ?? 'an error');
  }
  // One entry a rejected line (its leftmost problem): a line can fail several columns.
  const rejected = await db.rows<{ line: number; lbp: number; column_name: string | null; error_type: string; csv_line: string; error_message: string }>(
    `SELECT DISTINCT ON (line) line, line_byte_position AS lbp, column_name, error_type, csv_line, error_message FROM ${rejects} ORDER BY line, column_idx LIMIT ${MAX_LISTED}`,
  );
  const [{ k }] = await db.rows<{ k: number }>(`SELECT count(DISTINCT line) AS k FROM ${rejects}`);
  const headerLine = header.join(',');
  const bad = new BadRowCollector(file.name);
  for (const r of rejected) {
    const line = Number(r.line);
    const text = r.csv_line.replace(/^[\r\n]+|[\r\n]+$/g, '');
    const at = { row: line - 1, line };
    if (/INVALID (ENCODING|UNICODE)/.test(r.error_type)) throw await notUtf8(file, line, Number(r.lbp));
    if (text.split(',').map((h) => h.trim()).join(',') === headerLine) bad.add({ ...at, column: '(all)', expected: 'a data row', found: 'the header line again (were files joined together?)' });
    else if (r.error_type === 'CAST') {
      const v = /Could not convert string "(.*)" to '/.exec(r.error_message);
      bad.add({ ...at, column: r.column_name ?? '(all)', expected: castExpected(schema, r.column_name, types), found: v ? shown(v[1]) : r.error_message.split('\n')[0] });
    } else bad.add({ ...at, column: '(all)', expected: `${header.length} fields`, found: `${r.error_type.toLowerCase()} on line ${line}` });
  }
  bad.count = Number(k);
  enforceBadRowPolicy(bad.result(), policy);
  // Data rows of the loaded table's rows: the file's rows less the rejected ones.
  const rejectedRows = Number(k) === 0 ? [] : (await db.rows<{ line: number }>(`SELECT DISTINCT line FROM ${rejects} ORDER BY line`)).map((r) => Number(r.line) - 1);
  const rowOf = rowMap(rejectedRows);
  const checked = await checkLoadedTable(db, table, schema, file.name, types, policy, rowOf, joined);
  const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
  return { rows: Number(n), bad: mergeBadRows(file.name, [bad.result(), checked]), rowOf };
}
