/**
 * Large files into DuckDB without holding them in JS memory: Parquet is read
 * one row group at a time (hyparquet), validated (lib/data) and appended as
 * Arrow; CSV is registered as a file handle and read by DuckDB's own
 * read_csv with the schema's column types, rejected rows kept in
 * DuckDB's reject tables.
 */
import { BadRowCollector, enforceBadRowPolicy, type BadRowPolicy, type BadRows } from '@/lib/data/errors';
import { asyncBufferFromBlob, parquetRowGroups, readParquetColumns } from '@/lib/data/parquet';
import { duckdbType, type TableSchema } from '@/lib/data/schema';
import { validateColumns } from '@/lib/data/validate';
import { ident, type DuckDbHandle } from '../duckdb';

/** Streams a Parquet file into `table` (created), group by group. Returns the rows loaded and the bad rows. */
export async function parquetIntoDuckDb(
  db: DuckDbHandle,
  file: Blob & { name: string },
  schema: TableSchema,
  table: string,
  policy: BadRowPolicy,
  onProgress?: (done: number, total: number) => void,
): Promise<{ rows: number; bad: BadRows }> {
  const src = asyncBufferFromBlob(file);
  const groups = await parquetRowGroups(src, file.name);
  const total = groups.length ? groups[groups.length - 1].rowEnd : 0;
  const bad = new BadRowCollector(file.name);
  await db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
  let rows = 0;
  let created = false;
  for (const g of groups) {
    const cols = await readParquetColumns(src, file.name, { columns: schema.columns.map((c) => c.name), rowStart: g.rowStart, rowEnd: g.rowEnd });
    const v = validateColumns(cols.data, cols.n, schema, file.name);
    // Row numbers of this group's bad rows are relative to the group: shift them to the file.
    for (const e of v.bad.examples) bad.add({ ...e, row: e.row + g.rowStart });
    bad.count += v.bad.count - v.bad.examples.length;
    if (v.table.length) {
      await db.insert(table, v.table, created ? 'append' : 'create');
      created = true;
    }
    rows += v.table.length;
    onProgress?.(g.rowEnd, total);
  }
  if (!created) await db.run(`CREATE TABLE ${ident(table)} (${schema.columns.map((c) => `${ident(c.name)} ${duckdbType(c.type)}`).join(', ')})`);
  const result = bad.result();
  enforceBadRowPolicy(result, policy);
  return { rows, bad: result };
}

/**
 * Loads a CSV file into `table` with DuckDB's reader (the file is registered,
 * not copied). Rows that do not parse are counted from DuckDB's reject table.
 */
export async function csvIntoDuckDb(
  db: DuckDbHandle,
  file: File,
  schema: TableSchema,
  table: string,
  policy: BadRowPolicy,
  /** Column types that replace the schema's (e.g. customer_id as an ENUM). */
  types: Record<string, string> = {},
): Promise<{ rows: number; bad: BadRows }> {
  const name = `upload_${table}.csv`;
  await db.registerFile(name, file);
  const cols = schema.columns.map((c) => `'${c.name}': '${types[c.name] ?? duckdbType(c.type)}'`).join(', ');
  await db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
  await db.run(
    `CREATE TABLE ${ident(table)} AS SELECT * FROM read_csv('${name}', header = true, columns = {${cols}}, store_rejects = true, rejects_table = 'reject_errors_${table}', rejects_scan = 'reject_scans_${table}')`,
  );
  const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
  const rejects = await db.rows<{ line: number; column_name: string | null; error_type: string; csv_line: string; error_message: string }>(
    `SELECT line, column_name, error_type, csv_line, error_message FROM reject_errors_${table} ORDER BY line LIMIT 5`,
  );
  const [{ k }] = await db.rows<{ k: number }>(`SELECT count(DISTINCT line) AS k FROM reject_errors_${table}`);
  const bad: BadRows = {
    file: file.name,
    count: k,
    examples: rejects.map((r) => ({ row: Number(r.line) - 1, column: r.column_name ?? '(all)', expected: r.error_type, found: r.error_message.split('\n')[0] })),
  };
  enforceBadRowPolicy(bad, policy);
  return { rows: n, bad };
}
