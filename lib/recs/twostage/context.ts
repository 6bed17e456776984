/**
 * Everything the two-stage candidates and features read, computed once per
 * cutoff from the as-of view: per-article recent sales and trend, mean price
 * and first sale; per-customer last purchase, mean price, departments and
 * indexes; last day each customer bought each article and each product;
 * bought-together counts; ALS (optional) and image neighbours (optional).
 */
import type { AlsModel } from '../../cf';
import type { AsOfView } from '../backtest/asof';
import { ageBand } from '../backtest/baselines';
import { boughtTogetherCounts, rankPool, trendingScores, weeklyCounts, type PairCounts } from '../backtest/signals';
import type { TowerScorer } from '../backtest/towers';
import type { ItemNeighbours } from '../types';

/** Per-cutoff signals (dense ids of the view's log). */
export interface TwoStageContext {
  view: AsOfView;
  als: AlsModel | null;
  /** Two-tower fit as of the cutoff, or null (then no two-tower source and feature). */
  towers: TowerScorer | null;
  /** Image neighbours restricted to the pool, or null (no photos). */
  image: ItemNeighbours | null;
  trending: Float64Array;
  /** Rows per article in the last week, the week before, and the last 4 weeks. */
  sales1w: Float64Array;
  sales2w: Float64Array;
  sales4w: Float64Array;
  itemPrice: Float64Array;
  /** First and last day sold (±Infinity: never). */
  firstSold: Float64Array;
  lastSold: Float64Array;
  /** Share of the article's buyers who bought it more than once (NaN: no buyer). */
  repeatRate: Float64Array;
  /** Mean age of the article's buyer rows (NaN: unknown). */
  buyerAge: Float64Array;
  /** Rows per product code in the last week. */
  productSales1w: Float64Array;
  /** Department code per article (−1: unknown) and rows of (u, department): key u * nDepartments + code. */
  departmentOf: Int32Array;
  nDepartments: number;
  userDepartmentRows: Map<number, number>;
  /** Rows of (u, product). */
  productBuys: Map<number, number>;
  /** Best sellers of the last `segmentWeeks` weeks per age band (pool articles), with their rows. */
  segmentTop: { items: number[]; rows: number[] }[];
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
  towers?: TowerScorer | null;
  image?: ItemNeighbours | null;
  /** Bought-together window (weeks before the cutoff, days apart); default 12 and 7. */
  pairWeeks?: number;
  pairDays?: number;
  /** Weeks of the age-band best sellers; default 2. */
  segmentWeeks?: number;
}

const bump = (m: Map<number, number>, key: number) => m.set(key, (m.get(key) ?? 0) + 1);

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
  const lastSold = new Float64Array(n).fill(-Infinity);
  const ageSum = new Float64Array(n);
  const ageN = new Float64Array(n);
  const departments = new Map<string, number>();
  const departmentOf = Int32Array.from({ length: n }, (_, i) => {
    const d = view.catalog?.department[i];
    if (d == null) return -1;
    let c = departments.get(d);
    if (c === undefined) departments.set(d, (c = departments.size));
    return c;
  });
  const nDepartments = Math.max(1, departments.size);
  const userDepartmentRows = new Map<number, number>();
  const productBuys = new Map<number, number>();
  const segmentWeeks = o.segmentWeeks ?? 2;
  const segmentRows = Array.from({ length: 5 }, () => new Float64Array(n));
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
    if (d > lastSold[i]) lastSold[i] = d;
    const age = view.ages ? view.ages[u] : NaN;
    if (Number.isFinite(age)) (ageSum[i] += age), ageN[i]++;
    const band = ageBand(age);
    if (band >= 0 && d >= view.cutoff - 7 * segmentWeeks) segmentRows[band][i]++;
    if (departmentOf[i] >= 0) bump(userDepartmentRows, u * nDepartments + departmentOf[i]);
    bump(productBuys, u * nProducts + view.product[i]);
    // Rows are sorted by day, so the last row seen is the latest.
    userLastDay[u] = d;
    userRows[u]++;
    userPriceSum[u] += p;
    lastItemDay.set(u * n + i, d);
    lastProductDay.set(u * nProducts + view.product[i], d);
    bump(itemBuys, u * n + i);
  }
  const buyers = new Float64Array(n);
  const repeaters = new Float64Array(n);
  for (const [key, c] of itemBuys) {
    const i = key % n;
    buyers[i]++;
    if (c > 1) repeaters[i]++;
  }
  const productSales1w = new Float64Array(nProducts);
  for (let i = 0; i < n; i++) productSales1w[view.product[i]] += sales1w[i];
  const segmentTop = segmentRows.map((c) => {
    const items = rankPool(view, c).filter((i) => c[i] > 0).slice(0, 256);
    return { items, rows: items.map((i) => c[i]) };
  });
  const productItems = new Map<number, number[]>();
  for (const i of view.poolItems) (productItems.get(view.product[i]) ?? productItems.set(view.product[i], []).get(view.product[i])!).push(i);
  return {
    view,
    als: o.als ?? null,
    towers: o.towers ?? null,
    image: o.image ?? null,
    trending: trendingScores(view, 4),
    sales1w,
    sales2w,
    sales4w,
    itemPrice: priceSum.map((s, i) => (priceN[i] ? s / priceN[i] : NaN)),
    firstSold,
    lastSold,
    repeatRate: buyers.map((b, i) => (b ? repeaters[i] / b : NaN)),
    buyerAge: ageSum.map((a, i) => (ageN[i] ? a / ageN[i] : NaN)),
    productSales1w,
    departmentOf,
    nDepartments,
    userDepartmentRows,
    productBuys,
    segmentTop,
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
