/**
 * The seeded demo (lib/data/demo) as graph-loader rows, for bench/graph-load.mjs and
 * bench/graph-queries.mjs: products (full catalogue), the customers that appear in the first
 * `limit` transactions, their folded PURCHASED relationships (in columns, as the app loads them), and the first `rawRows` raw transaction rows
 * (the seeds' loop writes one relationship per raw row).
 */
import { generateDemo, type DemoPreset, type DemoSizes } from '../../lib/data/demo';
import type { CustomerRow, ProductRow } from '../../lib/graph/model';
import { purchaseTable, type PurchaseTable } from '../../lib/graph/purchases';

export const SEED = 42;

export interface RawPurchase { customer: string; product: string; t_dat: string; price: number; channel: number }

export interface DemoInput {
  products: ProductRow[];
  customers: CustomerRow[];
  purchases: PurchaseTable;
  /** Transaction rows read. */
  transactions: number;
  raw: RawPurchase[];
}

type Col = { values: ArrayLike<unknown> } | undefined;

/** Demo tables → loader rows; `limit` takes the first transactions of the stream. */
export function demoInput(preset: DemoPreset | DemoSizes, limit: number, rawRows = 0): DemoInput {
  const demo = generateDemo(preset, SEED);
  const art = demo.articles.columns as Record<string, Col>;
  const cus = demo.customers.columns as Record<string, Col>;
  const s = (col: Col, i: number): string | null => (col?.values[i] as string | null | undefined) ?? null;
  const user: number[] = [];
  const item: number[] = [];
  const day: number[] = [];
  const value: number[] = [];
  const channel: number[] = [];
  let n = 0;
  for (const chunk of demo.transactions(1 << 20)) {
    const t = chunk.table.columns as Record<string, { values: ArrayLike<number> }>;
    for (let i = 0; i < chunk.table.length && n < limit; i++, n++) {
      user.push(chunk.customer[i]);
      item.push(chunk.article[i]);
      day.push(t.t_dat.values[i]);
      value.push(t.price.values[i]);
      channel.push(t.sales_channel_id.values[i]);
    }
    if (n >= limit) break;
  }
  const log = {
    nUsers: demo.customers.length, nItems: demo.articles.length,
    user: Int32Array.from(user), item: Int32Array.from(item), day: Int32Array.from(day), value: Float32Array.from(value),
    userKeys: cus.customer_id!.values as string[], itemKeys: art.article_id!.values as string[],
  };
  const used = new Set(user);
  const customers: CustomerRow[] = [...used].sort((a, b) => a - b).map((i) => {
    const age = cus.age?.values[i] as number | undefined;
    return { id: (cus.customer_id!.values as string[])[i], age: age !== undefined && Number.isFinite(age) ? age : null, club_member_status: s(cus.club_member_status, i), fashion_news_frequency: s(cus.fashion_news_frequency, i) };
  });
  const products: ProductRow[] = [];
  for (let i = 0; i < demo.articles.length; i++) {
    const code = (art.article_id!.values as string[])[i];
    products.push({
      code, name: s(art.prod_name, i), product_code: code.slice(0, 7), appearance: s(art.graphical_appearance_name, i),
      department: s(art.department_name, i), index: s(art.index_name, i), index_group: s(art.index_group_name, i),
      product_type: s(art.product_type_name, i), product_group: s(art.product_group_name, i), section: s(art.section_name, i),
      garment_group: s(art.garment_group_name, i), colour: s(art.colour_group_name, i),
    });
  }
  // The seeds wrote one relationship per transaction row; their loop gets the raw rows.
  const raw: RawPurchase[] = [];
  for (let i = 0; i < Math.min(n, rawRows); i++) {
    raw.push({ customer: log.userKeys[log.user[i]], product: log.itemKeys[log.item[i]], t_dat: new Date(log.day[i] * 864e5).toISOString().slice(0, 10), price: log.value[i], channel: channel[i] });
  }
  return { products, customers, purchases: purchaseTable(log, channel), transactions: n, raw };
}

