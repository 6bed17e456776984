/**
 * The Explore cell's queries: SQL aggregates over `articles`, `customers`
 * and `transactions` that return at most a few thousand rows each, so a
 * chart never receives more than ~10k marks whatever the table sizes. The
 * same SQL runs in DuckDB-WASM (the app) and native DuckDB (tests, bench).
 */

/** Columns present per table, as read from information_schema. */
export type TableColumns = Record<'articles' | 'customers' | 'transactions', ReadonlySet<string>>;

/** One Explore query: id, title, the columns it needs, and its SQL. */
export interface ExploreQuery {
  id: 'weekly' | 'price' | 'top_articles' | 'departments' | 'ages' | 'per_customer' | 'per_article' | 'sparsity';
  title: string;
  needs: Partial<Record<keyof TableColumns, readonly string[]>>;
  sql: string;
}

/** Query listing the columns of the three tables. */
export const COLUMNS_SQL =
  "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN ('articles','customers','transactions') AND table_schema = 'main'";

/** Bins of the price histogram. */
export const PRICE_BINS = 60;

/** Every Explore query, in display order. */
export const EXPLORE_QUERIES: readonly ExploreQuery[] = [
  {
    id: 'weekly',
    title: 'Transactions per week',
    needs: { transactions: ['t_dat'] },
    sql: `SELECT CAST(date_trunc('week', t_dat) AS DATE) AS week, CAST(count(*) AS DOUBLE) AS transactions
          FROM transactions GROUP BY 1 ORDER BY 1`,
  },
  {
    id: 'price',
    title: 'Price distribution (up to the 99th percentile)',
    needs: { transactions: ['price'] },
    sql: `WITH s AS (SELECT quantile_cont(price, 0.99) AS hi FROM transactions WHERE price IS NOT NULL),
          b AS (SELECT LEAST(CAST(floor(price / (s.hi / ${PRICE_BINS})) AS INTEGER), ${PRICE_BINS - 1}) AS bin, s.hi AS hi
                FROM transactions, s WHERE price IS NOT NULL AND s.hi > 0)
          SELECT CAST(bin * hi / ${PRICE_BINS} AS DOUBLE) AS x0, CAST((bin + 1) * hi / ${PRICE_BINS} AS DOUBLE) AS x1, CAST(count(*) AS DOUBLE) AS transactions
          FROM b GROUP BY bin, hi ORDER BY bin`,
  },
  {
    id: 'top_articles',
    title: 'Top 20 articles',
    needs: {},
    sql: `SELECT article_id, CAST(count(*) AS DOUBLE) AS transactions FROM transactions GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`,
  },
  {
    id: 'departments',
    title: 'Sales by index group and department (top 40)',
    needs: { articles: ['index_group_name', 'department_name'] },
    sql: `SELECT a.index_group_name, a.department_name, CAST(count(*) AS DOUBLE) AS transactions
          FROM transactions t JOIN articles a ON a.article_id = t.article_id
          GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 40`,
  },
  {
    id: 'ages',
    title: 'Customer age',
    needs: { customers: ['age'] },
    sql: `SELECT CAST(floor(age) AS INTEGER) AS age, CAST(count(*) AS DOUBLE) AS customers
          FROM customers WHERE age IS NOT NULL GROUP BY 1 ORDER BY 1`,
  },
  {
    id: 'per_customer',
    title: 'Purchases per customer',
    needs: {},
    sql: `SELECT CAST(n AS DOUBLE) AS purchases, CAST(count(*) AS DOUBLE) AS customers
          FROM (SELECT customer_id, count(*) AS n FROM transactions GROUP BY 1) GROUP BY 1 ORDER BY 1`,
  },
  {
    id: 'per_article',
    title: 'Purchases per article',
    needs: {},
    sql: `SELECT CAST(n AS DOUBLE) AS purchases, CAST(count(*) AS DOUBLE) AS articles
          FROM (SELECT article_id, count(*) AS n FROM transactions GROUP BY 1) GROUP BY 1 ORDER BY 1`,
  },
  {
    id: 'sparsity',
    title: 'Sparsity',
    needs: {},
    sql: `SELECT CAST(count(*) AS DOUBLE) AS interactions, CAST(count(DISTINCT customer_id) AS DOUBLE) AS users,
                 CAST(count(DISTINCT article_id) AS DOUBLE) AS items,
                 CAST((SELECT count(*) FROM (SELECT DISTINCT customer_id, article_id FROM transactions)) AS DOUBLE) AS pairs
          FROM transactions`,
  },
];

/** Groups information_schema rows into per-table column sets. */
export function tableColumns(rows: readonly { table_name: string; column_name: string }[]): TableColumns {
  const out: TableColumns = { articles: new Set(), customers: new Set(), transactions: new Set() };
  for (const r of rows) {
    const set = out[r.table_name as keyof TableColumns];
    if (set) (set as Set<string>).add(r.column_name);
  }
  return out;
}

/** The columns a query needs that the dataset lacks (empty when it can run). */
export function missingColumns(q: ExploreQuery, have: TableColumns): string[] {
  const out: string[] = [];
  for (const [table, cols] of Object.entries(q.needs) as [keyof TableColumns, readonly string[]][]) {
    for (const c of cols) if (!have[table].has(c)) out.push(`${table}.${c}`);
  }
  return out;
}

/** Density summary from the sparsity query's row. */
export function sparsitySummary(r: { interactions: number; users: number; items: number; pairs: number }): { density: number; perUser: number; perItem: number } {
  const cells = r.users * r.items;
  return { density: cells > 0 ? r.pairs / cells : 0, perUser: r.users ? r.interactions / r.users : 0, perItem: r.items ? r.interactions / r.items : 0 };
}

/** Wraps user SQL for one page of results (the statement must be a single SELECT / WITH / FROM query). */
export function pagedSql(sql: string, page: number, pageSize: number): string {
  const body = sql.trim().replace(/;\s*$/, '');
  if (body.includes(';')) throw new Error(`invalid SQL: ${JSON.stringify(body.slice(0, 60))}; expected one statement without ";"`);
  if (!(Number.isInteger(page) && page >= 0)) throw new Error(`invalid page: ${page}; expected a whole number ≥ 0`);
  if (!(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 10_000)) throw new Error(`invalid pageSize: ${pageSize}; expected 1..10000`);
  return `SELECT * FROM (${body}) AS q LIMIT ${pageSize} OFFSET ${page * pageSize}`;
}

/** Counts the rows of user SQL. */
export function countSql(sql: string): string {
  return `SELECT CAST(count(*) AS DOUBLE) AS n FROM (${sql.trim().replace(/;\s*$/, '')}) AS q`;
}

/** The starting SQL of the editable query. */
export const DEFAULT_SQL = `SELECT a.product_group_name, count(*) AS transactions, round(avg(t.price), 4) AS avg_price
FROM transactions t JOIN articles a USING (article_id)
GROUP BY 1 ORDER BY 2 DESC`;
