/**
 * Cell 5, Collaborative filtering: implicit-feedback ALS trained in the ML
 * worker on the purchases before the holdout window, evaluated on the window
 * (MAP@12 as Kaggle scored H&M, NDCG@10, HitRate@10, ...) against the
 * popularity baseline, with the loss per iteration, one customer's history
 * and recommendations with photos, and one item's look-alikes by factors.
 * The fitted model (`model`: AlsModel) and the filter lists are artifacts for
 * the hybrid cell (`rankItems` ranks its candidates).
 */
import * as Plot from '@observablehq/plot';
import type { DatasetInfo, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { hasDates, randomHoldoutPerUser, splitLastDays, type Split } from '@/lib/data/split';
import type { HeldOutPairs } from '@/lib/data/readers/asos';
import { ALS_SOLVERS, AlsModel, CfInputError, evaluatePopularity, holdoutFromPairs, prepareInteractions, sampleHoldout, type AlsSolverName, type HoldoutSpec, type Weighting } from '@/lib/cf';
import type { MetricReport } from '@/lib/metrics';
import { CellFailure, cellId, type CellOutput, type Scalar } from '@/lib/notebook/types';
import { defineAppCell } from '../define';
import { marginFor, numericTickLabels } from './plot-layout';
import { alsEstimate, checkMemory } from '@/lib/notebook/memory';
import { budgetBytes, hardwareThreads, memoryBudgetParam } from './memory-budget';

export const ALS_CELL = cellId('als');
const DATA_CELL = cellId('data');

const WEIGHTINGS: readonly { value: Weighting; label: string }[] = [
  { value: 'recency', label: 'recency-decayed count (half-life)' },
  { value: 'count', label: 'count' },
  { value: 'bm25', label: 'BM25' },
  { value: 'tfidf', label: 'TF-IDF' },
];
const SOLVER_LABELS: Record<AlsSolverName, string> = {
  cg: 'conjugate gradient, WebAssembly SIMD (fast)',
  'cg-js': 'conjugate gradient, plain TypeScript',
  tfjs: 'conjugate gradient, TF.js ops (worker backend)',
  exact: 'exact Cholesky (reference, slow)',
};

const NO_PHOTO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="180"><rect width="120" height="180" fill="#eee"/><text x="60" y="95" font-size="12" text-anchor="middle" fill="#888">no photo</text></svg>')}`;

const metricRow = (name: string, m: MetricReport): Scalar[] => [
  name,
  Number(m.map_at_12.toFixed(4)),
  Number(m.ndcg_at_10.toFixed(4)),
  Number(m.hit_rate_at_10.toFixed(4)),
  Number(m.recall_at_10.toFixed(4)),
  Number(m.coverage_at_10.toFixed(4)),
  m.users_scored,
];

/** Loss per iteration as Plot options. */
export function lossPlot(loss: ArrayLike<number>): Record<string, unknown> {
  const points = Array.from(loss, (l, i) => ({ iteration: i + 1, loss: l }));
  const max = Math.max(0, ...Array.from(loss, (l) => (Number.isFinite(l) ? Math.abs(l) : 0)));
  return {
    height: 240,
    // Wide enough for the largest tick (losses run into the millions) and the axis label above it.
    marginLeft: marginFor(numericTickLabels(max), 50),
    marginTop: 28,
    x: { label: 'iteration', tickFormat: 'd' },
    y: { label: 'weighted squared error (implicit’s definition)', labelAnchor: 'top', labelArrow: 'up', grid: true },
    marks: [Plot.line(points, { x: 'iteration', y: 'loss', marker: 'circle' })],
  };
}

/** Finds a user or item by key, or by `#<dense id>`; null when absent. */
function lookup(keys: readonly string[], text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  if (/^#\d+$/.test(t)) {
    const id = Number(t.slice(1));
    return id < keys.length ? id : null;
  }
  const id = keys.indexOf(t);
  return id >= 0 ? id : null;
}

export const alsCell = defineAppCell({
  id: ALS_CELL,
  title: 'Collaborative filtering (ALS)',
  explanation:
    'Implicit-feedback **ALS** (Hu, Koren and Volinsky): every purchase gives a preference of 1 with confidence **1 + alpha·w**, where w is a count, ' +
    'a **recency-decayed** count (a purchase one half-life before the last training day weighs ½), BM25 or TF-IDF. Users and items under the minimum counts are ' +
    'filtered out and kept in lists for the fallbacks. The model trains in the ML worker on everything before the holdout window (conjugate gradient warm-started ' +
    'from the previous factors, as `implicit` does) and is scored on the window: MAP@12 as Kaggle scored H&M, NDCG@10, HitRate@10. ' +
    'Customers the model cannot score count as misses. Datasets without dates (ASOS) are scored on the validation file picked in the Data cell, ' +
    'or, without one, on a seeded random share of each customer\'s purchases.',
  params: {
    factors: { kind: 'number', label: 'factors', default: 64, min: 4, max: 512, integer: true, help: 'multiples of 4 use the SIMD kernel' },
    regularization: { kind: 'number', label: 'regularization λ', default: 0.01, min: 0, step: 0.01 },
    alpha: { kind: 'number', label: 'alpha (confidence slope)', default: 10, min: 0, step: 1 },
    iterations: { kind: 'number', label: 'iterations', default: 15, min: 1, max: 200, integer: true },
    cgSteps: { kind: 'number', label: 'CG steps per row', default: 3, min: 1, max: 64, integer: true },
    weighting: { kind: 'select', label: 'weight w', default: 'recency', options: WEIGHTINGS },
    halfLifeDays: { kind: 'number', label: 'recency half-life (days)', default: 30, min: 1, step: 1 },
    minUserCount: { kind: 'number', label: 'min purchases per customer', default: 1, min: 1, integer: true },
    minItemCount: { kind: 'number', label: 'min purchases per article', default: 1, min: 1, integer: true },
    holdoutDays: { kind: 'number', label: 'holdout window (last days)', default: 7, min: 1, integer: true },
    holdoutShare: { kind: 'number', label: 'holdout share per customer (datasets without dates, no validation file)', default: 0.2, min: 0.01, max: 0.9, step: 0.01 },
    maxEvalCustomers: { kind: 'number', label: 'max holdout customers scored (seeded sample)', default: 2000, min: 1, integer: true },
    filterAlreadyBought: { kind: 'boolean', label: 'never recommend what the customer bought', default: true },
    solver: { kind: 'select', label: 'solver', default: 'cg', options: ALS_SOLVERS.map((s) => ({ value: s, label: SOLVER_LABELS[s] })) },
    customer: { kind: 'text', label: 'customer (id, or #index; blank: the first scored holdout customer)', default: '' },
    article: { kind: 'text', label: 'article for look-alikes (id, or #index; blank: the top recommendation)', default: '' },
    cache: { kind: 'boolean', label: 'reuse a cached fit (same data and parameters)', default: true },
    memoryBudgetMB: memoryBudgetParam,
  },
  dependsOn: [DATA_CELL],
  async run(ctx) {
    const p = ctx.params;
    const log = ctx.artifacts.get<InteractionLog>(DATA_CELL, 'interactions');
    const info = ctx.artifacts.find<DatasetInfo>(DATA_CELL, 'info');
    const catalog = ctx.artifacts.find<ItemCatalog>(DATA_CELL, 'catalog');
    if (log.user.length === 0) throw new CellFailure('The dataset has no interactions: there is nothing to train ALS on.', 'Load a dataset with transactions in the Data cell.');

    // Dated logs: the last days. Without dates (ASOS): the Data cell's validation file, else a seeded random share per customer.
    const validation = ctx.artifacts.find<HeldOutPairs | null>(DATA_CELL, 'validation') ?? null;
    const dated = hasDates(log);
    let split: Split;
    let test: { user: ArrayLike<number>; item: ArrayLike<number> };
    let holdoutText: string;
    try {
      if (dated) {
        split = splitLastDays(log, p.holdoutDays);
        holdoutText = `the last ${p.holdoutDays} days`;
      } else if (validation) {
        split = { train: log, test: log, cutoffDay: null };
        holdoutText = `the validation file ${validation.source}`;
      } else {
        split = randomHoldoutPerUser(log, p.holdoutShare, ctx.seed);
        holdoutText = `a seeded random ${Math.round(p.holdoutShare * 100)}% of each customer's purchases (no dates, no validation file)`;
      }
      test = dated || !validation ? split.test : validation;
    } catch (err) {
      throw new CellFailure(`Cannot make the holdout split: ${(err as Error).message}`, dated ? 'Change "holdout window".' : 'Change "holdout share per customer".');
    }
    if (!dated) ctx.log(`no dates in the data: holdout is ${holdoutText}`);
    let prepared;
    try {
      prepared = prepareInteractions(split.train, {
        weighting: p.weighting as Weighting,
        halfLifeDays: p.halfLifeDays,
        minUserCount: p.minUserCount,
        minItemCount: p.minItemCount,
      });
    } catch (err) {
      if (err instanceof CfInputError) throw new CellFailure(err.message, 'Fix the parameter named in the message.');
      throw err;
    }
    const w = prepared.weights;
    const nnz = w.indices.length;
    if (nnz === 0) {
      throw new CellFailure(
        `No purchases are left to train on: ${split.train.user.length} training rows, ${prepared.filteredUsers.length} customers and ${prepared.filteredItems.length} articles filtered out.`,
        dated ? 'Lower "min purchases per customer" / "min purchases per article", or shorten the holdout window.' : 'Lower "min purchases per customer" / "min purchases per article".',
      );
    }
    // Before the fit: the kernel's memory and the factors, from the sizes just prepared.
    ctx.log(checkMemory(
      alsEstimate({ rows: log.user.length, users: w.nRows, items: w.nCols }, { users: w.nRows, items: w.nCols, nnz, factors: p.factors, threads: hardwareThreads() }),
      budgetBytes(p.memoryBudgetMB),
      'Raise "min purchases per customer" / "min purchases per article", or use fewer factors.',
    ));
    const fullSpec = holdoutFromPairs(test.user, test.item);
    const spec: HoldoutSpec = sampleHoldout(fullSpec, p.maxEvalCustomers, ctx.seed);
    const nTrainUsers = prepared.userCounts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    ctx.log(
      `training: ${nnz} (customer, article) pairs from ${split.train.user.length} purchases${split.cutoffDay === null ? '' : ` before day ${split.cutoffDay}`}; ` +
        `${nTrainUsers} customers, ${prepared.filteredUsers.length} customers and ${prepared.filteredItems.length} articles filtered out; holdout: ${spec.users.length} customers`,
    );

    const ml = await ctx.services.ml();
    let res;
    try {
      res = await ml.call(
        'als.fit',
        {
          weights: w,
          params: { factors: p.factors, regularization: p.regularization, alpha: p.alpha, iterations: p.iterations, cgSteps: p.cgSteps, seed: ctx.seed },
          solver: p.solver as AlsSolverName,
          filteredUsers: prepared.filteredUsers,
          filteredItems: prepared.filteredItems,
          evaluate: spec.users.length ? { spec, filterAlreadyBought: p.filterAlreadyBought } : null,
          cacheKey: p.cache && info ? fitCacheKey(`${info.fingerprint}${!dated && validation ? `|${validation.source}|${validation.user.length}` : ''}`, p, ctx.seed) : null,
        },
        {
          signal: ctx.signal,
          onProgress: (q) => ctx.progress({ label: q.label, done: q.done, total: q.total, unit: q.unit ?? 'iterations' }),
          onLog: (line) => ctx.log(line),
          // The weights move to the worker; they come back inside the model.
          transfer: [w.indptr.buffer, w.indices.buffer, w.data.buffer],
        },
      );
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'AlsDivergedError') throw new CellFailure((err as Error).message, 'Lower alpha, raise regularization, or use fewer factors.');
      if (name === 'CfInputError') throw new CellFailure((err as Error).message, 'Fix the parameter or the data named in the message.');
      throw err;
    }
    const model = AlsModel.load(res.model);
    const secs = Array.from(res.seconds).sort((a, b) => a - b);
    const median = secs.length ? secs[Math.floor(secs.length / 2)] : NaN;

    const label = (i: number) => (catalog?.name[i] ? `${catalog.name[i]}` : log.itemKeys[i]);
    const photo = (i: number, detail: string, highlight = false) => ({
      src: catalog?.imageUrl[i] ?? NO_PHOTO,
      caption: label(i),
      detail: [log.itemKeys[i], catalog?.productType[i], detail].filter(Boolean).join(' · '),
      highlight,
    });

    const outputs: CellOutput[] = [
      {
        kind: 'metrics',
        title: 'Training',
        values: [
          { name: 'customers with factors', value: nTrainUsers - prepared.filteredUsers.length },
          { name: 'articles with factors', value: model.nItems - countInactive(model) },
          { name: '(customer, article) pairs', value: nnz },
          { name: 'filtered customers', value: prepared.filteredUsers.length },
          { name: 'filtered articles', value: prepared.filteredItems.length },
          { name: 'solver', value: res.solver + (res.simd ? ' (SIMD)' : '') + (res.solver === 'tfjs' ? ` on ${res.backend}` : '') },
          ...(res.simd ? [{ name: 'kernel threads', value: res.threads ?? 1 }] : []),
          { name: 'time per iteration (median)', value: res.cached ? 'cached' : Number(median.toFixed(3)), unit: res.cached ? undefined : 's' },
          { name: 'final loss', value: Number((model.loss.at(-1) ?? NaN).toPrecision(5)) },
        ],
      },
      { kind: 'plot', title: 'Training loss per iteration', plot: lossPlot(model.loss) },
    ];
    const pop = spec.users.length ? evaluatePopularity(prepared.itemCounts, spec) : null;
    if (res.metrics && pop) {
      outputs.push({
        kind: 'table',
        title:
          `Holdout: ${holdoutText}, ${spec.users.length} customers` +
          (spec.users.length < fullSpec.users.length ? ` (a seeded sample of ${fullSpec.users.length})` : '') +
          `; ${res.unscorable} without factors count as misses. Same metric functions (lib/metrics) and day convention as the Evaluate cell ` +
          '(train = the days before the first test day); what differs there: several weekly cutoffs pooled, lists only from articles sold in the ' +
          'candidate weeks and completed to 12, ALS refitted per cutoff with its own settings, popularity of the last 7 days (here: of the whole training span)',
        columns: ['model', 'MAP@12', 'NDCG@10', 'HitRate@10', 'Recall@10', 'Coverage@10', 'customers scored'],
        rows: [metricRow('ALS', res.metrics), metricRow('popularity', pop)],
      });
    } else outputs.push({ kind: 'markdown', text: 'The holdout window has no purchases, so there are no holdout metrics.' });

    // One customer: history and recommendations.
    const asked = lookup(log.userKeys, p.customer);
    if (p.customer.trim() && asked === null) ctx.log(`customer "${p.customer}" not found; showing the first scored holdout customer`);
    const customer = asked ?? Array.from(spec.users).find((u) => model.hasUser(u)) ?? firstWithFactors(model);
    let topRecommendation: number | null = null;
    if (customer !== null) {
      const why = model.whyNoUser(customer);
      if (why) outputs.push({ kind: 'markdown', text: `**Customer ${log.userKeys[customer]}**: ${why}.` });
      else {
        const bought = new Set<number>();
        const j = Array.from(spec.users).indexOf(customer);
        const inHoldout = new Set(j >= 0 ? spec.relevantItems.subarray(spec.relevantIndptr[j], spec.relevantIndptr[j + 1]) : []);
        const history: number[] = [];
        for (let r = split.train.user.length - 1; r >= 0 && history.length < 12; r--) {
          if (split.train.user[r] !== customer || bought.has(split.train.item[r])) continue;
          bought.add(split.train.item[r]);
          history.push(split.train.item[r]);
        }
        outputs.push({ kind: 'images', title: `Customer ${log.userKeys[customer]}: ${dated ? 'last purchases before the holdout' : 'training purchases'}`, items: history.map((i) => photo(i, '')), columns: 6 });
        const recs = model.recommend(customer, 12, { filterAlreadyBought: p.filterAlreadyBought });
        topRecommendation = recs.items.length ? recs.items[0] : null;
        outputs.push({
          kind: 'images',
          title: `Recommendations (highlighted: bought in the holdout)`,
          items: Array.from(recs.items, (i, r) => photo(i, `score ${recs.scores[r].toFixed(3)}`, inHoldout.has(i))),
          columns: 6,
        });
      }
    }
    // One article: look-alikes by factor cosine.
    const askedItem = lookup(log.itemKeys, p.article);
    if (p.article.trim() && askedItem === null) ctx.log(`article "${p.article}" not found; showing the top recommendation's look-alikes`);
    const article = askedItem ?? topRecommendation;
    if (article !== null) {
      const why = model.whyNoItem(article);
      if (why) outputs.push({ kind: 'markdown', text: `**Article ${log.itemKeys[article]}**: ${why}.` });
      else {
        const sim = model.similarItems(article, 11, { includeSelf: true });
        outputs.push({
          kind: 'images',
          title: `Articles bought by similar customers: ${label(article)} (first) and its nearest articles by factor cosine`,
          items: Array.from(sim.items, (i, r) => photo(i, i === article ? 'query' : `cosine ${sim.scores[r].toFixed(3)}`, i === article)),
          columns: 6,
        });
      }
    }

    return {
      outputs,
      artifacts: { model, filteredUsers: prepared.filteredUsers, filteredItems: prepared.filteredItems, holdout: spec },
      summary: {
        dataset: info?.name ?? null,
        solver: res.solver,
        simd: res.simd,
        seconds_per_iteration: median,
        final_loss: model.loss.at(-1) ?? null,
        map_at_12: res.metrics?.map_at_12 ?? null,
        ndcg_at_10: res.metrics?.ndcg_at_10 ?? null,
        hit_rate_at_10: res.metrics?.hit_rate_at_10 ?? null,
        popularity_map_at_12: pop?.map_at_12 ?? null,
        filtered_users: prepared.filteredUsers.length,
        filtered_items: prepared.filteredItems.length,
      },
    };
  },
});

/** Dataset fingerprint + every parameter that changes the fit or the holdout (not the customer or article shown). */
function fitCacheKey(fingerprint: string, p: Record<string, unknown>, seed: number): string {
  const { customer: _c, article: _a, cache: _k, ...fit } = p;
  return `als|${fingerprint}|${JSON.stringify(fit)}|${seed}`;
}

function countInactive(model: AlsModel): number {
  let n = 0;
  for (let i = 0; i < model.nItems; i++) if (!model.hasItem(i)) n++;
  return n;
}

function firstWithFactors(model: AlsModel): number | null {
  for (let u = 0; u < model.nUsers; u++) if (model.hasUser(u)) return u;
  return null;
}
