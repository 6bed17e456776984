/**
 * The schema's value checks in SQL, over a table DuckDB has loaded (the large-file path): the
 * same contract as lib/data/validate's per-cell checks. Id formats (a regex) are checked on the
 * distinct ids, not on every row: a regex call costs far more than a hash-table probe, and a
 * file repeats its ids (H&M: 31.8M rows, 1.37M customers, 105k articles).
 */
import { BadRowCollector, MAX_LISTED, enforceBadRowPolicy, shown, type BadRowPolicy, type BadRows } from '../errors';
import { duckdbType, type TableSchema } from '../schema';
import type { DuckDbHandle } from './handle';
import { ident, literal } from './sql';

/** One check: true on a bad value of `column`. */
export interface SqlCheck {
  column: string;
  bad: string;
  expected: string;
  /** Set on id-format checks: the regex, run on the column's distinct values first. */
  pattern?: string;
}

/**
 * The schema's value checks as SQL predicates, in column order, each true on a bad value: empty
 * where not nullable, pattern (ids), bounds, allowed values, date range. Columns whose type was
 * replaced (an ENUM of known ids) are checked by the conversion itself, and so are the id formats
 * of `joined` columns by the referential check that follows.
 */
export function sqlChecks(schema: TableSchema, types: Record<string, string> = {}, joined: readonly string[] = []): SqlCheck[] {
  const out: SqlCheck[] = [];
  for (const c of schema.columns) {
    const col = ident(c.name);
    const parts: Omit<SqlCheck, 'column'>[] = [];
    if (!c.nullable) parts.push({ bad: `${col} IS NULL`, expected: `a value (${c.name} may not be empty)` });
    if (!types[c.name]) {
      if (c.pattern && !joined.includes(c.name)) {
        const pattern = c.pattern.source.replace(/^\^|\$$/g, '');
        parts.push({ bad: `NOT regexp_full_match(${col}, ${literal(pattern)})`, expected: c.patternText ?? `text matching ${c.pattern}`, pattern });
      }
      if (c.oneOf) parts.push({ bad: `${col} NOT IN (${c.oneOf.join(', ')})`, expected: `one of ${c.oneOf.join(', ')}` });
      if (c.min !== undefined) parts.push({ bad: `${col} < ${c.min}`, expected: `a number ≥ ${c.min}` });
      if (c.above !== undefined) parts.push({ bad: `${col} <= ${c.above}`, expected: `a number > ${c.above}` });
      if (c.max !== undefined) parts.push({ bad: `${col} > ${c.max}`, expected: `a number ≤ ${c.max}` });
      if (c.dates) parts.push({ bad: `${col} NOT BETWEEN DATE ${literal(c.dates[0])} AND DATE ${literal(c.dates[1])}`, expected: `a date from ${c.dates[0]} to ${c.dates[1]}` });
    }
    for (const p of parts) out.push({ column: c.name, ...p });
  }
  return out;
}

/** Maps a loaded table's row (its 0-based rowid) to the file's 1-based data row (and line, where known). */
export type RowOf = (rowid: number) => { row: number; line?: number };

/**
 * Applies the schema's value checks to a loaded table in SQL: id formats on the distinct ids (a
 * temp table of the bad ones, empty in a clean file), then one scan to count the bad rows, and
 * only when there are some, one for the listed rows (leftmost bad column each) and one delete.
 * Under `abort` it throws before deleting.
 */
export async function checkLoadedTable(
  db: DuckDbHandle,
  table: string,
  schema: TableSchema,
  file: string,
  types: Record<string, string>,
  policy: BadRowPolicy,
  rowOf: RowOf,
  joined: readonly string[] = [],
  /** Fills in the true lines of the bad rows (text files), before any message is made of them. */
  lines?: (bad: BadRows) => Promise<BadRows>,
): Promise<BadRows> {
  const bad = new BadRowCollector(file);
  const t = ident(table);
  const temps: string[] = [];
  const checks: SqlCheck[] = [];
  for (const c of sqlChecks(schema, types, joined)) {
    if (!c.pattern) {
      checks.push(c);
      continue;
    }
    const ids = ident(`_bad_ids_${table}_${temps.length}`);
    temps.push(ids);
    const col = ident(c.column);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${ids} AS SELECT v FROM (SELECT DISTINCT ${col} AS v FROM ${t}) WHERE NOT regexp_full_match(v, ${literal(c.pattern)})`);
    const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ids}`);
    if (Number(n) > 0) checks.push({ ...c, bad: `${col} IN (SELECT v FROM ${ids})` });
  }
  try {
    if (checks.length === 0) return bad.result();
    // NULL-safe: a check on a NULL value is not a bad value (the IS NULL check says so where that matters).
    const any = checks.map((c) => `coalesce(${c.bad}, false)`).join(' OR ');
    const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE ${any}`);
    if (Number(n) === 0) return bad.result();
    const which = `CASE ${checks.map((c, k) => `WHEN coalesce(${c.bad}, false) THEN ${k}`).join(' ')} END`;
    const listed = await db.rows<{ r: number; k: number; v: string | null }>(
      `SELECT r, k, CASE ${checks.map((c, k) => `WHEN k = ${k} THEN CAST(${ident(c.column)} AS VARCHAR)`).join(' ')} END AS v
       FROM (SELECT *, ${which} AS k FROM (SELECT *, rowid AS r FROM ${t}) WHERE ${any}) ORDER BY r LIMIT ${MAX_LISTED}`,
    );
    for (const e of listed) {
      const c = checks[Number(e.k)];
      bad.add({ ...rowOf(Number(e.r)), column: c.column, expected: c.expected, found: shown(e.v) });
    }
    bad.count = Number(n);
    const result = lines ? await lines(bad.result()) : bad.result();
    enforceBadRowPolicy(result, policy);
    await db.run(`DELETE FROM ${t} WHERE ${any}`);
    return result;
  } finally {
    for (const x of temps) await db.run(`DROP TABLE IF EXISTS ${x}`);
  }
}

/** DuckDB's type for a schema column, unless `types` replaces it. */
export const columnType = (schema: TableSchema, name: string, types: Record<string, string>): string => {
  const spec = schema.columns.find((c) => c.name === name);
  return types[name] ?? (spec ? duckdbType(spec.type) : 'VARCHAR');
};
