/**
 * PURCHASED as columns, from the interaction log to the wire: the log's transaction rows fold into
 * typed columns that reference the log's own key arrays (no per-row strings or objects), the load
 * cuts them into index ranges, and each range becomes one wire batch (columns.ts) with its own
 * dictionaries. Pure and deterministic: the same log gives the same table in the same order, so a
 * resumed load skips exactly the batches its checkpoint holds.
 */
import type { InteractionLog } from '../data/dataset';
import type { PurchaseColumns } from './model';

/**
 * PURCHASED relationships in columns. `customers` / `products` are dictionaries; the per-row
 * columns hold positions in them. A wire batch (PurchaseColumns) is one too.
 */
export interface PurchaseTable {
  customers: readonly string[];
  products: readonly string[];
  customer: ArrayLike<number>;
  product: ArrayLike<number>;
  /** Days since 1970-01-01 (UTC). */
  day: ArrayLike<number>;
  /** Sales channel id; 0 when unknown. */
  channel: ArrayLike<number>;
  /** Transaction rows folded into the relationship (>= 1). */
  quantity: ArrayLike<number>;
  /** Mean unit price of those rows. */
  price: ArrayLike<number>;
}

/** Number of relationships in a table. */
export function tableLength(t: PurchaseTable): number {
  return t.customer.length;
}

/**
 * Folds transaction rows into PURCHASED relationships: one per (customer, product, day, channel),
 * `quantity` = number of rows and `price` = their mean. Sorted by customer, day, product, channel.
 * The dictionaries are the log's userKeys / itemKeys themselves.
 * @param channel sales channel per log row; default the log's own (H&M sales_channel_id), 0 (unknown) when it has none
 */
export function purchaseTable(log: InteractionLog, channel: ArrayLike<number> | null | undefined = log.channel): PurchaseTable {
  const n = log.user.length;
  for (const [name, col] of Object.entries({ item: log.item, day: log.day, value: log.value })) {
    if (col.length !== n) throw new Error(`invalid interactions.${name}: length ${col.length}; expected ${n}`);
  }
  if (channel && channel.length !== n) throw new Error(`invalid channel: length ${channel.length}; expected ${n}`);
  const { user, item, day, value } = log;
  for (let i = 0; i < n; i++) {
    if (!(user[i] >= 0 && user[i] < log.userKeys.length)) throw new Error(`invalid interactions.user[${i}]: ${user[i]}; expected 0..${log.userKeys.length - 1}`);
    if (!(item[i] >= 0 && item[i] < log.itemKeys.length)) throw new Error(`invalid interactions.item[${i}]: ${item[i]}; expected 0..${log.itemKeys.length - 1}`);
  }
  const ch = channel ?? new Uint8Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => user[a] - user[b] || day[a] - day[b] || item[a] - item[b] || ch[a] - ch[b]);

  // Count the groups first so every column is allocated once at its final size.
  let groups = 0;
  for (let i = 0; i < n; i++) {
    const a = order[i];
    const p = i > 0 ? order[i - 1] : -1;
    if (p < 0 || user[p] !== user[a] || day[p] !== day[a] || item[p] !== item[a] || ch[p] !== ch[a]) groups++;
  }
  const out = {
    customers: log.userKeys, products: log.itemKeys,
    customer: new Int32Array(groups), product: new Int32Array(groups), day: new Int32Array(groups),
    channel: new Int32Array(groups), quantity: new Int32Array(groups), price: new Float64Array(groups),
  };
  let g = -1;
  for (let i = 0; i < n; i++) {
    const a = order[i];
    const p = i > 0 ? order[i - 1] : -1;
    if (p < 0 || user[p] !== user[a] || day[p] !== day[a] || item[p] !== item[a] || ch[p] !== ch[a]) {
      g++;
      out.customer[g] = user[a];
      out.product[g] = item[a];
      out.day[g] = day[a];
      out.channel[g] = ch[a];
    }
    out.quantity[g]++;
    out.price[g] += value[a];
  }
  for (let k = 0; k < groups; k++) out.price[k] /= out.quantity[k];
  return out;
}

