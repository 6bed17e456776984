/**
 * ASOS DSF 2020: a Parquet of (dummyUserId, productId) pairs, where user ids
 * are BYTE_ARRAY without a UTF-8 annotation, plus header-less CSVs of user
 * ids and product ids. There are no timestamps.
 */
import { DataError } from '../errors';
import { readParquetColumns, type ParquetSource } from '../parquet';
import type { ColumnTable } from '../table';
import { decodeText, parseCsv } from '../csv';
import type { SourceTables } from '../build';

function idText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return String(v);
}

/** One-column, header-less CSV of ids. */
export function readIdList(bytes: Uint8Array, file: string): string[] {
  if (bytes.length === 0) throw new DataError({ file }, 'one id per line', 'an empty file (0 bytes)');
  const rows = parseCsv(decodeText(bytes, 'utf-8', file), { file }).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  return rows.map((r, k) => {
    if (r.fields.length !== 1) throw new DataError({ file, row: k + 1 }, 'one id per line', `${r.fields.length} fields`);
    return r.fields[0].trim();
  });
}

/** Reads the ASOS train parquet (and optionally the id lists) into source tables. */
export async function readAsos(train: { name: string; data: ParquetSource }, lists: { users?: { name: string; bytes: Uint8Array }; products?: { name: string; bytes: Uint8Array } } = {}): Promise<SourceTables> {
  const cols = await readParquetColumns(train.data, train.name, { columns: ['dummyUserId', 'productId'] });
  const user: (string | null)[] = new Array(cols.n);
  const item: (string | null)[] = new Array(cols.n);
  for (let i = 0; i < cols.n; i++) {
    user[i] = idText(cols.data.dummyUserId[i]);
    item[i] = idText(cols.data.productId[i]);
    if (!user[i]) throw new DataError({ file: train.name, row: i + 1, column: 'dummyUserId' }, 'a user id', 'nothing');
    if (!item[i]) throw new DataError({ file: train.name, row: i + 1, column: 'productId' }, 'a product id', 'nothing');
  }
  const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))].sort();
  const userIds = lists.users ? readIdList(lists.users.bytes, lists.users.name) : distinct(user);
  const productIds = lists.products ? readIdList(lists.products.bytes, lists.products.name) : distinct(item);
  const transactions: ColumnTable = { name: 'transactions', length: cols.n, columns: { customer_id: { type: 'string', values: user }, article_id: { type: 'string', values: item } } };
  return {
    transactions,
    articles: { name: 'articles', length: productIds.length, columns: { article_id: { type: 'string', values: productIds } } },
    customers: { name: 'customers', length: userIds.length, columns: { customer_id: { type: 'string', values: userIds } } },
  };
}

/** Held-out (user, item) pairs in a log's dense ids, e.g. from the ASOS validation file. */
export interface HeldOutPairs {
  /** Where the pairs come from (file name). */
  source: string;
  user: Int32Array;
  item: Int32Array;
  /** Rows whose user or item never occurs in training (a model cannot score them). */
  coldDropped: number;
  /** Rows in the file. */
  rows: number;
}

/** Is this picked file an ASOS validation split (`dsf_asos_valid...`, or any name with "valid")? */
export const isAsosValidationFile = (name: string): boolean => /valid/i.test(name) && /\.parquet$/i.test(name);

/**
 * Reads an ASOS validation parquet (same columns as train: dummyUserId,
 * productId) into pairs of the training log's dense ids; pairs with a user or
 * product absent from training are counted and dropped.
 */
export async function readAsosValidation(file: { name: string; data: ParquetSource }, userKeys: readonly string[], itemKeys: readonly string[]): Promise<HeldOutPairs> {
  const cols = await readParquetColumns(file.data, file.name, { columns: ['dummyUserId', 'productId'] });
  const userId = new Map(userKeys.map((k, i) => [k, i]));
  const itemId = new Map(itemKeys.map((k, i) => [k, i]));
  const user: number[] = [];
  const item: number[] = [];
  let cold = 0;
  for (let i = 0; i < cols.n; i++) {
    const u = idText(cols.data.dummyUserId[i]);
    const p = idText(cols.data.productId[i]);
    if (!u) throw new DataError({ file: file.name, row: i + 1, column: 'dummyUserId' }, 'a user id', 'nothing');
    if (!p) throw new DataError({ file: file.name, row: i + 1, column: 'productId' }, 'a product id', 'nothing');
    const du = userId.get(u);
    const di = itemId.get(p);
    if (du === undefined || di === undefined) {
      cold++;
      continue;
    }
    user.push(du);
    item.push(di);
  }
  return { source: file.name, user: Int32Array.from(user), item: Int32Array.from(item), coldDropped: cold, rows: cols.n };
}
