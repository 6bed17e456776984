/**
 * MovieLens 100k: `u.data` (tab-separated user, item, rating, unix seconds),
 * `u.item` (`|`-separated, latin-1, 19 genre flags), `u.user`
 * (`|`-separated id, age, gender, occupation, zip). No headers; 1-based ids.
 */
import { DataError } from '../errors';
import { decodeText, parseCsv } from '../csv';
import type { ColumnTable } from '../table';
import type { SourceTables } from '../build';

const GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];

function rowsOf(bytes: Uint8Array, file: string, delimiter: string, encoding: 'utf-8' | 'latin1', fields: number): string[][] {
  if (bytes.length === 0) throw new DataError({ file }, 'MovieLens rows', 'an empty file (0 bytes)');
  const rows = parseCsv(decodeText(bytes, encoding, file), { delimiter, quotes: false, file }).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  return rows.map((r, k) => {
    if (r.fields.length !== fields) throw new DataError({ file, row: k + 1 }, `${fields} ${JSON.stringify(delimiter)}-separated fields`, `${r.fields.length} fields`);
    return r.fields;
  });
}

function int(v: string, file: string, row: number, column: string): number {
  const n = Number(v);
  if (v === '' || !Number.isInteger(n)) throw new DataError({ file, row, column }, 'a whole number', JSON.stringify(v));
  return n;
}

/** Reads u.data and optionally u.item (latin-1) and u.user into source tables (rating in `rating`). */
export function readMovielens(data: { name: string; bytes: Uint8Array }, extra: { item?: { name: string; bytes: Uint8Array }; user?: { name: string; bytes: Uint8Array } } = {}): SourceTables {
  const rows = rowsOf(data.bytes, data.name, '\t', 'utf-8', 4);
  const n = rows.length;
  const user: string[] = new Array(n);
  const item: string[] = new Array(n);
  const rating = new Float64Array(n);
  const day = new Int32Array(n);
  rows.forEach((f, k) => {
    user[k] = String(int(f[0], data.name, k + 1, 'user_id'));
    item[k] = String(int(f[1], data.name, k + 1, 'item_id'));
    rating[k] = int(f[2], data.name, k + 1, 'rating');
    if (rating[k] < 1 || rating[k] > 5) throw new DataError({ file: data.name, row: k + 1, column: 'rating' }, 'a rating from 1 to 5', String(rating[k]));
    day[k] = Math.floor(int(f[3], data.name, k + 1, 'timestamp') / 86_400);
  });
  const transactions: ColumnTable = {
    name: 'transactions', length: n,
    columns: { t_dat: { type: 'date', values: day }, customer_id: { type: 'string', values: user }, article_id: { type: 'string', values: item }, rating: { type: 'float', values: rating } },
  };
  let articles: ColumnTable;
  if (extra.item) {
    const it = rowsOf(extra.item.bytes, extra.item.name, '|', 'latin1', 24);
    articles = {
      name: 'articles', length: it.length,
      columns: {
        article_id: { type: 'string', values: it.map((f, k) => String(int(f[0], extra.item!.name, k + 1, 'movie_id'))) },
        prod_name: { type: 'string', values: it.map((f) => f[1]) },
        product_type_name: { type: 'string', values: it.map((f) => GENRES.find((_, g) => f[5 + g] === '1') ?? 'unknown') },
        release_date: { type: 'string', values: it.map((f) => f[2] || null) },
      },
    };
  } else {
    const ids = [...new Set(item)].sort((a, b) => Number(a) - Number(b));
    articles = { name: 'articles', length: ids.length, columns: { article_id: { type: 'string', values: ids } } };
  }
  let customers: ColumnTable;
  if (extra.user) {
    const us = rowsOf(extra.user.bytes, extra.user.name, '|', 'utf-8', 5);
    customers = {
      name: 'customers', length: us.length,
      columns: {
        customer_id: { type: 'string', values: us.map((f, k) => String(int(f[0], extra.user!.name, k + 1, 'user_id'))) },
        age: { type: 'float', values: Float64Array.from(us, (f, k) => int(f[1], extra.user!.name, k + 1, 'age')) },
        gender: { type: 'string', values: us.map((f) => f[2]) },
        occupation: { type: 'string', values: us.map((f) => f[3]) },
      },
    };
  } else {
    const ids = [...new Set(user)].sort((a, b) => Number(a) - Number(b));
    customers = { name: 'customers', length: ids.length, columns: { customer_id: { type: 'string', values: ids } } };
  }
  return { transactions, articles, customers };
}
