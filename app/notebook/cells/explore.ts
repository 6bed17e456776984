/**
 * Cell 2, Explore: charts computed by SQL aggregation in DuckDB-WASM (a chart
 * never gets more than a few thousand marks, whatever the table sizes), and
 * an editable SQL query with a paged result table and a quick chart.
 */
import * as Plot from '@observablehq/plot';
import type { ItemCatalog } from '@/lib/data/dataset';
import { COLUMNS_SQL, DEFAULT_SQL, EXPLORE_QUERIES, countSql, missingColumns, pagedSql, sparsitySummary, tableColumns, type ExploreQuery } from '@/lib/data/explore';
import { cellId, type CellOutput, type Scalar } from '@/lib/notebook/types';
import { assertNever } from '@/lib/util/assert';
import { defineAppCell } from '../define';
import type { DuckDbHandle } from '@/lib/data/duckdb';
import { DATA_CELL } from './data';

export const EXPLORE_CELL = cellId('explore');

const PAGE_SIZE = 100;
type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const asDate = (v: unknown): Date => new Date(typeof v === 'number' ? v : String(v));

function chart(q: ExploreQuery, rows: Row[], catalog: ItemCatalog): CellOutput[] {
  const title = q.title;
  switch (q.id) {
    case 'weekly':
      return [{ kind: 'plot', title, plot: { height: 260, x: { label: 'week' }, y: { label: 'transactions', grid: true }, marks: [Plot.lineY(rows.map((r) => ({ week: asDate(r.week), n: num(r.transactions) })), { x: 'week', y: 'n', stroke: '#7a4b2a' }), Plot.ruleY([0])] } }];
    case 'price':
      return [{ kind: 'plot', title, plot: { height: 240, x: { label: 'price' }, y: { label: 'transactions', grid: true }, marks: [Plot.rectY(rows, { x1: 'x0', x2: 'x1', y: 'transactions', fill: '#2f6f8f', insetLeft: 0.5 }), Plot.ruleY([0])] } }];
    case 'top_articles': {
      const index = new Map(catalog.keys.map((k, i) => [k, i]));
      const items = rows.map((r) => {
        const i = index.get(String(r.article_id));
        const name = i === undefined ? null : catalog.name[i];
        return { id: String(r.article_id), n: num(r.transactions), name, src: i === undefined ? null : catalog.imageUrl[i] };
      });
      const out: CellOutput[] = [
        { kind: 'plot', title, plot: { height: 420, marginLeft: 150, x: { label: 'transactions', grid: true }, y: { label: null }, marks: [Plot.barX(items.map((it) => ({ ...it, label: it.name ? `${it.name} · ${it.id}` : it.id })), { y: 'label', x: 'n', sort: { y: '-x' }, fill: '#7a4b2a' })] } },
      ];
      const pics = items.filter((it) => it.src);
      if (pics.length) out.push({ kind: 'images', title: 'Top articles', columns: 10, items: pics.map((it) => ({ src: it.src!, caption: it.name ?? it.id, detail: `${it.id} · ${it.n.toLocaleString('en-US')}` })) });
      return out;
    }
    case 'departments':
      return [{ kind: 'plot', title, plot: { height: Math.max(240, rows.length * 16 + 40), marginLeft: 190, x: { label: 'transactions', grid: true }, y: { label: null }, color: { legend: true }, marks: [Plot.barX(rows, { y: 'department_name', x: 'transactions', fill: 'index_group_name', sort: { y: '-x' } })] } }];
    case 'ages':
      return [{ kind: 'plot', title, plot: { height: 220, x: { label: 'age' }, y: { label: 'customers', grid: true }, marks: [Plot.rectY(rows, { x: 'age', y: 'customers', interval: 1, fill: '#6a8f2f' }), Plot.ruleY([0])] } }];
    case 'per_customer':
    case 'per_article': {
      const y = q.id === 'per_customer' ? 'customers' : 'articles';
      return [{ kind: 'plot', title: `${title} (log–log)`, plot: { height: 240, x: { type: 'log', label: 'purchases' }, y: { type: 'log', label: y, grid: true }, marks: [Plot.dot(rows, { x: 'purchases', y, r: 2, fill: '#8f2f6a' })] } }];
    }
    case 'sparsity': {
      const r = rows[0];
      const s = sparsitySummary({ interactions: num(r.interactions), users: num(r.users), items: num(r.items), pairs: num(r.pairs) });
      return [{
        kind: 'metrics', title,
        values: [
          { name: 'interactions', value: num(r.interactions) }, { name: 'users', value: num(r.users) }, { name: 'items', value: num(r.items) },
          { name: 'distinct user–item pairs', value: num(r.pairs) }, { name: 'density', value: Number((100 * s.density).toPrecision(3)), unit: '%' },
          { name: 'per user', value: Number(s.perUser.toFixed(2)) }, { name: 'per item', value: Number(s.perItem.toFixed(2)) },
        ],
      }];
    }
    default:
      return assertNever(q.id, 'explore query');
  }
}

