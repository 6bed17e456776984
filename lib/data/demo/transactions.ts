/**
 * Demo transactions, generated day by day in chunks so that hm-scale (31.8M
 * rows) never exists as one array of objects. Structure that real data has:
 * weekly and yearly seasonality with a growth trend, power-law article
 * popularity with launches and decay, repeat purchases, multi-unit rows
 * (duplicates, as in Kaggle), and customers who buy from their favourite
 * departments and colours.
 */
import { AliasSampler, CdfSampler, deriveSeed, mulberry32, type Rng } from '../../util/random';
import type { ColumnTable } from '../table';
import type { ArticleTraits } from './articles';
import { TASTE_COLOURS, TASTE_DEPTS, type CustomerTraits } from './customers';

/** One chunk of rows, sorted by day, with dense indices alongside the H&M columns. */
export interface TransactionChunk {
  /** H&M columns: t_dat, customer_id, article_id, price, sales_channel_id. */
  table: ColumnTable;
  /** Row index into the customers table per row. */
  customer: Int32Array;
  /** Row index into the articles table per row. */
  article: Int32Array;
}

/** Relative sales volume of a day (days since epoch): trend × week × year × events. */
export function dayWeight(day: number, startDay: number, nDays: number): number {
  const t = (day - startDay) / Math.max(1, nDays);
  const date = new Date(day * 86_400_000);
  const dow = date.getUTCDay(); // 0 = Sunday
  const week = [1.12, 0.92, 0.9, 0.93, 0.98, 1.1, 1.25][dow];
  const doy = Math.floor((day * 86_400_000 - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000);
  const year = 1 + 0.3 * Math.cos((2 * Math.PI * (doy - 175)) / 365) + (doy >= 326 && doy <= 333 ? 0.9 : 0) + (doy >= 340 && doy <= 356 ? 0.25 : 0);
  return (1 + 0.25 * t) * week * year;
}

interface Period {
  /** Per department: article indices and their sampler. */
  dept: ({ items: Int32Array; sampler: CdfSampler } | null)[];
  global: { items: Int32Array; sampler: CdfSampler };
}

function buildPeriod(traits: ArticleTraits, nDepts: number, day: number): Period {
  const n = traits.popularity.length;
  const w = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    const age = day - traits.launchDay[a];
    // Not yet launched: nothing; afterwards an exponential decay plus a long tail.
    w[a] = age < 0 ? 0 : traits.popularity[a] * (Math.exp(-age / traits.lifeDays[a]) + 0.015);
  }
  const lists: number[][] = Array.from({ length: nDepts }, () => []);
  const live: number[] = [];
  for (let a = 0; a < n; a++) if (w[a] > 0) {
    lists[traits.dept[a]].push(a);
    live.push(a);
  }
  if (live.length === 0) for (let a = 0; a < n; a++) live.push(a), (w[a] = traits.popularity[a]);
  const make = (items: number[]) => ({ items: Int32Array.from(items), sampler: new CdfSampler(items.map((a) => w[a])) });
  return { dept: lists.map((l) => (l.length ? make(l) : null)), global: make(live) };
}

/** Options of the transaction stream. */
export interface TransactionStreamOptions {
  total: number;
  startDay: number;
  nDays: number;
  seed: number;
  /** Rows per chunk (whole days are kept together, so chunks may be a little larger). */
  chunkRows: number;
  customerIds: readonly (string | null)[];
  articleIds: readonly (string | null)[];
  nDepts: number;
}

