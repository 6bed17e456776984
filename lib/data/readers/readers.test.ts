/**
 * The readers on the real files in ../shared/data (DATA_DIR overrides).
 * Skipped, with the reason printed, when the files are absent.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHmTable, hmImagePath } from './hm';
import { isAsosValidationFile, readAsos, readAsosValidation } from './asos';
import { movielensInteractions, readMovielens } from './movielens';
import { readMappedInteractions } from './mapped';
import { buildDataset } from '../build';
import { DataError } from '../errors';
import { decodeText } from '../csv';

const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../../../shared/data');
const hm = path.join(DATA_DIR, 'hm');
const asos = path.join(DATA_DIR, 'asos-dsf2020');
const ml = path.join(DATA_DIR, 'movielens-100k');
const has = (p: string, what: string) => {
  const ok = existsSync(p);
  if (!ok) console.warn(`SKIPPED: ${what} tests need ${p} (set DATA_DIR to the shared data folder)`);
  return ok;
};
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const arrayBuffer = (p: string) => {
  const b = readFileSync(p);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

describe.skipIf(!has(hm, 'H&M sample'))('H&M sample files', () => {
  it('reads articles.parquet, customers_sample.csv and transactions_sample.csv with the right counts and ids', async () => {
    const articles = await readHmTable('articles', { name: 'articles.parquet', data: arrayBuffer(path.join(hm, 'articles.parquet')) }, 'abort');
    expect(articles.table.length).toBe(105_542);
    expect(articles.bad.count).toBe(0);
    const ids = articles.table.columns.article_id.values as string[];
    expect(ids[0]).toBe('0108775015');
    expect(ids.every((id) => id.length === 10)).toBe(true);
    expect(new Set(articles.table.columns.product_code.values as Float64Array).size).toBe(47_224);
    expect((articles.table.columns.detail_desc.values as (string | null)[]).filter((d) => d === null).length).toBe(416);

    const customers = await readHmTable('customers', { name: 'customers_sample.csv', data: bytes(path.join(hm, 'customers_sample.csv')) }, 'abort');
    expect(customers.table.length).toBe(1_364);
    const ages = customers.table.columns.age.values as Float64Array;
    expect(Array.from(ages).filter(Number.isNaN).length).toBe(12);

    const tx = await readHmTable('transactions', { name: 'transactions_sample.csv', data: bytes(path.join(hm, 'transactions_sample.csv')) }, 'abort');
    expect(tx.table.length).toBe(31_443);
    expect((tx.table.columns.article_id.values as string[]).every((id) => /^0\d{9}$/.test(id))).toBe(true);

    const built = buildDataset({ articles: articles.table, customers: customers.table, transactions: tx.table }, {
      kind: 'hm', name: 'H&M sample', fingerprint: 'test', badRows: 'abort',
      imageUrl: (id) => (existsSync(path.join(hm, hmImagePath(id))) ? hmImagePath(id) : null),
    });
    expect(built.joinIssues).toEqual([]);
    // 5 of the 1,364 customers and 120 of the 17,033 articles only occur in the held-back final week.
    expect(built.interactions.nUsers).toBe(1_359);
    expect(built.interactions.nItems).toBe(16_913);
    expect(built.interactions.userKeys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(built.interactions.day[0]).toBe(Date.UTC(2018, 8, 20) / 86_400_000);
    expect(built.interactions.day[built.interactions.day.length - 1]).toBe(Date.UTC(2020, 8, 15) / 86_400_000);
    // Every photo in the folder is of an article in the sample (the 120 of the final week were removed).
    expect(built.catalog.imageUrl.filter((u) => u !== null).length).toBe(2_522);
    const images = readdirSync(path.join(hm, 'images')).flatMap((d) => readdirSync(path.join(hm, 'images', d)));
    expect(images.length).toBe(2_522);
  });
});

describe.skipIf(!has(asos, 'ASOS'))('ASOS dsf2020', () => {
  it('reads binary user ids as text and the id lists without headers', async () => {
    const t = await readAsos(
      { name: 'train.parquet', data: arrayBuffer(path.join(asos, 'dsf_asos_train_with_alphanumeric_dummy_ids.parquet')) },
      {
        users: { name: 'users.csv', bytes: bytes(path.join(asos, 'dsf_asos_dummy_users_with_alphanumeric_dummy_ids.csv')) },
        products: { name: 'products.csv', bytes: bytes(path.join(asos, 'dsf_asos_productIds.csv')) },
      },
    );
    expect(t.transactions.length).toBe(165_042);
    expect(t.customers.length).toBe(43_607);
    expect(t.articles.length).toBe(29_696);
    const built = buildDataset(t, { kind: 'asos', name: 'ASOS', fingerprint: 'x', badRows: 'abort' });
    expect(built.interactions.nUsers).toBe(43_607);
    expect(built.interactions.nItems).toBe(29_696);
    expect(built.interactions.userKeys.every((k) => /^[A-Za-z0-9]{20}$/.test(k))).toBe(true);
    // A validation parquet has train's columns: read against the training keys. Train itself maps every row;
    // against keys missing the first product, exactly that product's rows are counted as cold.
    expect(isAsosValidationFile('dsf_asos_valid_with_alphanumeric_dummy_ids.parquet')).toBe(true);
    expect(isAsosValidationFile('dsf_asos_train_with_alphanumeric_dummy_ids.parquet')).toBe(false);
    const file = { name: 'valid.parquet', data: arrayBuffer(path.join(asos, 'dsf_asos_train_with_alphanumeric_dummy_ids.parquet')) };
    const v = await readAsosValidation(file, built.interactions.userKeys, built.interactions.itemKeys);
    expect(v).toMatchObject({ rows: 165_042, coldDropped: 0 });
    expect(v.user.length).toBe(165_042);
    const first = built.interactions.item.filter((i) => i === built.interactions.item[0]).length;
    const without = built.interactions.itemKeys.map((k, i) => (i === built.interactions.item[0] ? '(gone)' : k));
    expect((await readAsosValidation(file, built.interactions.userKeys, without)).coldDropped).toBe(first);
  });
});

describe.skipIf(!has(ml, 'MovieLens 100k'))('MovieLens 100k', () => {
  it('reads u.data, the latin-1 u.item and u.user', () => {
    const t = readMovielens(
      { name: 'u.data', bytes: bytes(path.join(ml, 'u.data')) },
      { item: { name: 'u.item', bytes: bytes(path.join(ml, 'u.item')) }, user: { name: 'u.user', bytes: bytes(path.join(ml, 'u.user')) } },
    );
    expect(t.transactions.length).toBe(100_000);
    expect(t.articles.length).toBe(1_682);
    expect(t.customers.length).toBe(943);
    const titles = t.articles.columns.prod_name.values as string[];
    expect(titles.some((s) => /[éèáóñ]/.test(s))).toBe(true); // latin-1 decoded, not U+FFFD
    expect(titles.some((s) => s.includes('\uFFFD'))).toBe(false);
    const built = buildDataset(t, { kind: 'movielens', name: 'ml-100k', fingerprint: 'x', badRows: 'abort' });
    expect(built.interactions.nUsers).toBe(943);
    expect(built.interactions.nItems).toBe(1_682);
    const ratings = new Map<number, number>();
    for (const v of built.interactions.value) ratings.set(v, (ratings.get(v) ?? 0) + 1);
    expect(ratings.get(4)).toBe(34_174);
  });

  it('reads u.data as seed 002 does (0-based ids, rating, seconds) and names the line of a bad value', () => {
    const log = movielensInteractions({ name: 'u.data', bytes: bytes(path.join(ml, 'u.data')) });
    expect([log.nUsers, log.nItems, log.user.length]).toEqual([943, 1_682, 100_000]);
    expect([log.user[0], log.item[0], log.value[0], log.time[0]]).toEqual([195, 241, 3, 881250949]);
    const bad = new TextEncoder().encode('1\t2\t3\t881250949\n4\tx\t5\t881250950\n');
    expect(() => movielensInteractions({ name: 'u.data', bytes: bad })).toThrow(/u\.data.*line 2.*item_id.*whole number.*"x"/);
  });

  it('rejects u.item read as UTF-8, naming line and byte', () => {
    expect(() => decodeText(bytes(path.join(ml, 'u.item')), 'utf-8', 'u.item')).toThrow(
      'u.item, line 543: expected UTF-8 text, found a byte 0xe9 that is not UTF-8 at line 543 (byte 76620); re-save the file as UTF-8, or set the Data cell\'s "Encoding" to latin-1 (Windows-1252)',
    );
  });

  it('reads u.data through the generic column mapping (tab-separated with a header added)', async () => {
    const text = 'user\titem\trating\tts\n' + readFileSync(path.join(ml, 'u.data'), 'utf-8');
    const r = await readMappedInteractions({ name: 'ratings.csv', data: new TextEncoder().encode(text) }, { user: 'user', item: 'item', time: 'ts', weight: 'rating' }, 'abort');
    expect(r.tables.transactions.length).toBe(100_000);
    expect(r.tables.customers.length).toBe(943);
    await expect(readMappedInteractions({ name: 'ratings.csv', data: new TextEncoder().encode(text) }, { user: 'userid', item: 'item' }, 'abort')).rejects.toBeInstanceOf(DataError);
  });
});