function scalar(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** A quick chart of a query result: bars for label + number, dots for two numbers. */
function quickChart(rows: Row[]): CellOutput | null {
  if (!rows.length) return null;
  const cols = Object.keys(rows[0]);
  if (cols.length < 2) return null;
  const [a, b] = cols;
  const numeric = (c: string) => rows.every((r) => typeof r[c] === 'number' || r[c] === null);
  if (!numeric(b)) return null;
  const head = rows.slice(0, 50);
  if (numeric(a)) return { kind: 'plot', title: `Quick chart: ${b} by ${a}`, plot: { height: 220, marks: [Plot.dot(rows, { x: a, y: b, r: 2 })] } };
  return { kind: 'plot', title: `Quick chart: ${b} by ${a} (first ${head.length} rows)`, plot: { height: Math.max(160, head.length * 14 + 40), marginLeft: 160, marks: [Plot.barX(head.map((r) => ({ ...r, [a]: String(r[a]) })), { y: a, x: b, fill: '#2f6f8f' })] } };
}

export const exploreCell = defineAppCell({
  id: EXPLORE_CELL,
  title: 'Explore',
  explanation:
    'Charts from SQL aggregates over the Data cell’s DuckDB tables: transactions per week, prices, the top 20 articles, departments, ages, purchases per customer and per article, and sparsity. ' +
    'Edit the SQL below to ask your own question; the result is paged and charted.',
  params: {
    sql: { kind: 'text', label: 'SQL', default: DEFAULT_SQL, multiline: true },
    page: { kind: 'number', label: 'Result page', default: 1, min: 1, integer: true, help: `${PAGE_SIZE} rows per page` },
  },
  dependsOn: [DATA_CELL],
  async run(ctx) {
    const db = ctx.artifacts.get<DuckDbHandle>(DATA_CELL, 'db');
    const catalog = ctx.artifacts.get<ItemCatalog>(DATA_CELL, 'catalog');
    const have = tableColumns(await db.rows<{ table_name: string; column_name: string }>(COLUMNS_SQL));
    const outputs: CellOutput[] = [];
    const timings: string[] = [];
    for (let k = 0; k < EXPLORE_QUERIES.length; k++) {
      const q = EXPLORE_QUERIES[k];
      ctx.progress({ label: q.title, done: k, total: EXPLORE_QUERIES.length + 1, unit: 'queries' });
      const missing = missingColumns(q, have);
      if (missing.length) {
        outputs.push({ kind: 'markdown', text: `**${q.title}:** not available for this dataset (it has no ${missing.join(', ')}).` });
        continue;
      }
      const t0 = performance.now();
      const rows = await db.rows<Row>(q.sql);
      timings.push(`${q.id}: ${(performance.now() - t0).toFixed(0)} ms, ${rows.length} rows`);
      outputs.push(...chart(q, rows, catalog));
    }
    ctx.progress({ label: 'Your query', done: EXPLORE_QUERIES.length, total: EXPLORE_QUERIES.length + 1, unit: 'queries' });
    const sql = ctx.params.sql;
    try {
      const page = Math.max(1, ctx.params.page) - 1;
      const [{ n }] = await db.rows<{ n: number }>(countSql(sql));
      const rows = await db.rows<Row>(pagedSql(sql, page, PAGE_SIZE));
      const columns = rows.length ? Object.keys(rows[0]) : [];
      outputs.push({ kind: 'table', title: `Your query: rows ${page * PAGE_SIZE + 1}–${page * PAGE_SIZE + rows.length} of ${n.toLocaleString('en-US')}`, columns, rows: rows.map((r) => columns.map((c) => scalar(r[c]))), totalRows: n });
      const quick = quickChart(rows);
      if (quick) outputs.push(quick);
    } catch (e) {
      outputs.push({ kind: 'markdown', text: `**SQL error:** ${(e as Error).message}` });
    }
    outputs.push({ kind: 'log', title: 'Query times', lines: timings });
    return { outputs, summary: { queries: timings.length } };
  },
});
