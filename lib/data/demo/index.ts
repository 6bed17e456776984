/**
 * The seeded demo dataset in the H&M schema. `tiny` is for tests, `small` is
 * the default demo, `hm-scale` has the real H&M sizes and must be consumed
 * chunk by chunk (see `DemoDataset.transactions`).
 */
import { parseIsoDay, type ColumnTable } from '../table';
import { concatTables } from '../concat';
import { DEPARTMENTS, generateArticles, type ArticleTraits } from './articles';
import { generateCustomers, type CustomerTraits } from './customers';
import { generateTransactions, type TransactionChunk } from './transactions';

export { articleSvg, articleImageDataUrl, type ArticleLook } from './images';
export { DEPARTMENTS } from './articles';
export type { TransactionChunk } from './transactions';

/** Size presets. */
export const DEMO_PRESETS = {
  tiny: { articles: 150, customers: 100, transactions: 3_000 },
  small: { articles: 2_000, customers: 2_000, transactions: 50_000 },
  'hm-scale': { articles: 105_542, customers: 1_371_980, transactions: 31_788_324 },
} as const;

export type DemoPreset = keyof typeof DEMO_PRESETS;
export type DemoSizes = { articles: number; customers: number; transactions: number };

/** First and last day of the demo (as H&M: 2018-09-20 to 2020-09-22). */
export const DEMO_FIRST_DAY = parseIsoDay('2018-09-20');
export const DEMO_LAST_DAY = parseIsoDay('2020-09-22');

/** A share of a preset's sizes (each rounded, at least 2 articles and customers and 1 transaction). */
export function scaledSizes(sizes: DemoSizes, fraction: number): DemoSizes {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`invalid fraction: ${fraction}; expected a number in (0, 1]`);
  return {
    articles: Math.max(2, Math.round(sizes.articles * fraction)),
    customers: Math.max(2, Math.round(sizes.customers * fraction)),
    transactions: Math.max(1, Math.round(sizes.transactions * fraction)),
  };
}

export function isDemoPreset(v: string): v is DemoPreset {
  return v in DEMO_PRESETS;
}

/** A generated dataset: articles and customers in memory, transactions as a stream. */
export interface DemoDataset {
  sizes: DemoSizes;
  seed: number;
  articles: ColumnTable;
  customers: ColumnTable;
  articleTraits: ArticleTraits;
  customerTraits: CustomerTraits;
  /** A fresh, deterministic stream of the transactions in day order. */
  transactions(chunkRows?: number): Generator<TransactionChunk>;
}

/** Generates the demo for a preset or explicit sizes. Same seed, same data. */
export function generateDemo(preset: DemoPreset | DemoSizes, seed: number): DemoDataset {
  const sizes = typeof preset === 'string' ? DEMO_PRESETS[preset] : preset;
  if (typeof preset === 'string' && !isDemoPreset(preset)) throw new Error(`invalid demo preset: ${preset}; expected one of ${Object.keys(DEMO_PRESETS).join(', ')}`);
  const nDays = DEMO_LAST_DAY - DEMO_FIRST_DAY + 1;
  const a = generateArticles(sizes.articles, seed, DEMO_FIRST_DAY, DEMO_LAST_DAY);
  const c = generateCustomers(sizes.customers, seed);
  const articleIds = (a.table.columns.article_id as { values: (string | null)[] }).values;
  const customerIds = (c.table.columns.customer_id as { values: (string | null)[] }).values;
  return {
    sizes: { ...sizes },
    seed,
    articles: a.table,
    customers: c.table,
    articleTraits: a.traits,
    customerTraits: c.traits,
    transactions: (chunkRows = 1_000_000) =>
      generateTransactions(a.traits, c.traits, {
        total: sizes.transactions, startDay: DEMO_FIRST_DAY, nDays, seed, chunkRows, customerIds, articleIds, nDepts: DEPARTMENTS.length,
      }),
  };
}

/** All three tables in memory (for tiny and small; hm-scale should stream). */
export function generateDemoTables(preset: DemoPreset | DemoSizes, seed: number): { articles: ColumnTable; customers: ColumnTable; transactions: ColumnTable } {
  const demo = generateDemo(preset, seed);
  if (demo.sizes.transactions > 5_000_000) throw new Error(`invalid demo size for in-memory tables: ${demo.sizes.transactions} transactions; expected ≤ 5,000,000 (stream hm-scale with generateDemo().transactions())`);
  const chunks = [...demo.transactions()].map((c) => c.table);
  return { articles: demo.articles, customers: demo.customers, transactions: concatTables(chunks) };
}
