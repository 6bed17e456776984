/**
 * Everything the two-stage candidates and features read, computed once per
 * cutoff from the as-of view: per-article recent sales and trend, mean price
 * and first sale; per-customer last purchase, mean price, departments and
 * indexes; last day each customer bought each article and each product;
 * bought-together counts; ALS (optional) and image neighbours (optional).
 */
import type { AlsModel } from '../../cf';
import type { AsOfView } from '../backtest/asof';
import { boughtTogetherCounts, trendingScores, weeklyCounts, type PairCounts } from '../backtest/signals';
import type { ItemNeighbours } from '../types';

/** Per-cutoff signals (dense ids of the view's log). */
export interface TwoStageContext {
  view: AsOfView;
  als: AlsModel | null;
  /** Image neighbours restricted to the pool, or null (no photos). */
  image: ItemNeighbours | null;
  trending: Float64Array;
  /** Rows per article in the last week, the week before, and the last 4 weeks. */
  sales1w: Float64Array;
  sales2w: Float64Array;
  sales4w: Float64Array;
  itemPrice: Float64Array;
  /** First day sold (Infinity: never). */
  firstSold: Float64Array;
  pairs: PairCounts;
  userLastDay: Float64Array;
  userRows: Float64Array;
  userPrice: Float64Array;
  /** Last day (u, item) and (u, product) were bought: key u * nItems + item / u * nProducts + product. */
  lastItemDay: Map<number, number>;
  lastProductDay: Map<number, number>;
  /** Rows of (u, item). */
  itemBuys: Map<number, number>;
  /** Articles per product code (pool articles only), for "other colours". */
  productItems: Map<number, number[]>;
  nProducts: number;
}

export interface ContextOptions {
  als?: AlsModel | null;
  image?: ItemNeighbours | null;
  /** Bought-together window (weeks before the cutoff, days apart); default 12 and 7. */
  pairWeeks?: number;
  pairDays?: number;
}

/** Computes the signals of one cutoff. */
export function twoStageContext(view: AsOfView, o: ContextOptions = {}): TwoStageContext {
  const { log } = view;
  const n = log.nItems;
  const weekly = weeklyCounts(view, 4);
  const sales1w = weekly.slice(0, n);
  const sales2w = weekly.slice(n, 2 * n);
  const sales4w = new Float64Array(n);
  for (let w = 0; w < 4; w++) for (let i = 0; i < n; i++) sales4w[i] += weekly[w * n + i];
  const priceSum = new Float64Array(n);
  const priceN = new Float64Array(n);
  const firstSold = new Float64Array(n).fill(Infinity);
  const userLastDay = new Float64Array(log.nUsers).fill(NaN);
  const userRows = new Float64Array(log.nUsers);
  const userPriceSum = new Float64Array(log.nUsers);
  const lastItemDay = new Map<number, number>();
  const lastProductDay = new Map<number, number>();
  const itemBuys = new Map<number, number>();
  let nProducts = 0;
  for (let i = 0; i < n; i++) nProducts = Math.max(nProducts, view.product[i] + 1);
  for (let r = 0; r < log.day.length; r++) {
    const u = log.user[r];
    const i = log.item[r];
    const d = log.day[r];
    const p = log.value[r];
    priceSum[i] += p;
    priceN[i]++;
    if (d < firstSold[i]) firstSold[i] = d;
    // Rows are sorted by day, so the last row seen is the latest.
    userLastDay[u] = d;
    userRows[u]++;
    userPriceSum[u] += p;
    lastItemDay.set(u * n + i, d);
    lastProductDay.set(u * nProducts + view.product[i], d);
    itemBuys.set(u * n + i, (itemBuys.get(u * n + i) ?? 0) + 1);
  }
  const productItems = new Map<number, number[]>();
  for (const i of view.poolItems) (productItems.get(view.product[i]) ?? productItems.set(view.product[i], []).get(view.product[i])!).push(i);
  return {
    view,
    als: o.als ?? null,
    image: o.image ?? null,
    trending: trendingScores(view, 4),
    sales1w,
    sales2w,
    sales4w,
    itemPrice: priceSum.map((s, i) => (priceN[i] ? s / priceN[i] : NaN)),
    firstSold,
    pairs: boughtTogetherCounts(view, o.pairWeeks ?? 12, o.pairDays ?? 7),
    userLastDay,
    userRows,
    userPrice: userPriceSum.map((s, u) => (userRows[u] ? s / userRows[u] : NaN)),
    lastItemDay,
    lastProductDay,
    itemBuys,
    productItems,
    nProducts,
  };
}
