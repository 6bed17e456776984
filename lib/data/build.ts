/**
 * From source tables (`articles`, `customers`, `transactions`, whatever
 * columns a source has) to the contract of lib/data/dataset.ts. Transactions
 * whose ids do not join the articles or customers tables are bad rows.
 */
import type { CustomerTable, DatasetInfo, DatasetKind, InteractionLog, ItemCatalog } from './dataset';
import { BadRowCollector, enforceBadRowPolicy, shown, type BadRowPolicy, type BadRows } from './errors';
import { buildInteractionLog } from './interactions';
import type { Column, ColumnTable } from './table';

/** The three tables of a dataset; each source fills the columns it has. */
export interface SourceTables {
  articles: ColumnTable;
  customers: ColumnTable;
  transactions: ColumnTable;
}

/** Everything the Data cell hands on (the `db` artifact is added by the app). */
export interface BuiltDataset {
  interactions: InteractionLog;
  catalog: ItemCatalog;
  customers: CustomerTable;
  info: DatasetInfo;
  /** Transactions dropped because their ids do not join. */
  joinIssues: BadRows[];
}

function strings(t: ColumnTable, name: string): (string | null)[] | null {
  const c = t.columns[name];
  if (!c) return null;
  if (c.type !== 'string') throw new Error(`invalid column ${t.name}.${name}: type ${c.type}; expected string`);
  return c.values;
}

function numbers(c: Column | undefined): ArrayLike<number> | null {
  if (!c) return null;
  return c.type === 'string' ? null : c.values;
}

/** Options of buildDataset. */
export interface BuildOptions {
  kind: DatasetKind;
  name: string;
  fingerprint: string;
  /** What to do with transactions whose ids do not join; default skip. */
  badRows?: BadRowPolicy;
  /** Image for an article (by article_id and its row in `articles`, -1 when absent), or null. */
  imageUrl?: (articleId: string, row: number) => string | null;
  /** The transactions file's name, for join messages; default "transactions". */
  transactionsFile?: string;
}

