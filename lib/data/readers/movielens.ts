/**
 * MovieLens 100k: `u.data` (tab-separated user, item, rating, unix seconds),
 * `u.item` (`|`-separated, latin-1, 19 genre flags), `u.user`
 * (`|`-separated id, age, gender, occupation, zip). No headers; 1-based ids.
 */
import { DataError } from '../errors';
import { decodeText, parseCsv } from '../csv';
import type { ColumnTable } from '../table';
import type { SourceTables } from '../build';
import type { Interactions } from '../seed-protocol';

const GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];

type Row = { fields: string[]; line: number };

function rowsOf(bytes: Uint8Array, file: string, delimiter: string, encoding: 'utf-8' | 'latin1', fields: number): Row[] {
  if (bytes.length === 0) throw new DataError({ file }, 'MovieLens rows', 'an empty file (0 bytes)');
  const rows = parseCsv(decodeText(bytes, encoding, file), { delimiter, quotes: false, file }).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  for (const r of rows) {
    if (r.fields.length !== fields) throw new DataError({ file, line: r.line }, `${fields} ${JSON.stringify(delimiter)}-separated fields`, `${r.fields.length} fields`);
  }
  return rows;
}

/** The whole number in field `k` of a row (files without a header: the line is the row). */
function int(r: Row, k: number, file: string, column: string): number {
  const v = r.fields[k];
  const n = Number(v);
  if (v === '' || !Number.isInteger(n)) throw new DataError({ file, line: r.line, column }, 'a whole number', JSON.stringify(v));
  return n;
}

/** u.data's four columns, validated: 1-based ids of at least 1, ratings 1 to 5, unix seconds. */
function ratingsOf(data: { name: string; bytes: Uint8Array }) {
  const rows = rowsOf(data.bytes, data.name, '\t', 'utf-8', 4);
  const n = rows.length;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n);
  const seconds = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    user[k] = int(r, 0, data.name, 'user_id');
    item[k] = int(r, 1, data.name, 'item_id');
    rating[k] = int(r, 2, data.name, 'rating');
    seconds[k] = int(r, 3, data.name, 'timestamp');
    if (user[k] < 1) throw new DataError({ file: data.name, line: r.line, column: 'user_id' }, 'an id of 1 or more', String(user[k]));
    if (item[k] < 1) throw new DataError({ file: data.name, line: r.line, column: 'item_id' }, 'an id of 1 or more', String(item[k]));
    if (rating[k] < 1 || rating[k] > 5) throw new DataError({ file: data.name, line: r.line, column: 'rating' }, 'a rating from 1 to 5', String(rating[k]));
  }
  return { n, user, item, rating, seconds };
}

/** Reads u.data and optionally u.item (latin-1) and u.user into source tables (rating in `rating`). */
export function readMovielens(data: { name: string; bytes: Uint8Array }, extra: { item?: { name: string; bytes: Uint8Array }; user?: { name: string; bytes: Uint8Array } } = {}): SourceTables {
  const { n, user: u, item: i, rating: r, seconds } = ratingsOf(data);
  const user: string[] = Array.from(u, String);
  const item: string[] = Array.from(i, String);
  const rating = Float64Array.from(r);
  const day = new Int32Array(n);
  for (let k = 0; k < n; k++) day[k] = Math.floor(seconds[k] / 86_400);
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
        article_id: { type: 'string', values: it.map((f) => String(int(f, 0, extra.item!.name, 'movie_id'))) },
        prod_name: { type: 'string', values: it.map((f) => f.fields[1]) },
        product_type_name: { type: 'string', values: it.map((f) => GENRES.find((_, g) => f.fields[5 + g] === '1') ?? 'unknown') },
        release_date: { type: 'string', values: it.map((f) => f.fields[2] || null) },
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
        customer_id: { type: 'string', values: us.map((f) => String(int(f, 0, extra.user!.name, 'user_id'))) },
        age: { type: 'float', values: Float64Array.from(us, (f) => int(f, 1, extra.user!.name, 'age')) },
        gender: { type: 'string', values: us.map((f) => f.fields[2]) },
        occupation: { type: 'string', values: us.map((f) => f.fields[3]) },
      },
    };
  } else {
    const ids = [...new Set(user)].sort((a, b) => Number(a) - Number(b));
    customers = { name: 'customers', length: ids.length, columns: { customer_id: { type: 'string', values: ids } } };
  }
  return { transactions, articles, customers };
}

/**
 * u.data as seed 002 reads it: 0-based user and item ids (943 users x 1682 items in 100k), the rating
 * as value and the unix seconds as time, validated like `readMovielens` (file and line in messages).
 */
export function movielensInteractions(data: { name: string; bytes: Uint8Array }): Interactions {
  const { n, user, item, rating, seconds } = ratingsOf(data);
  let nUsers = 0;
  let nItems = 0;
  for (let k = 0; k < n; k++) {
    user[k] -= 1;
    item[k] -= 1;
    if (user[k] >= nUsers) nUsers = user[k] + 1;
    if (item[k] >= nItems) nItems = item[k] + 1;
  }
  return { nUsers, nItems, user, item, value: rating, time: seconds };
}
