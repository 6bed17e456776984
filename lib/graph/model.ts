/**
 * The graph model of the pipeline: node labels and keys, catalogue hierarchy, the rows the loader
 * writes, and the uniqueness constraints created before loading.
 *
 * (:Customer {id, age, club_member_status, fashion_news_frequency})
 * (:Product {code, name, product_code, appearance})
 * (:Department|:Index|:IndexGroup|:ProductType|:ProductGroup|:Section|:GarmentGroup|:Colour {name})
 * (Customer)-[:PURCHASED {t_dat: date, channel: int, quantity: int, price: float}]->(Product)
 *   one relationship per customer, product, day and channel; `quantity` counts identical rows,
 *   `price` is their mean unit price. Unknown channel is 0.
 * (Product)-[:FROM_DEPARTMENT]->(Department), (Product)-[:HAS_INDEX]->(Index),
 * (Product)-[:SUBSET_OF]->(ProductType)-[:SUBSET_OF]->(ProductGroup),
 * (Index)-[:IN_GROUP]->(IndexGroup), (Product)-[:IN_SECTION]->(Section),
 * (Product)-[:IN_GARMENT_GROUP]->(GarmentGroup), (Product)-[:HAS_COLOUR]->(Colour)
 * (:AtelierLoad {fingerprint}) holds the loader's checkpoints.
 */
/** A customer node's properties. */
export interface CustomerRow {
  id: string;
  /** Years; null when unknown. */
  age: number | null;
  club_member_status: string | null;
  fashion_news_frequency: string | null;
}

/** A product node's properties and its place in the catalogue (null: unknown). */
export interface ProductRow {
  /** Article id (H&M: 10 characters, zero-padded). */
  code: string;
  name: string | null;
  /** Product (style) code shared by colour variants; H&M: the article id's first 7 characters. */
  product_code: string | null;
  appearance: string | null;
  department: string | null;
  index: string | null;
  index_group: string | null;
  product_type: string | null;
  product_group: string | null;
  section: string | null;
  garment_group: string | null;
  colour: string | null;
}

/** One PURCHASED relationship: all transaction rows of a customer, product, day and channel. */
export interface PurchaseRow {
  customer: string;
  product: string;
  /** YYYY-MM-DD */
  t_dat: string;
  /** Sales channel id; 0 when unknown. */
  channel: number;
  /** Number of transaction rows folded into this relationship (>= 1). */
  quantity: number;
  /** Mean unit price of those rows. */
  price: number;
}

/** What one write call carries per phase: node rows, or PURCHASED relationships in columns (columns.ts). */
export interface PhaseBatch {
  products: readonly ProductRow[];
  customers: readonly CustomerRow[];
  purchases: PurchaseColumns;
}

/** The loader's phases, in order. */
export const LOAD_PHASES = ['products', 'customers', 'purchases'] as const;
export type LoadPhase = (typeof LOAD_PHASES)[number];

/** Rows of each phase. */
export interface PhaseRows {
  products: ProductRow;
  customers: CustomerRow;
  purchases: PurchaseRow;
}

/** Catalogue attribute nodes: label, the ProductRow field that names it, and the relationship from Product. */
export const CATALOGUE_LEVELS = [
  { label: 'Department', field: 'department', rel: 'FROM_DEPARTMENT' },
  { label: 'Index', field: 'index', rel: 'HAS_INDEX' },
  { label: 'IndexGroup', field: 'index_group', rel: 'IN_INDEX_GROUP' },
  { label: 'ProductType', field: 'product_type', rel: 'SUBSET_OF' },
  { label: 'ProductGroup', field: 'product_group', rel: 'IN_PRODUCT_GROUP' },
  { label: 'Section', field: 'section', rel: 'IN_SECTION' },
  { label: 'GarmentGroup', field: 'garment_group', rel: 'IN_GARMENT_GROUP' },
  { label: 'Colour', field: 'colour', rel: 'HAS_COLOUR' },
] as const satisfies readonly { label: string; field: keyof ProductRow; rel: string }[];

/** Hierarchy between attribute nodes (child label, relationship, parent label). */
export const CATALOGUE_HIERARCHY = [
  { child: 'ProductType', rel: 'SUBSET_OF', parent: 'ProductGroup', childField: 'product_type', parentField: 'product_group' },
  { child: 'Index', rel: 'IN_GROUP', parent: 'IndexGroup', childField: 'index', parentField: 'index_group' },
] as const;

/** Node labels and their key property, each with a uniqueness constraint. */
export const NODE_KEYS: readonly { label: string; key: string }[] = [
  { label: 'Customer', key: 'id' },
  { label: 'Product', key: 'code' },
  ...CATALOGUE_LEVELS.map((l) => ({ label: l.label, key: 'name' })),
  { label: 'AtelierLoad', key: 'fingerprint' },
];

