/**
 * The in-memory shapes that the Data cell hands to every later cell (as the
 * artifacts `interactions`, `catalog` and `customers` of cell `data`). They
 * are built from the DuckDB tables once per dataset; all ids are dense
 * 0-based integers, with the original keys kept alongside.
 */

/** One row per transaction (or rating); parallel typed arrays, sorted by day. */
export interface InteractionLog {
  nUsers: number;
  nItems: number;
  /** Dense user id per row. */
  user: Int32Array;
  /** Dense item id per row. */
  item: Int32Array;
  /** Days since 1970-01-01 (UTC) per row. */
  day: Int32Array;
  /** Price (H&M), rating (MovieLens), or 1. */
  value: Float32Array;
  /** Sales channel id per row (H&M `sales_channel_id`: 1 store, 2 online); absent when the dataset has none. */
  channel?: Uint8Array;
  /** Original key of each dense user id (e.g. the 64-hex customer_id). */
  userKeys: readonly string[];
  /** Original key of each dense item id (e.g. the 10-character article_id). */
  itemKeys: readonly string[];
}

/** Item attributes, indexed by dense item id (null when the dataset has none). */
export interface ItemCatalog {
  /** Same order as InteractionLog.itemKeys. */
  keys: readonly string[];
  name: readonly (string | null)[];
  productType: readonly (string | null)[];
  productGroup: readonly (string | null)[];
  department: readonly (string | null)[];
  index: readonly (string | null)[];
  indexGroup: readonly (string | null)[];
  colourGroup: readonly (string | null)[];
  graphicalAppearance: readonly (string | null)[];
  /** H&M section_name and garment_group_name (absent: the source has no such columns). */
  section?: readonly (string | null)[];
  garmentGroup?: readonly (string | null)[];
  /** Image URL usable by the page (object URL, /api/... or data: URL), or null when there is no photo. */
  imageUrl: readonly (string | null)[];
}

/** Customer attributes, indexed by dense user id. */
export interface CustomerTable {
  keys: readonly string[];
  age: Float32Array; // NaN when unknown
  clubMemberStatus: readonly (string | null)[];
  fashionNewsFrequency: readonly (string | null)[];
}

/** What kind of source the dataset came from. */
export type DatasetKind = 'demo' | 'hm' | 'asos' | 'movielens' | 'interactions';

/** Identity of a loaded dataset; the fingerprint keys every cache. */
export interface DatasetInfo {
  kind: DatasetKind;
  name: string;
  /** Hex digest of the loaded tables' contents and the loader options. */
  fingerprint: string;
  counts: { articles: number; customers: number; transactions: number };
}