/** JSON of an empty PurchaseColumns object, plus a margin. */
const COLUMNS_OVERHEAD = 120;
/** Upper bound of one row's numbers in JSON: two positions, day, channel, quantity, price, commas. */
const ROW_NUMBERS = 60;

/**
 * Cuts a table into index ranges [from, to) of at most `maxRows` rows and (when bounded) at most
 * `maxBytes` of JSON once sent as columns, so that a batch fits a server-action request. A row adds
 * its numbers, its product code (counted every time: an upper bound) and its customer id unless the
 * previous row of the batch had the same (rows sorted by customer repeat it); the first row of a
 * batch also carries the object's keys. Deterministic for the same inputs.
 */
export function purchaseBatches(t: PurchaseTable, maxRows: number, maxBytes = Infinity): [number, number][] {
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new Error(`invalid maxRows: ${maxRows}; expected an integer >= 1`);
  if (!(maxBytes > 0)) throw new Error(`invalid maxBytes: ${maxBytes}; expected > 0`);
  const n = tableLength(t);
  const bounded = Number.isFinite(maxBytes);
  const size = (i: number, first: boolean) =>
    (first ? COLUMNS_OVERHEAD : 0) + ROW_NUMBERS + t.products[t.product[i]].length + 3 +
    (!first && t.customer[i - 1] === t.customer[i] ? 0 : t.customers[t.customer[i]].length + 3);
  const ranges: [number, number][] = [];
  let from = 0;
  let bytes = 2;
  for (let i = 0; i < n; i++) {
    const first = i === from;
    let add = bounded ? size(i, first) : 0;
    if (!first && (i - from >= maxRows || bytes + add > maxBytes)) {
      ranges.push([from, i]);
      from = i;
      bytes = 2;
      if (bounded) add = size(i, true);
    }
    bytes += add;
  }
  if (n > from) ranges.push([from, n]);
  return ranges;
}

/** Rows `[from, to)` of a table as one wire batch with its own dictionaries (first-seen order). */
export function sliceColumns(t: PurchaseTable, from: number, to: number): PurchaseColumns {
  const out: PurchaseColumns = {
    customers: [], products: [], customer: [], product: [],
    day: Array.from(sub(t.day, from, to)), channel: Array.from(sub(t.channel, from, to)),
    quantity: Array.from(sub(t.quantity, from, to)), price: Array.from(sub(t.price, from, to)),
  };
  const cPos = new Map<number, number>();
  const pPos = new Map<number, number>();
  for (let i = from; i < to; i++) {
    let a = cPos.get(t.customer[i]);
    if (a === undefined) cPos.set(t.customer[i], (a = out.customers.push(t.customers[t.customer[i]]) - 1));
    let b = pPos.get(t.product[i]);
    if (b === undefined) pPos.set(t.product[i], (b = out.products.push(t.products[t.product[i]]) - 1));
    out.customer.push(a);
    out.product.push(b);
  }
  return out;
}

function sub(col: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  if (ArrayBuffer.isView(col)) return (col as unknown as Float64Array).subarray(from, to);
  return Array.prototype.slice.call(col, from, to) as number[];
}

/** Distinct customer ids and product codes the table references, and its total quantity. */
export function tableReferences(t: PurchaseTable): { customers: Set<string>; products: Set<string>; units: number } {
  const customers = new Set<string>();
  const products = new Set<string>();
  const seenC = new Uint8Array(t.customers.length);
  const seenP = new Uint8Array(t.products.length);
  let units = 0;
  for (let i = 0; i < tableLength(t); i++) {
    const c = t.customer[i];
    const p = t.product[i];
    if (!seenC[c]) { seenC[c] = 1; customers.add(t.customers[c]); }
    if (!seenP[p]) { seenP[p] = 1; products.add(t.products[p]); }
    units += t.quantity[i];
  }
  return { customers, products, units };
}