/** Which server holds which labels in split mode. */
export const MAIN_LABELS = ['Customer', 'Product', 'AtelierLoad'] as const;

/** `CREATE CONSTRAINT ... IF NOT EXISTS` for every key in `labels` (all when omitted). */
export function constraintStatements(labels?: readonly string[]): string[] {
  return NODE_KEYS.filter((n) => !labels || labels.includes(n.label)).map(
    (n) =>
      `CREATE CONSTRAINT ${n.label.toLowerCase()}_${n.key} IF NOT EXISTS FOR (n:${n.label}) REQUIRE n.${n.key} IS UNIQUE`,
  );
}

/** A batch of PURCHASED relationships in columns (all per-relationship arrays have the same length). */
export interface PurchaseColumns {
  /** Distinct customer ids of the batch. */
  customers: string[];
  /** Distinct product codes of the batch. */
  products: string[];
  /** Per relationship: position in `customers`. */
  customer: number[];
  /** Per relationship: position in `products`. */
  product: number[];
  /** Per relationship: day, as days since 1970-01-01 (UTC). */
  day: number[];
  /** Per relationship: sales channel id (0 = unknown). */
  channel: number[];
  /** Per relationship: folded transaction rows (>= 1). */
  quantity: number[];
  /** Per relationship: mean unit price. */
  price: number[];
}

/** What the client intends to load. */
export interface LoadPlan {
  /** Dataset fingerprint (DatasetInfo.fingerprint); keys the checkpoint. */
  fingerprint: string;
  /** The dataset's name (DatasetInfo.name), recorded with the checkpoint so other cells can name what the graph holds. */
  name?: string;
  /** Rows per batch the client uses; a different value restarts the checkpoint. */
  batchSize: number;
  /** Number of batches per phase. */
  batches: Record<LoadPhase, number>;
}

/** Result of beginLoad: where to resume, and whether an older dataset's graph was removed. */
export interface LoadStart {
  /** First batch index still to write, per phase. */
  resume: Record<LoadPhase, number>;
  /** True when the graph held another dataset and was cleared. */
  cleared: boolean;
  /** True when the checkpoint says this exact load already finished. */
  complete: boolean;
}

/** Expected and actual counts after a load. */
export interface LoadCounts {
  customers: number;
  products: number;
  /** PURCHASED relationships. */
  purchases: number;
  /** Sum of PURCHASED.quantity = transaction rows. */
  units: number;
}

/**
 * How beginLoad treats what is already in the graph: `auto` clears it only when a checkpoint of
 * another dataset is there, `always` clears first, `never` merges into whatever is there.
 */
export type ReplacePolicy = 'auto' | 'always' | 'never';

/** Result of finishLoad. */
export interface LoadCheck {
  ok: boolean;
  expected: LoadCounts;
  actual: LoadCounts;
  /** Human-readable differences, empty when ok. */
  mismatches: string[];
}

/** What the loop needs from the server side (direct calls or server actions). */
export interface GraphLoadPort {
  begin(plan: LoadPlan, replace: ReplacePolicy): Promise<LoadStart>;
  /** Writes one batch: node rows, or PURCHASED relationships in columns. */
  write<P extends LoadPhase>(fingerprint: string, phase: P, index: number, batch: PhaseBatch[P]): Promise<void>;
  finish(fingerprint: string, expected: LoadCounts): Promise<LoadCheck>;
}

/** A product's catalogue place, as browse shows it. */
export interface ProductCard {
  code: string;
  name: string | null;
  department: string | null;
  index: string | null;
  index_group: string | null;
  product_type: string | null;
  product_group: string | null;
  section: string | null;
  garment_group: string | null;
  colour: string | null;
}

/** One PURCHASED relationship with the product's card. */
export interface PurchaseLine extends ProductCard {
  t_dat: string;
  channel: number;
  quantity: number;
  price: number;
}

/** What browse shows for a customer. */
export interface CustomerView {
  id: string;
  age: number | null;
  club_member_status: string | null;
  fashion_news_frequency: string | null;
  /** Newest first, at most `limit`. */
  purchases: PurchaseLine[];
  /** All purchases of the customer (may exceed purchases.length). */
  totalPurchases: number;
  departments: { name: string; units: number }[];
  indexes: { name: string; units: number }[];
  /** Customers sharing the most products with this one. */
  neighbours: { id: string; shared: number }[];
}

/** What browse shows for a product. */
export interface ProductView extends ProductCard {
  product_code: string | null;
  buyers: number;
  units: number;
  similar: { code: string; name: string | null; score: number; rank: number }[];
}
