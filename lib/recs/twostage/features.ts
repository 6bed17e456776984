/**
 * Stage two's inputs: one feature row per (customer, candidate), row-major
 * Float32Array (NaN = missing), in the layout `trainGbdt` (lib/gbdt) and
 * LightGBM take, with the feature names.
 */
import { ageBand } from '../backtest/baselines';
import { boughtBy } from '../history';
import { CANDIDATE_SOURCES, type CandidateSet, type CandidateSource } from './candidates';
import type { TwoStageContext } from './context';

const PER_ROW = [
  'n_sources', 'als_score', 'image_similarity', 'copurchase_count', 'sales_1w', 'sales_4w', 'trend_1w_over_2w', 'trending_score',
  'days_since_bought_item', 'days_since_bought_product', 'times_bought_item', 'department_match', 'index_match', 'price_ratio',
  'item_price', 'days_since_first_sold', 'customer_days_since_last', 'customer_rows', 'customer_age', 'customer_age_band',
  'sales_2w', 'days_since_last_sold', 'item_repeat_rate', 'age_minus_buyer_age', 'product_sales_1w', 'times_bought_product',
  'department_share', 'trend_1w_over_4w',
] as const;

/** Feature names in column order for the given sources: rank and score per source, the per-row features, then the two-tower's score when it is a source. */
export function featureNames(sources: readonly CandidateSource[]): readonly string[] {
  return [...sources.flatMap((s) => [`rank_${s}`, `score_${s}`]), ...PER_ROW, ...(sources.includes('two-tower') ? ['two_tower_score'] : [])];
}

/** Feature names without the two-tower (CANDIDATE_SOURCES). */
export const FEATURE_NAMES: readonly string[] = featureNames(CANDIDATE_SOURCES);

/** A feature matrix: row r's features are `X[r * nFeatures .. r * nFeatures + nFeatures)`. */
export interface FeatureMatrix {
  X: Float32Array;
  nFeatures: number;
  featureNames: readonly string[];
}

/** Features of every candidate row, as of the context's cutoff. */
export function buildFeatures(ctx: TwoStageContext, c: CandidateSet): FeatureMatrix {
  const v = ctx.view;
  const n = v.log.nItems;
  const S = c.sources.length;
  const names = featureNames(c.sources);
  const F = names.length;
  const towers = c.sources.includes('two-tower') ? ctx.towers : null;
  const X = new Float32Array(c.items.length * F).fill(NaN);
  for (let g = 0; g < c.users.length; g++) {
    const u = c.users[g];
    const bought = boughtBy(v.history, u);
    const recent = bought.subarray(0, 5);
    const depts = new Set<string>();
    const idxs = new Set<string>();
    if (v.catalog) {
      for (const i of bought) {
        const d = v.catalog.department[i];
        const x = v.catalog.index[i];
        if (d != null) depts.add(d);
        if (x != null) idxs.add(x);
      }
    }
    // Best image cosine of each article to any of the customer's purchases.
    const sim = new Map<number, number>();
    if (ctx.image) {
      const nb = ctx.image;
      for (const q of bought) {
        for (let j = 0; j < nb.k; j++) {
          const i = nb.items[q * nb.k + j];
          if (i >= 0 && !(sim.get(i)! >= nb.scores[q * nb.k + j])) sim.set(i, nb.scores[q * nb.k + j]);
        }
      }
    }
    const alsScores = ctx.als?.hasUser(u) ? ctx.als.scores(u) : null;
    const age = v.ages ? v.ages[u] : NaN;
    for (let r = c.offsets[g]; r < c.offsets[g + 1]; r++) {
      const i = c.items[r];
      const o = r * F;
      let present = 0;
      for (let s = 0; s < S; s++) {
        X[o + 2 * s] = c.rank[r * S + s];
        X[o + 2 * s + 1] = c.score[r * S + s];
        if (!Number.isNaN(c.rank[r * S + s])) present++;
      }
      let co = 0;
      for (const q of recent) co += ctx.pairs.get(q)?.get(i) ?? 0;
      const lastItem = ctx.lastItemDay.get(u * n + i);
      const lastProduct = ctx.lastProductDay.get(u * ctx.nProducts + v.product[i]);
      const f = [
        present,
        alsScores && ctx.als!.hasItem(i) ? alsScores[i] : NaN,
        sim.get(i) ?? NaN,
        co,
        ctx.sales1w[i],
        ctx.sales4w[i],
        (ctx.sales1w[i] + 1) / (ctx.sales2w[i] + 1),
        ctx.trending[i],
        lastItem === undefined ? NaN : v.cutoff - lastItem,
        lastProduct === undefined ? NaN : v.cutoff - lastProduct,
        ctx.itemBuys.get(u * n + i) ?? 0,
        v.catalog ? (depts.has(v.catalog.department[i] ?? '') ? 1 : 0) : NaN,
        v.catalog ? (idxs.has(v.catalog.index[i] ?? '') ? 1 : 0) : NaN,
        ctx.itemPrice[i] / ctx.userPrice[u],
        ctx.itemPrice[i],
        v.cutoff - ctx.firstSold[i],
        v.cutoff - ctx.userLastDay[u],
        ctx.userRows[u],
        age,
        ageBand(age),
        ctx.sales1w[i] + ctx.sales2w[i],
        v.cutoff - ctx.lastSold[i],
        ctx.repeatRate[i],
        age - ctx.buyerAge[i],
        ctx.productSales1w[v.product[i]],
        ctx.productBuys.get(u * ctx.nProducts + v.product[i]) ?? 0,
        ctx.departmentOf[i] >= 0 && ctx.userRows[u] ? (ctx.userDepartmentRows.get(u * ctx.nDepartments + ctx.departmentOf[i]) ?? 0) / ctx.userRows[u] : NaN,
        (4 * ctx.sales1w[i] + 1) / (ctx.sales4w[i] + 1),
      ];
      for (let j = 0; j < f.length; j++) X[o + 2 * S + j] = f[j];
      // The two-tower's dot product for every candidate (not only its own top-N), as ALS's score above.
      if (towers) X[o + F - 1] = towers.score(u, i);
    }
  }
  return { X, nFeatures: F, featureNames: names };
}
