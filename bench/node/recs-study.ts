/**
 * Validation study of the two-stage recommender (bench only): scores candidate
 * and feature settings on weekly cutoffs before the test weeks of bench/recs
 * (default the four July 2020 cutoffs), with LightGBM as the ranker, next to
 * repurchase. The test cutoffs are never scored here. Variants: `base` (the
 * earlier 24 candidates per source, no age-band source, the earlier 34
 * features), `new` (24 per source with the age-band source and 44 features),
 * `big` (the current defaults: 48 per source); `-negNN` keeps NN% of the
 * negative rows for training.
 *
 *   node --import tsx bench/node/recs-study.ts [--cutoffs 2020-07-08:4] [--weeks 8] [--variants base,new,new-neg25]
 */
import path from 'node:path';
import * as recs from '../../lib/recs';
import { ensureVenv } from '../lib/python.mjs';
import { lightgbmFit, loadRecsBench, RANKER_DEFAULTS } from './recs';

const arg = (name: string, dflt: string) => {
  const j = process.argv.indexOf(`--${name}`);
  return j >= 0 ? process.argv[j + 1] : dflt;
};
const [from, n] = arg('cutoffs', '2020-07-08:4').split(':');
const cutoffs = recs.weeklyCutoffs(from, Number(n));
if (cutoffs[cutoffs.length - 1] + 7 > recs.toDay('2020-08-05')) throw new Error('the study may only score weeks before the first test cutoff (2020-08-05)');
const trainWeeks = Number(arg('weeks', '8'));
const objective = arg('objective', 'binary') as 'binary' | 'lambdarank';
const variants = arg('variants', 'base,new').split(',');

/** Columns added in this round (left out by the `base` variant, as are the age-band source's columns). */
const NEW_COLUMNS = new Set(['rank_age-band', 'score_age-band', 'sales_2w', 'days_since_last_sold', 'item_repeat_rate', 'age_minus_buyer_age', 'product_sales_1w', 'times_bought_product', 'department_share', 'trend_1w_over_4w']);

/** Twice the earlier candidates per source (the `big` variants; now the defaults). */
const BIG_LIMITS = recs.DEFAULT_LIMITS;
/** The earlier defaults (`new` variants). */
const SMALL_LIMITS = { repurchase: 24, colours: 24, trending: 24, 'bought-together': 24, image: 24, als: 24, hybrid: 12, 'age-band': 24 };

async function main(): Promise<void> {
  const input = await loadRecsBench(Infinity, path.resolve(__dirname, '../results'));
  const python = await ensureVenv(['implicit==0.7.2', 'scipy', 'lightgbm']);
  const als = recs.alsFits();
  const out: Record<string, unknown>[] = [];
  for (const variant of variants) {
    const base = variant === 'base';
    const negativeRate = variant.includes('neg') ? Number(variant.split('neg')[1]) / 100 : 1;
    const keep = recs.FEATURE_NAMES.map((f, j) => (base && NEW_COLUMNS.has(f) ? -1 : j)).filter((j) => j >= 0);
    const select = (X: Float32Array, F: number) => {
      if (keep.length === F) return X;
      const m = X.length / F;
      const Y = new Float32Array(m * keep.length);
      for (let r = 0; r < m; r++) for (let c = 0; c < keep.length; c++) Y[r * keep.length + c] = X[r * F + keep[c]];
      return Y;
    };
    const seconds: number[] = [];
    const lgb = lightgbmFit(python, { ...RANKER_DEFAULTS, objective }, [1], seconds, 1);
    const fit: recs.RankerFit = async (d) => {
      const m = await lgb({ ...d, X: select(d.X, d.nFeatures), nFeatures: keep.length, featureNames: keep.map((j) => d.featureNames[j]) });
      return { predict: (X, F) => m.predict(select(X, F), keep.length) };
    };
    const limits = base ? { ...SMALL_LIMITS, 'age-band': 0 } : variant.startsWith('big') ? BIG_LIMITS : SMALL_LIMITS;
    const t0 = performance.now();
    const r = await recs.backtest({
      log: input.log, catalog: input.catalog, ages: input.ages, candidateWeeks: 12, cutoffs, bootstrap: { samples: 1000, seed: 7 },
      strategies: [recs.repurchaseStrategy(), recs.twoStageStrategy(fit, { name: variant, trainWeeks, als, image: input.image, limits, negativeRate })],
    });
    let pairs = 0;
    let found = 0;
    let per = 0;
    for (const c of cutoffs) {
      const v = recs.asOfView(input.log, c, { candidateWeeks: 12, catalog: input.catalog, ages: input.ages });
      const w = await recs.labelledWeek(input.log, c, v, { als, image: input.image, limits });
      const cr = recs.candidateRecall(w.cands, recs.testTruth(recs.dateSplit(input.log, c).test).relevant);
      pairs += cr.pairs;
      found += cr.total * cr.pairs;
      per += cr.perCustomer / cutoffs.length;
    }
    const s = r.strategies[1];
    const row = {
      variant, objective, trainWeeks, negativeRate, features: keep.length, map: s.map, diff_vs_repurchase: s.vsReference, repurchase: r.strategies[0].map.mean,
      recall: found / pairs, candidatesPerCustomer: per, rankerSeconds: seconds.reduce((a, b) => a + b, 0) / seconds.length, wallSeconds: (performance.now() - t0) / 1000,
    };
    out.push(row);
    console.log(JSON.stringify(row));
  }
}

void main();