/** Builds the InteractionLog, ItemCatalog, CustomerTable and DatasetInfo. */
export function buildDataset(tables: SourceTables, o: BuildOptions): BuiltDataset {
  const tx = tables.transactions;
  const txCustomer = strings(tx, 'customer_id');
  const txArticle = strings(tx, 'article_id');
  if (!txCustomer || !txArticle) throw new Error(`invalid transactions table: columns ${Object.keys(tx.columns).join(', ')}; expected customer_id and article_id`);
  const articleRow = new Map<string, number>();
  (strings(tables.articles, 'article_id') ?? []).forEach((k, i) => k !== null && articleRow.set(k, i));
  const customerRow = new Map<string, number>();
  (strings(tables.customers, 'customer_id') ?? []).forEach((k, i) => k !== null && customerRow.set(k, i));

  const joinIssues: BadRows[] = [];
  const keep = new Uint8Array(tx.length).fill(1);
  const checks: [string, (string | null)[], Map<string, number>, string][] = [
    ['article_id', txArticle, articleRow, 'articles'],
    ['customer_id', txCustomer, customerRow, 'customers'],
  ];
  for (const [column, values, rows, table] of checks) {
    if (rows.size === 0) continue;
    const bad = new BadRowCollector(o.transactionsFile ?? 'transactions');
    for (let i = 0; i < tx.length; i++) {
      const v = values[i];
      // A row is counted once, for its first missing id.
      if (keep[i] && (v === null || !rows.has(v))) {
        // The row as the file numbers it (the table may have lost bad rows before this), and its line in a text file.
        const at = tx.lines ? { row: tx.lines[i] - 1, line: tx.lines[i] } : { row: tx.rows ? tx.rows[i] : i + 1 };
        bad.add({ ...at, column, expected: `${column === 'article_id' ? 'an' : 'a'} ${column} present in ${table}`, found: shown(v) });
        keep[i] = 0;
      }
    }
    const r = bad.result();
    if (r.count > 0) {
      enforceBadRowPolicy(r, o.badRows ?? 'skip');
      joinIssues.push(r);
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < tx.length; i++) if (keep[i]) kept.push(i);
  const dayCol = tx.columns.t_dat;
  const day = dayCol && dayCol.type === 'date' ? dayCol.values : null;
  const value = numbers(tx.columns.rating) ?? numbers(tx.columns.price);
  const channel = numbers(tx.columns.sales_channel_id);
  const interactions = buildInteractionLog({
    user: kept.map((i) => txCustomer[i]),
    item: kept.map((i) => txArticle[i]),
    day: kept.map((i) => (day ? day[i] : 0)),
    value: kept.map((i) => {
      const v = value ? value[i] : 1;
      return Number.isFinite(v) ? v : 1;
    }),
    // A missing sales_channel_id (a nullable column) becomes 0, the graph's "unknown channel".
    channel: channel ? kept.map((i) => (Number.isFinite(channel[i]) ? channel[i] : 0)) : null,
  });

  const catalog = catalogFor(tables.articles, interactions.itemKeys, o.imageUrl);
  const customers = customerTableFor(tables.customers, interactions.userKeys);
  const info: DatasetInfo = {
    kind: o.kind,
    name: o.name,
    fingerprint: o.fingerprint,
    counts: { articles: tables.articles.length, customers: tables.customers.length, transactions: interactions.user.length },
  };
  return { interactions, catalog, customers, info, joinIssues };
}

/** Item attributes for the given keys, looked up in an `articles` table by article_id (null where absent). */
export function catalogFor(a: ColumnTable, keys: readonly string[], imageUrl?: (articleId: string, row: number) => string | null): ItemCatalog {
  const articleRow = new Map<string, number>();
  (strings(a, 'article_id') ?? []).forEach((k, i) => k !== null && articleRow.set(k, i));
  const rows = keys.map((k) => articleRow.get(k) ?? -1);
  const attr = (name: string) => {
    const col = strings(a, name);
    return rows.map((r) => (col && r >= 0 ? col[r] : null));
  };
  return {
    keys,
    name: attr('prod_name'),
    productType: attr('product_type_name'),
    productGroup: attr('product_group_name'),
    department: attr('department_name'),
    index: attr('index_name'),
    indexGroup: attr('index_group_name'),
    colourGroup: attr('colour_group_name'),
    graphicalAppearance: attr('graphical_appearance_name'),
    section: attr('section_name'),
    garmentGroup: attr('garment_group_name'),
    imageUrl: keys.map((k, i) => (imageUrl ? imageUrl(k, rows[i]) : null)),
  };
}

/**
 * Customer attributes for the given keys, looked up in a `customers` table by customer_id; or, with
 * `keyRows`, key i's row is keyRows[i] (checked against its customer_id), which spares a map of every
 * id (at H&M scale 1.37M entries).
 */
export function customerTableFor(c: ColumnTable, keys: readonly string[], keyRows?: ArrayLike<number>): CustomerTable {
  let rows: number[];
  if (keyRows) {
    const ids = strings(c, 'customer_id');
    if (keyRows.length !== keys.length) throw new Error(`invalid key rows: ${keyRows.length}; expected ${keys.length} (one per key)`);
    rows = Array.from(keyRows, (r, i) => {
      if (ids?.[r] !== keys[i]) throw new Error(`invalid key row for ${keys[i]}: row ${r} holds ${ids?.[r] ?? 'no id'}; expected the same customer_id`);
      return r;
    });
  } else {
    const customerRow = new Map<string, number>();
    (strings(c, 'customer_id') ?? []).forEach((k, i) => k !== null && customerRow.set(k, i));
    rows = keys.map((k) => customerRow.get(k) ?? -1);
  }
  const ageCol = numbers(c.columns.age);
  const cstr = (name: string) => {
    const col = strings(c, name);
    return rows.map((r) => (col && r >= 0 ? col[r] : null));
  };
  return {
    keys,
    age: Float32Array.from(rows, (r) => (ageCol && r >= 0 ? ageCol[r] : NaN)),
    clubMemberStatus: cstr('club_member_status'),
    fashionNewsFrequency: cstr('fashion_news_frequency'),
  };
}
