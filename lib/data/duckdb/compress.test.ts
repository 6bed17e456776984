/**
 * The app's tables are compressed in DuckDB-WASM (the engine the page runs, through the app's session
 * set-up): after a swap, and every `compressEvery` rows while the hm-scale demo's transactions are
 * appended (customers given as rows, their ids looked up by DuckDB); the rows read back unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo';
import { ident, literal } from './sql';
import { stage, stageEnumKeyedTransactions, staging, swapIn } from './staging';
import { duckdbWasm, type TestHandle } from './test-engines';

let db: TestHandle;
beforeAll(async () => {
  db = await duckdbWasm();
});
afterAll(() => db.close());

/** Per column of a table: the compressions of its segments other than validity masks. */
async function compressions(table: string): Promise<Map<string, Set<string>>> {
  const rows = await db.rows<{ c: string; k: string }>(
    `SELECT column_name AS c, compression AS k FROM pragma_storage_info(${literal(table)}) WHERE segment_type <> 'VALIDITY' GROUP BY ALL`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) out.set(r.c, (out.get(r.c) ?? new Set()).add(r.k));
  return out;
}

describe('compressed tables in DuckDB-WASM', () => {
  it('tables live in the compressed in-memory database', async () => {
    const [r] = await db.rows<{ d: string }>('SELECT current_database() AS d');
    expect(r.d).toBe('atelier');
  });

  it('appends every few rows compressed, and reads back every row as generated', async () => {
    const demo = generateDemo({ articles: 300, customers: 400, transactions: 60_000 }, 5);
    // Customers and articles a slice at a time, as the Data cell stages them at H&M scale.
    await stage(db, 'articles', demo.articles, 'create', 128);
    await stage(db, 'customers', demo.customers, 'create', 150);
    const tx = await stageEnumKeyedTransactions(db, 'customer_key_compress', 25_000);
    const rows: { day: number; customer: string; article: string; price: number; channel: number }[] = [];
    for (const chunk of demo.transactions(10_000)) {
      // Customers as rows of the staged customers (the Data cell's way), the ids themselves not sent.
      await tx.append(chunk.table, chunk.customer);
      const c = chunk.table.columns;
      for (let i = 0; i < chunk.table.length; i++) {
        rows.push({
          day: (c.t_dat.values as Int32Array)[i], customer: (c.customer_id.values as string[])[i], article: (c.article_id.values as string[])[i],
          price: (c.price.values as Float64Array)[i], channel: (c.sales_channel_id.values as Float64Array)[i],
        });
      }
    }
    const [bad] = demo.transactions(10);
    const rows400 = Int32Array.from(bad.customer, (r: number, i: number) => (i === 3 ? 400 : r));
    await expect(tx.append(bad.table, rows400)).rejects.toThrow('invalid customer row at chunk row 3: 400; expected 0..399 (a row of the staged customers)');
    await tx.close();
    expect(await db.hasTable('_demo_customer_keys')).toBe(false);
    // Rows past the last compression are still plain; the swap compresses the rest.
    await swapIn(db);
    const kinds = await compressions('transactions');
    for (const col of ['t_dat', 'customer_id', 'article_id', 'price', 'sales_channel_id']) {
      expect([...(kinds.get(col) ?? [])].filter((k) => k !== 'Uncompressed'), col).not.toHaveLength(0);
    }
    const back = await db.rows<{ d: number; c: string; a: string; p: number; s: number }>(
      `SELECT epoch_ms(t_dat) AS d, CAST(customer_id AS VARCHAR) AS c, article_id AS a, price AS p, sales_channel_id AS s FROM ${ident('transactions')} ORDER BY rowid`,
    );
    expect(back.length).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const want = rows[i];
      const got = back[i];
      if (got.d / 86_400_000 !== want.day || got.c !== want.customer || got.a !== want.article || got.p !== want.price || got.s !== want.channel) {
        expect({ row: i, ...got }).toEqual({ row: i, d: want.day * 86_400_000, c: want.customer, a: want.article, p: want.price, s: want.channel });
      }
    }
    expect(await db.hasTable(staging('transactions'))).toBe(false);
    const customers = await db.rows<{ id: string; age: number | null; post: string }>('SELECT customer_id AS id, age, postal_code AS post FROM customers ORDER BY rowid');
    const c = demo.customers.columns;
    expect(customers.map((r) => r.id)).toEqual(c.customer_id.values);
    expect(customers.map((r) => r.post)).toEqual(c.postal_code.values);
    expect(customers.map((r) => r.age ?? NaN)).toEqual(Array.from(c.age.values as Float64Array));
    const [{ n }] = await db.rows<{ n: number }>('SELECT count(DISTINCT article_id) AS n FROM articles');
    expect(n).toBe(demo.articles.length);
  });
});
