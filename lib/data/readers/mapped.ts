/**
 * Any interactions file (CSV or Parquet) with a column mapping: which column
 * is the user, the item, and optionally the time and the weight/rating.
 * Times may be dates (YYYY-MM-DD...) or unix seconds.
 */
import { DataError, BadRowCollector, enforceBadRowPolicy, shown, type BadRowPolicy, type BadRows } from '../errors';
import { decodeText, parseCsv } from '../csv';
import { readParquetColumns, type ParquetSource } from '../parquet';
import { parseIsoDay, type ColumnTable } from '../table';
import { checkHeader } from '../validate';
import { formatOf } from './hm';
import type { SourceTables } from '../build';

/** Which source column plays which role. */
export interface ColumnMapping {
  user: string;
  item: string;
  time?: string;
  weight?: string;
}

function dayOf(v: unknown): number {
  if (v === null || v === undefined || v === '') return NaN;
  if (v instanceof Date) return Math.floor(v.getTime() / 86_400_000);
  const s = String(v).trim();
  if (/^\d+(\.\d+)?$/.test(s)) {
    const x = Number(s);
    // Seconds or milliseconds since the epoch.
    return Math.floor((x > 1e11 ? x / 1000 : x) / 86_400);
  }
  return parseIsoDay(s);
}

/** Reads a mapped interactions file into source tables (articles / customers hold the distinct ids). */
export async function readMappedInteractions(file: { name: string; data: Uint8Array | ParquetSource }, mapping: ColumnMapping, policy: BadRowPolicy): Promise<{ tables: SourceTables; bad: BadRows }> {
  for (const [role, col] of Object.entries(mapping)) {
    if (col !== undefined && (typeof col !== 'string' || col.trim() === '')) throw new Error(`invalid ${role} column: ${JSON.stringify(col)}; expected a column name`);
  }
  const wanted = [mapping.user, mapping.item, mapping.time, mapping.weight].filter((c): c is string => !!c);
  let data: Record<string, ArrayLike<unknown>>;
  let n: number;
  if (formatOf(file.name) === 'parquet') {
    const src = file.data instanceof Uint8Array ? (file.data.slice().buffer as ArrayBuffer) : file.data;
    const cols = await readParquetColumns(src, file.name, { columns: wanted });
    data = cols.data;
    n = cols.n;
  } else {
    const bytes = file.data instanceof Uint8Array ? file.data : file.data instanceof ArrayBuffer ? new Uint8Array(file.data) : new Uint8Array(await file.data.arrayBuffer());
    if (bytes.length === 0) throw new DataError({ file: file.name }, 'a CSV file with a header and interactions', 'an empty file (0 bytes)');
    const text = decodeText(bytes, 'utf-8', file.name);
    const delimiter = text.slice(0, text.indexOf('\n') >>> 0).includes('\t') ? '\t' : ',';
    const rows = parseCsv(text, { delimiter, file: file.name }).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
    if (rows.length < 2) throw new DataError({ file: file.name }, 'a header and at least one row', `${rows.length} line${rows.length === 1 ? '' : 's'}`);
    const at = checkHeader(rows[0].fields, { table: 'interactions', columns: wanted.map((name) => ({ name, type: 'string', nullable: true })) }, file.name);
    n = rows.length - 1;
    data = {};
    wanted.forEach((c, k) => (data[c] = rows.slice(1).map((r) => (r.fields.length > at[k] ? r.fields[at[k]] : null))));
  }
  const bad = new BadRowCollector(file.name);
  const user: string[] = [];
  const item: string[] = [];
  const days: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = data[mapping.user][i];
    const it = data[mapping.item][i];
    if (u === null || u === undefined || u === '') { bad.add({ row: i + 1, column: mapping.user, expected: 'a user id', found: shown(null) }); continue; }
    if (it === null || it === undefined || it === '') { bad.add({ row: i + 1, column: mapping.item, expected: 'an item id', found: shown(null) }); continue; }
    let d = 0;
    if (mapping.time) {
      d = dayOf(data[mapping.time][i]);
      if (Number.isNaN(d)) { bad.add({ row: i + 1, column: mapping.time, expected: 'a date (YYYY-MM-DD) or unix seconds', found: shown(String(data[mapping.time][i] ?? '')) }); continue; }
    }
    let w = 1;
    if (mapping.weight) {
      const raw = data[mapping.weight][i];
      w = typeof raw === 'bigint' ? Number(raw) : Number(raw);
      if (raw === null || raw === '' || !Number.isFinite(w)) { bad.add({ row: i + 1, column: mapping.weight, expected: 'a number', found: shown(raw === null || raw === undefined ? null : String(raw)) }); continue; }
    }
    user.push(u instanceof Uint8Array ? new TextDecoder().decode(u) : String(u));
    item.push(it instanceof Uint8Array ? new TextDecoder().decode(it) : String(it));
    days.push(d);
    weights.push(w);
  }
  const result = bad.result();
  enforceBadRowPolicy(result, policy);
  const m = user.length;
  const tx: ColumnTable = { name: 'transactions', length: m, columns: { customer_id: { type: 'string', values: user }, article_id: { type: 'string', values: item } } };
  if (mapping.time) tx.columns.t_dat = { type: 'date', values: Int32Array.from(days) };
  if (mapping.weight) tx.columns.rating = { type: 'float', values: Float64Array.from(weights) };
  const distinct = (xs: string[]) => [...new Set(xs)].sort();
  const us = distinct(user);
  const its = distinct(item);
  return {
    tables: {
      transactions: tx,
      articles: { name: 'articles', length: its.length, columns: { article_id: { type: 'string', values: its } } },
      customers: { name: 'customers', length: us.length, columns: { customer_id: { type: 'string', values: us } } },
    },
    bad: result,
  };
}
