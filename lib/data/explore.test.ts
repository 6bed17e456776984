/** The Explore SQL against native DuckDB over the tiny demo, cross-checked with plain JS counts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateDemoTables } from './demo';
import { HM_SCHEMAS, duckdbType } from './schema';
import { toCsv } from './table';
import { COLUMNS_SQL, EXPLORE_QUERIES, countSql, missingColumns, pagedSql, sparsitySummary, tableColumns, type ExploreQuery } from './explore';

const t = generateDemoTables('tiny', 11);
const dir = mkdtempSync(path.join(tmpdir(), 'atelier-explore-'));
let con: DuckDBConnection;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}
const query = (id: ExploreQuery['id']) => EXPLORE_QUERIES.find((q) => q.id === id)!;

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
  for (const [name, table] of Object.entries({ articles: t.articles, customers: t.customers, transactions: t.transactions })) {
    const file = path.join(dir, `${name}.csv`);
    writeFileSync(file, toCsv(table));
    const schema = HM_SCHEMAS[name as keyof typeof HM_SCHEMAS];
    const cols = schema.columns.map((c) => `'${c.name}': '${duckdbType(c.type)}'`).join(', ');
    await con.run(`CREATE TABLE ${name} AS SELECT * FROM read_csv('${file}', header = true, columns = {${cols}})`);
  }
});
afterAll(() => {
  con?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('Explore SQL on native DuckDB', () => {
  it('every query runs on the demo and returns few rows', async () => {
    const have = tableColumns((await rows(COLUMNS_SQL)) as { table_name: string; column_name: string }[]);
    expect(have.articles.size).toBe(25);
    for (const q of EXPLORE_QUERIES) {
      expect(missingColumns(q, have)).toEqual([]);
      const r = await rows(q.sql);
      expect(r.length, q.id).toBeGreaterThan(0);
      expect(r.length, q.id).toBeLessThanOrEqual(10_000);
    }
  });

  it('aggregates agree with plain counts', async () => {
    const weekly = await rows(query('weekly').sql);
    expect(weekly.reduce((s, r) => s + Number(r.transactions), 0)).toBe(3000);
    const price = await rows(query('price').sql);
    const inHist = price.reduce((s, r) => s + Number(r.transactions), 0);
    expect(inHist).toBe(3000);
    const counts = new Map<string, number>();
    for (const a of t.transactions.columns.article_id.values as string[]) counts.set(a, (counts.get(a) ?? 0) + 1);
    const top = await rows(query('top_articles').sql);
    expect(top).toHaveLength(20);
    expect(Number(top[0].transactions)).toBe(Math.max(...counts.values()));
    const perArticle = await rows(query('per_article').sql);
    expect(perArticle.reduce((s, r) => s + Number(r.articles), 0)).toBe(counts.size);
    const [sp] = await rows(query('sparsity').sql);
    expect(Number(sp.items)).toBe(counts.size);
    const s = sparsitySummary({ interactions: Number(sp.interactions), users: Number(sp.users), items: Number(sp.items), pairs: Number(sp.pairs) });
    expect(s.density).toBeGreaterThan(0);
    expect(s.density).toBeLessThan(1);
  });

  it('pages user SQL and rejects several statements', async () => {
    const sql = 'SELECT article_id FROM articles ORDER BY 1;';
    expect(await rows(pagedSql(sql, 1, 10))).toHaveLength(10);
    expect(Number((await rows(countSql(sql)))[0].n)).toBe(150);
    expect(() => pagedSql('SELECT 1; DROP TABLE articles', 0, 10)).toThrow('invalid SQL');
  });

  it('reports the columns a query lacks for sources without them', () => {
    const have = tableColumns([{ table_name: 'transactions', column_name: 'customer_id' }, { table_name: 'transactions', column_name: 'article_id' }]);
    expect(missingColumns(query('weekly'), have)).toEqual(['transactions.t_dat']);
    expect(missingColumns(query('sparsity'), have)).toEqual([]);
  });
});
