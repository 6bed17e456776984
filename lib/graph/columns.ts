/**
 * The PURCHASED wire format: a batch of relationships as columns, with the batch's distinct customer
 * ids and product codes sent once and referenced by position. Rows sorted by customer (purchaseTable
 * sorts them) make the customer dictionary small; the body is a few numbers per relationship instead
 * of a JSON object repeating every key, and Neo4j looks up each distinct node once per batch.
 * Pure (no driver): the browser encodes, the server checks and writes.
 */
import type { PurchaseColumns, PurchaseRow } from './model';
import type { PurchaseTable } from './purchases';


const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD string; throws naming the bad value. */
export function isoToDay(iso: string): number {
  const m = ISO_DAY.exec(iso);
  const day = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY : NaN;
  if (!Number.isInteger(day) || new Date(day * MS_PER_DAY).toISOString().slice(0, 10) !== iso) {
    throw new Error(`invalid t_dat: ${JSON.stringify(iso)}; expected a YYYY-MM-DD date`);
  }
  return day;
}

/** Number of relationships in a batch. */
export function columnsLength(c: PurchaseColumns): number {
  return c.customer.length;
}

/** Encodes rows as columns (dictionaries in first-seen order). */
export function purchaseColumns(rows: readonly PurchaseRow[]): PurchaseColumns {
  const out: PurchaseColumns = { customers: [], products: [], customer: [], product: [], day: [], channel: [], quantity: [], price: [] };
  const cPos = new Map<string, number>();
  const pPos = new Map<string, number>();
  const dayOf = new Map<string, number>();
  for (const r of rows) {
    let c = cPos.get(r.customer);
    if (c === undefined) cPos.set(r.customer, (c = out.customers.push(r.customer) - 1));
    let p = pPos.get(r.product);
    if (p === undefined) pPos.set(r.product, (p = out.products.push(r.product) - 1));
    let d = dayOf.get(r.t_dat);
    if (d === undefined) dayOf.set(r.t_dat, (d = isoToDay(r.t_dat)));
    out.customer.push(c);
    out.product.push(p);
    out.day.push(d);
    out.channel.push(r.channel);
    out.quantity.push(r.quantity);
    out.price.push(r.price);
  }
  return out;
}

/** Decodes columns back to rows (tests, and what the graph must hold). */
export function columnsToRows(c: PurchaseTable): PurchaseRow[] {
  return Array.from(c.customer, (ci, i) => ({
    customer: c.customers[ci],
    product: c.products[c.product[i]],
    t_dat: new Date(c.day[i] * MS_PER_DAY).toISOString().slice(0, 10),
    channel: c.channel[i],
    quantity: c.quantity[i],
    price: c.price[i],
  }));
}

/**
 * Checks a batch that came over the wire: equal lengths, positions inside the dictionaries, whole
 * numbers where whole numbers belong. Throws with the column, the row and the bad value.
 */
export function checkPurchaseColumns(c: PurchaseColumns): void {
  const n = c.customer.length;
  for (const k of ['product', 'day', 'channel', 'quantity', 'price'] as const) {
    if (c[k].length !== n) throw new Error(`invalid purchases.${k}: length ${c[k].length}; expected ${n} (length of purchases.customer)`);
  }
  const rules: [keyof PurchaseColumns, (v: number) => boolean, string][] = [
    ['customer', (v) => Number.isInteger(v) && v >= 0 && v < c.customers.length, `an integer in 0..${c.customers.length - 1} (a position in purchases.customers)`],
    ['product', (v) => Number.isInteger(v) && v >= 0 && v < c.products.length, `an integer in 0..${c.products.length - 1} (a position in purchases.products)`],
    ['day', (v) => Number.isInteger(v) && v >= -719_162 && v <= 2_932_896, 'an integer day number (days since 1970-01-01, years 1..9999)'],
    ['channel', (v) => Number.isInteger(v) && v >= 0 && v <= 1000, 'an integer in 0..1000'],
    ['quantity', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
    ['price', (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0'],
  ];
  for (const [k, ok, expected] of rules) {
    const col = c[k] as number[];
    for (let i = 0; i < n; i++) {
      if (!ok(col[i])) throw new Error(`invalid purchases.${k}[${i}]: ${JSON.stringify(col[i])}; expected ${expected}`);
    }
  }
}
