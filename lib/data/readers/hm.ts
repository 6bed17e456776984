/**
 * H&M Kaggle files: articles / customers / transactions as CSV or Parquet,
 * validated against the Kaggle schemas. Article ids stay 10-character
 * strings (a CSV reader that guesses types would drop the leading zero).
 */
import type { TextEncoding } from '../csv';
import { DataError, enforceBadRowPolicy, type BadRowPolicy, type BadRows } from '../errors';
import { readParquetColumns, type ParquetSource } from '../parquet';
import { HM_SCHEMAS } from '../schema';
import type { ColumnTable } from '../table';
import { readCsvTable, validateColumns } from '../validate';

/** One of the three H&M tables. */
export type HmTableName = keyof typeof HM_SCHEMAS;

/** A file to read: its name (for messages and format detection) and contents. */
export interface InputFile {
  name: string;
  /** Whole contents (CSV), or a Parquet source read by ranges. */
  data: Uint8Array | ParquetSource;
}

/** File format from the name. */
export function formatOf(name: string): 'csv' | 'parquet' {
  const lower = name.toLowerCase();
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.csv') || lower.endsWith('.txt') || lower.endsWith('.tsv')) return 'csv';
  throw new DataError({ file: name }, 'a file ending in .csv or .parquet', JSON.stringify(name.slice(name.lastIndexOf('.'))));
}

/** Which H&M table a file name is (articles.csv, transactions_train.parquet, customers_sample.csv ...), or null. */
export function hmTableOf(name: string): HmTableName | null {
  const base = name.toLowerCase().replace(/^.*[\\/]/, '');
  if (base.startsWith('articles')) return 'articles';
  if (base.startsWith('customers')) return 'customers';
  if (base.startsWith('transactions')) return 'transactions';
  return null;
}

async function bytesOf(data: InputFile['data']): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(await data.arrayBuffer());
}

/** Reads and validates one H&M table. Bad rows are returned (policy skip) or thrown (policy abort). */
export async function readHmTable(table: HmTableName, file: InputFile, policy: BadRowPolicy, encoding: TextEncoding = 'utf-8'): Promise<{ table: ColumnTable; bad: BadRows }> {
  const schema = HM_SCHEMAS[table];
  let result;
  if (formatOf(file.name) === 'csv') {
    result = readCsvTable(await bytesOf(file.data), schema, { file: file.name, encoding });
  } else {
    const src = file.data instanceof Uint8Array ? (file.data.buffer.slice(file.data.byteOffset, file.data.byteOffset + file.data.byteLength) as ArrayBuffer) : file.data;
    const cols = await readParquetColumns(src, file.name, { columns: schema.columns.map((c) => c.name).filter(() => true) }).catch(async (e) => {
      // A missing column is reported by the validator with the schema's wording.
      if (e instanceof DataError && e.column) return readParquetColumns(src, file.name);
      throw e;
    });
    result = validateColumns(cols.data, cols.n, schema, file.name);
  }
  enforceBadRowPolicy(result.bad, policy);
  return result;
}

/** Checks that article ids are unique (the catalogue's key). */
export function checkUniqueIds(t: ColumnTable, column: string, file: string): void {
  const c = t.columns[column];
  if (!c || c.type !== 'string') return;
  const seen = new Map<string, number>();
  for (let i = 0; i < t.length; i++) {
    const v = c.values[i];
    if (v === null) continue;
    const prev = seen.get(v);
    if (prev !== undefined) throw new DataError({ file, row: i + 1, column }, `unique ${column} values`, `${JSON.stringify(v)} again (first on row ${prev + 1})`);
    seen.set(v, i);
  }
}

/** Kaggle image path of an article: images/010/0108775015.jpg. */
export function hmImagePath(articleId: string): string {
  return `images/${articleId.slice(0, 3)}/${articleId}.jpg`;
}
