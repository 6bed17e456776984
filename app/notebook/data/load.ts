/**
 * Reading each Data-cell source into source tables, through lib/data's
 * readers and validators. Browser-only glue: File objects and object URLs.
 */
import type { SourceTables } from '@/lib/data/build';
import type { DatasetKind } from '@/lib/data/dataset';
import { DataError, enforceKeptShare, type BadRowPolicy, type BadRows } from '@/lib/data/errors';
import { checkUniqueIds, formatOf, hmTableOf, readHmTable } from '@/lib/data/readers/hm';
import { isAsosValidationFile, readAsos } from '@/lib/data/readers/asos';
import { readMovielens } from '@/lib/data/readers/movielens';
import { readMappedInteractions, type ColumnMapping } from '@/lib/data/readers/mapped';
import type { ColumnTable } from '@/lib/data/table';
import { baseName, relPath } from './files';

/** Sources of the Data cell's `source` parameter. */
export const SOURCES = [
  { value: 'demo-small', label: 'Demo: small (2k articles, 2k customers, 50k transactions)' },
  { value: 'demo-tiny', label: 'Demo: tiny (150 articles, 100 customers, 3k transactions)' },
  { value: 'demo-hm-scale', label: 'Demo: H&M scale (105k articles, 1.37M customers, 31.8M transactions)' },
  { value: 'hm-files', label: 'H&M files (articles, customers, transactions, images/)' },
  { value: 'asos', label: 'ASOS dsf2020 (train parquet + id CSVs)' },
  { value: 'movielens', label: 'MovieLens 100k (u.data, u.item, u.user)' },
  { value: 'interactions', label: 'Any interactions file (CSV / Parquet + column mapping)' },
] as const;

export type SourceName = (typeof SOURCES)[number]['value'];

/** A source read into tables. */
export interface ReadResult {
  tables: SourceTables;
  kind: DatasetKind;
  name: string;
  bad: BadRows[];
  /** Loader options that go into the fingerprint. */
  options: string;
  /** The transactions file's name, for join messages. */
  transactionsFile?: string;
}

const need = (files: File[], what: string, test: (f: File) => boolean, hint: string): File => {
  const f = files.find(test);
  if (!f) throw new DataError({ file: '(picked files)' }, what, files.length ? `only ${files.map((x) => JSON.stringify(relPath(x))).join(', ')}; ${hint}` : `no files; ${hint}`);
  return f;
};

const bytes = async (f: File) => new Uint8Array(await f.arrayBuffer());
const source = async (f: File) => (formatOf(f.name) === 'parquet' ? f : await bytes(f));

/** Reads the H&M files among `files` (transactions and articles required, customers optional). */
async function readHm(files: File[], policy: BadRowPolicy, minShare: number, log: (s: string) => void): Promise<ReadResult> {
  const pick = (t: 'articles' | 'customers' | 'transactions') => files.find((f) => hmTableOf(f.name) === t && /\.(csv|parquet)$/i.test(f.name));
  const tx = pick('transactions');
  const ar = pick('articles');
  if (!tx || !ar) {
    throw new DataError({ file: '(picked files)' }, 'articles.csv|parquet and transactions_train.csv|parquet (customers.csv optional)', files.length ? `only ${files.map((x) => JSON.stringify(relPath(x))).join(', ')}` : 'no files: pick them with the file chooser above');
  }
  const bad: BadRows[] = [];
  const read = async (t: 'articles' | 'customers' | 'transactions', f: File): Promise<ColumnTable> => {
    log(`reading ${relPath(f)} (${(f.size / 1e6).toFixed(1)} MB)`);
    const r = await readHmTable(t, { name: baseName(f.name), data: await source(f) }, policy);
    enforceKeptShare(r.bad, r.table.length, minShare);
    if (r.bad.count) bad.push(r.bad);
    return r.table;
  };
  const articles = await read('articles', ar);
  checkUniqueIds(articles, 'article_id', ar.name);
  const cu = pick('customers');
  const customers: ColumnTable = cu ? await read('customers', cu) : { name: 'customers', length: 0, columns: { customer_id: { type: 'string', values: [] } } };
  const transactions = await read('transactions', tx);
  return { tables: { articles, customers, transactions }, kind: 'hm', name: `H&M files (${[ar, cu, tx].filter(Boolean).map((f) => f!.name).join(', ')})`, bad, options: `hm;${policy}`, transactionsFile: baseName(tx.name) };
}

/** Reads the picked files for a file-based source. */
export async function readSource(src: Exclude<SourceName, `demo-${string}`>, files: File[], policy: BadRowPolicy, minShare: number, mapping: ColumnMapping, log: (s: string) => void): Promise<ReadResult> {
  switch (src) {
    case 'hm-files':
      return readHm(files, policy, minShare, log);
    case 'asos': {
      const train = need(files, 'the ASOS train parquet (dsf_asos_train_*.parquet)', (f) => /\.parquet$/i.test(f.name) && !isAsosValidationFile(f.name), 'pick dsf_asos_train_with_alphanumeric_dummy_ids.parquet');
      const users = files.find((f) => /users.*\.csv$/i.test(f.name));
      const products = files.find((f) => /product.*\.csv$/i.test(f.name));
      const tables = await readAsos(
        { name: train.name, data: train },
        { users: users ? { name: users.name, bytes: await bytes(users) } : undefined, products: products ? { name: products.name, bytes: await bytes(products) } : undefined },
      );
      return { tables, kind: 'asos', name: `ASOS (${train.name})`, bad: [], options: 'asos' };
    }
    case 'movielens': {
      const data = need(files, 'MovieLens u.data', (f) => f.name === 'u.data' || /\.(data|base)$/.test(f.name), 'pick u.data (and u.item, u.user)');
      const item = files.find((f) => f.name === 'u.item');
      const user = files.find((f) => f.name === 'u.user');
      const tables = readMovielens(
        { name: data.name, bytes: await bytes(data) },
        { item: item ? { name: item.name, bytes: await bytes(item) } : undefined, user: user ? { name: user.name, bytes: await bytes(user) } : undefined },
      );
      return { tables, kind: 'movielens', name: `MovieLens (${data.name})`, bad: [], options: 'movielens' };
    }
    case 'interactions': {
      const f = need(files, 'one CSV or Parquet file of interactions', (x) => /\.(csv|tsv|txt|parquet)$/i.test(x.name), 'pick a .csv or .parquet file');
      const r = await readMappedInteractions({ name: f.name, data: await source(f) }, mapping, policy);
      enforceKeptShare(r.bad, r.tables.transactions.length, minShare);
      return { tables: r.tables, kind: 'interactions', name: `Interactions (${f.name})`, bad: r.bad.count ? [r.bad] : [], options: `interactions;${JSON.stringify(mapping)};${policy}` };
    }
  }
}
