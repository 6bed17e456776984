/**
 * Builds the loader's rows from the Data cell's artifacts, and cuts them into batches. Pure and
 * deterministic: the same dataset gives the same rows in the same order, so a resumed load can skip
 * the batches a checkpoint says are written.
 */
import type { CustomerTable, InteractionLog, ItemCatalog } from '../data/dataset';
import { columnsToRows } from './columns';
import type { CustomerRow, ProductRow, PurchaseRow } from './model';
import { purchaseTable } from './purchases';

const MS_PER_DAY = 86_400_000;

/** H&M article ids are 10 digits; the first 7 are the product (style) code. */
export function hmProductCode(articleId: string): string | null {
  return /^\d{10}$/.test(articleId) ? articleId.slice(0, 7) : null;
}

/** One ProductRow per catalogue entry, in catalogue order (section and garment group null when the catalogue has none). */
export function productRows(catalog: ItemCatalog, productCode: (key: string) => string | null = hmProductCode): ProductRow[] {
  const n = catalog.keys.length;
  for (const [name, col] of Object.entries({
    name: catalog.name, productType: catalog.productType, productGroup: catalog.productGroup, department: catalog.department,
    index: catalog.index, indexGroup: catalog.indexGroup, colourGroup: catalog.colourGroup, graphicalAppearance: catalog.graphicalAppearance,
    section: catalog.section ?? [], garmentGroup: catalog.garmentGroup ?? [],
  })) {
    if (col.length !== n && !((name === 'section' || name === 'garmentGroup') && col.length === 0)) {
      throw new Error(`invalid catalog.${name}: length ${col.length}; expected ${n} (catalog.keys.length)`);
    }
  }
  const rows: ProductRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const code = catalog.keys[i];
    rows[i] = {
      code,
      name: catalog.name[i] ?? null,
      product_code: productCode(code),
      appearance: catalog.graphicalAppearance[i] ?? null,
      department: catalog.department[i] ?? null,
      index: catalog.index[i] ?? null,
      index_group: catalog.indexGroup[i] ?? null,
      product_type: catalog.productType[i] ?? null,
      product_group: catalog.productGroup[i] ?? null,
      section: catalog.section?.[i] ?? null,
      garment_group: catalog.garmentGroup?.[i] ?? null,
      colour: catalog.colourGroup[i] ?? null,
    };
  }
  return rows;
}

/** One CustomerRow per customer, in table order (NaN age becomes null). */
export function customerRows(customers: CustomerTable): CustomerRow[] {
  const n = customers.keys.length;
  if (customers.age.length !== n) {
    throw new Error(`invalid customers.age: length ${customers.age.length}; expected ${n} (customers.keys.length)`);
  }
  const rows: CustomerRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const age = customers.age[i];
    rows[i] = {
      id: customers.keys[i],
      age: Number.isFinite(age) ? age : null,
      club_member_status: customers.clubMemberStatus[i] ?? null,
      fashion_news_frequency: customers.fashionNewsFrequency[i] ?? null,
    };
  }
  return rows;
}

/** YYYY-MM-DD of a day number (days since 1970-01-01 UTC). */
export function dayToIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The PURCHASED relationships of a log as row objects (purchaseTable decoded): for tests and
 * references that want readable rows. The load itself stays columnar (purchases.ts).
 */
export function purchaseRows(log: InteractionLog, channel: ArrayLike<number> | null | undefined = log.channel): PurchaseRow[] {
  return columnsToRows(purchaseTable(log, channel));
}

/**
 * Cuts rows into batches of at most `maxRows` rows and (when given) at most `maxBytes` of JSON, so
 * that a batch fits a server-action request. `sizeOf(row, prev)` estimates the bytes a row adds after
 * `prev` (the previous row of the same batch); default: its JSON length. Deterministic for the same inputs.
 */
export function chunkRows<T>(
  rows: readonly T[],
  maxRows: number,
  maxBytes = Infinity,
  sizeOf: (row: T, prev: T | undefined) => number = (row) => JSON.stringify(row).length + 1,
): T[][] {
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new Error(`invalid maxRows: ${maxRows}; expected an integer >= 1`);
  if (!(maxBytes > 0)) throw new Error(`invalid maxBytes: ${maxBytes}; expected > 0`);
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 2;
  const bounded = Number.isFinite(maxBytes);
  for (const row of rows) {
    let size = bounded ? sizeOf(row, current[current.length - 1]) : 0;
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 2;
      if (bounded) size = sizeOf(row, undefined);
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