/** Yields `total` transactions in day order, in chunks of about `chunkRows` rows. */
export function* generateTransactions(articles: ArticleTraits, customers: CustomerTraits, o: TransactionStreamOptions): Generator<TransactionChunk> {
  if (!(Number.isInteger(o.total) && o.total > 0)) throw new Error(`invalid transaction count: ${o.total}; expected a positive whole number`);
  if (!(Number.isInteger(o.chunkRows) && o.chunkRows > 0)) throw new Error(`invalid chunkRows: ${o.chunkRows}; expected a positive whole number`);
  const rng: Rng = mulberry32(deriveSeed(o.seed, 'transactions'));
  const weights = Array.from({ length: o.nDays }, (_, d) => dayWeight(o.startDay + d, o.startDay, o.nDays));
  const sum = weights.reduce((a, b) => a + b, 0);
  const perDay = new Int32Array(o.nDays);
  let cum = 0;
  let prev = 0;
  for (let d = 0; d < o.nDays; d++) {
    cum += weights[d];
    const upto = Math.round((cum / sum) * o.total);
    perDay[d] = upto - prev;
    prev = upto;
  }
  const custSampler = new AliasSampler(customers.activity);
  const nCustomers = customers.activity.length;
  const lastItem = new Int32Array(nCustomers).fill(-1);
  const PERIOD = 28;
  let period: Period | null = null;
  let periodNo = -1;
  let day = 0;
  while (day < o.nDays) {
    let rows = 0;
    const firstDay = day;
    while (day < o.nDays && (rows === 0 || rows + perDay[day] <= o.chunkRows)) rows += perDay[day++];
    const tDat = new Int32Array(rows);
    const cust = new Int32Array(rows);
    const art = new Int32Array(rows);
    const price = new Float64Array(rows);
    const channel = new Float64Array(rows);
    let r = 0;
    for (let d = firstDay; d < day; d++) {
      const p = Math.floor(d / PERIOD);
      if (p !== periodNo || !period) {
        period = buildPeriod(articles, o.nDepts, o.startDay + p * PERIOD + PERIOD / 2);
        periodNo = p;
      }
      const abs = o.startDay + d;
      for (let k = 0; k < perDay[d]; k++, r++) {
        // Several units of one article are several identical rows, as in Kaggle.
        if (k > 0 && rng() < 0.07) {
          tDat[r] = abs;
          cust[r] = cust[r - 1];
          art[r] = art[r - 1];
          price[r] = price[r - 1];
          channel[r] = channel[r - 1];
          continue;
        }
        const c = custSampler.sample(rng);
        let a: number;
        const u = rng();
        if (lastItem[c] >= 0 && u < 0.1) a = lastItem[c];
        else if (u < 0.82) {
          const dept = customers.depts[c * TASTE_DEPTS + Math.floor(rng() * TASTE_DEPTS)];
          const pool = period.dept[dept] ?? period.global;
          a = pool.items[pool.sampler.sample(rng)];
          const likes = (m: number) => {
            for (let q = 0; q < TASTE_COLOURS; q++) if (customers.colours[c * TASTE_COLOURS + q] === m) return true;
            return false;
          };
          if (!likes(articles.colourMaster[a]) && rng() < 0.6) a = pool.items[pool.sampler.sample(rng)];
        } else a = period.global.items[period.global.sampler.sample(rng)];
        lastItem[c] = a;
        tDat[r] = abs;
        cust[r] = c;
        art[r] = a;
        const age = abs - articles.launchDay[a];
        const sale = age > 60 && rng() < 0.3 ? 0.5 + 0.2 * rng() : 1;
        price[r] = Math.round(articles.price[a] * sale * 590 * 100) / 100 / 590;
        channel[r] = rng() < customers.online[c] ? 2 : 1;
      }
    }
    const customerId: (string | null)[] = new Array(rows);
    const articleId: (string | null)[] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      customerId[i] = o.customerIds[cust[i]];
      articleId[i] = o.articleIds[art[i]];
    }
    yield {
      table: {
        name: 'transactions',
        length: rows,
        columns: {
          t_dat: { type: 'date', values: tDat },
          customer_id: { type: 'string', values: customerId },
          article_id: { type: 'string', values: articleId },
          price: { type: 'float', values: price },
          sales_channel_id: { type: 'int', values: channel },
        },
      },
      customer: cust,
      article: art,
    };
  }
}
