/**
 * Table schemas: the columns each table must have, their types, and the
 * checks on their values. The H&M schemas follow the Kaggle files exactly
 * (25 article columns, 7 customer columns, 5 transaction columns).
 */
import { parseIsoDay, type ColumnType } from './table';

/** One column: type, whether it may be empty, and an optional value check. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** Empty cells allowed (they become null / NaN). */
  nullable: boolean;
  /** For strings: the value must match. */
  pattern?: RegExp;
  /** Shown in messages when the pattern does not match, e.g. "a 10-digit article_id". */
  patternText?: string;
  /** For numbers: inclusive bounds. */
  min?: number;
  max?: number;
  /** For numbers: an exclusive lower bound (a price must be > 0). */
  above?: number;
  /** For dates: the first and last day allowed, as YYYY-MM-DD (inclusive). */
  dates?: readonly [string, string];
  /** For ints: allowed values. */
  oneOf?: readonly number[];
}

/** A table's columns in file order. */
export interface TableSchema {
  table: string;
  columns: readonly ColumnSpec[];
}

const s = (name: string, nullable = false, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, type: 'string', nullable, ...extra });
const i = (name: string, nullable = false, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, type: 'int', nullable, ...extra });
const f = (name: string, nullable = false, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, type: 'float', nullable, ...extra });

/** H&M article ids: exactly 10 digits, leading zeros included. */
export const ARTICLE_ID = /^\d{10}$/;
/** H&M customer ids: 64 lowercase hex characters. */
export const CUSTOMER_ID = /^[0-9a-f]{64}$/;

/**
 * Days a transaction date may fall on: wide around H&M's 2018-09-20..2020-09-22, so real exports
 * pass, while a year typed wrong (0202, 2202) or an epoch-zero date from an empty cell does not.
 */
export const HM_DATES = ['2000-01-01', '2099-12-31'] as const;

/** H&M `articles` (Kaggle articles.csv / articles.parquet). */
export const HM_ARTICLES: TableSchema = {
  table: 'articles',
  columns: [
    s('article_id', false, { pattern: ARTICLE_ID, patternText: 'a 10-digit article_id such as "0108775015"' }),
    i('product_code', false, { min: 0 }),
    s('prod_name'),
    i('product_type_no'),
    s('product_type_name'),
    s('product_group_name'),
    i('graphical_appearance_no'),
    s('graphical_appearance_name'),
    i('colour_group_code'),
    s('colour_group_name'),
    i('perceived_colour_value_id'),
    s('perceived_colour_value_name'),
    i('perceived_colour_master_id'),
    s('perceived_colour_master_name'),
    i('department_no'),
    s('department_name'),
    s('index_code'),
    s('index_name'),
    i('index_group_no'),
    s('index_group_name'),
    i('section_no'),
    s('section_name'),
    i('garment_group_no'),
    s('garment_group_name'),
    s('detail_desc', true),
  ],
};

/** H&M `customers` (Kaggle customers.csv). */
export const HM_CUSTOMERS: TableSchema = {
  table: 'customers',
  columns: [
    s('customer_id', false, { pattern: CUSTOMER_ID, patternText: 'a 64-character hex customer_id' }),
    f('FN', true, { min: 0, max: 1 }),
    f('Active', true, { min: 0, max: 1 }),
    s('club_member_status', true),
    s('fashion_news_frequency', true),
    f('age', true, { min: 0, max: 120 }),
    s('postal_code', true),
  ],
};

/** H&M `transactions` (Kaggle transactions_train.csv). */
export const HM_TRANSACTIONS: TableSchema = {
  table: 'transactions',
  columns: [
    { name: 't_dat', type: 'date', nullable: false, dates: HM_DATES },
    s('customer_id', false, { pattern: CUSTOMER_ID, patternText: 'a 64-character hex customer_id' }),
    s('article_id', false, { pattern: ARTICLE_ID, patternText: 'a 10-digit article_id such as "0108775015"' }),
    f('price', false, { above: 0 }),
    i('sales_channel_id', false, { oneOf: [1, 2] }),
  ],
};

/** The three H&M tables by name. */
export const HM_SCHEMAS = { articles: HM_ARTICLES, customers: HM_CUSTOMERS, transactions: HM_TRANSACTIONS } as const;

/** The allowed days of a date column (days since 1970-01-01), or null when any date is allowed. */
export function dayRange(spec: ColumnSpec): [number, number] | null {
  return spec.dates ? [parseIsoDay(spec.dates[0]), parseIsoDay(spec.dates[1])] : null;
}

/** DuckDB column types for CREATE TABLE statements. */
export function duckdbType(t: ColumnType): string {
  switch (t) {
    case 'string':
      return 'VARCHAR';
    case 'int':
      return 'BIGINT';
    case 'float':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
  }
}
