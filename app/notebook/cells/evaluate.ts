/**
 * Cell 8, Evaluate and export: a time split (the last 7 days are the test
 * week, as Kaggle's H&M leaderboard), every strategy rebuilt as of the split
 * date (popularity, ALS alone, image-similar alone, the hybrid, two-tower
 * when trained) and scored with Kaggle's MAP@12, NDCG@10, HitRate@10 and
 * Coverage@10 in one table and a chart; then the Kaggle submission CSV of
 * the hybrid's lists for every customer, as a download.
 */
import * as Plot from '@observablehq/plot';
import type { AlsModel } from '@/lib/cf';
import type { Csr } from '@/lib/data/csr';
import type { CustomerTable, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { splitLastDays } from '@/lib/data/split';
import type { KnnResult } from '@/lib/embed/knn/types';
import { evaluateRanking, type MetricReport } from '@/lib/metrics';
import { CellFailure, cellId, type CellOutput, type JsonValue, type Scalar } from '@/lib/notebook/types';
import { CancelledError } from '@/lib/util/cancel';
import {
  checkSubmission, historyBefore, hybridRecommend, leakedPairs, memoryPorts, modelLists, neighboursByItem, popularBefore,
  popularityLists, sampleTruth, similarLists, submissionCsv, testTruth, type CandidateRanker,
} from '@/lib/recs';
import { recommendForUsers } from '@/lib/towers/recommend';
import type { TowerEmbeddings } from '@/lib/towers/types';
import { defineAppCell } from '../define';
import { HYBRID_CELL, LIST_LENGTH, POPULAR_POOL, type HybridArtifact } from './hybrid';

export const EVALUATE_CELL = cellId('evaluate');
const DATA_CELL = cellId('data');
const EMBEDDINGS_CELL = cellId('embeddings');
const ALS_CELL = cellId('als');
const TOWERS_CELL = cellId('towers');

/** One strategy's row: metrics, or why it is not in the comparison. */
interface StrategyRow {
  name: string;
  metrics: MetricReport | null;
  note: string;
}

let lastSubmissionUrl: string | null = null;

/** Metric bars per strategy, as Plot options. */
export function comparisonPlot(rows: readonly StrategyRow[]): Record<string, unknown> {
  const data: { strategy: string; metric: string; value: number }[] = [];
  for (const r of rows) {
    if (!r.metrics) continue;
    const m = r.metrics;
    data.push(
      { strategy: r.name, metric: 'MAP@12', value: m.map_at_12 },
      { strategy: r.name, metric: 'NDCG@10', value: m.ndcg_at_10 },
      { strategy: r.name, metric: 'HitRate@10', value: m.hit_rate_at_10 },
      { strategy: r.name, metric: 'Coverage@10', value: m.coverage_at_10 },
    );
  }
  return {
    height: 260,
    marginBottom: 40,
    fx: { label: null, domain: ['MAP@12', 'NDCG@10', 'HitRate@10', 'Coverage@10'] },
    x: { axis: null, domain: rows.filter((r) => r.metrics).map((r) => r.name) },
    y: { label: 'value', grid: true },
    color: { legend: true },
    marks: [Plot.barY(data, { fx: 'metric', x: 'strategy', y: 'value', fill: 'strategy', tip: true }), Plot.ruleY([0])],
  };
}

export const evaluateCell = defineAppCell({
  id: EVALUATE_CELL,
  title: 'Evaluate and export',
  explanation:
    'Holds out the **last N days** (7: Kaggle’s test week) and rebuilds every strategy from the purchases before them: **popularity** (most bought in the ' +
    'hybrid’s window before the split), **ALS alone**, **image-similar alone** (neighbours of past purchases by cosine), the **hybrid** (same settings as the ' +
    'Hybrid cell, filter and co-purchase in memory over the pre-split purchases: Neo4j holds the test week too) and the **two-tower** model when trained. ' +
    'Customers who bought in the test window are scored with Kaggle’s **MAP@12**, NDCG@10, HitRate@10 and catalogue Coverage@10. A model fitted on the test ' +
    'window is left out and the table says why. Then the hybrid’s lists (from every purchase) become the Kaggle **submission** file: ' +
    '`customer_id,prediction` with 12 ten-digit article ids for every customer.',
  params: {
    testDays: { kind: 'number', label: 'test window (last days)', default: 7, min: 1, integer: true, help: 'ALS must be fitted with a holdout window at least this long' },
    maxCustomers: { kind: 'number', label: 'max test customers scored (seeded sample)', default: 5000, min: 1, integer: true, help: 'ALS and two-tower score every article for each' },
  },
  dependsOn: [DATA_CELL, EMBEDDINGS_CELL, ALS_CELL, TOWERS_CELL, HYBRID_CELL],
  async run(ctx) {
    const log = ctx.artifacts.get<InteractionLog>(DATA_CELL, 'interactions');
    const catalog = ctx.artifacts.get<ItemCatalog>(DATA_CELL, 'catalog');
    const customers = ctx.artifacts.find<CustomerTable>(DATA_CELL, 'customers');
    const emb = ctx.artifacts.get<{ rows: Int32Array; knn: KnnResult }>(EMBEDDINGS_CELL, 'neighbours');
    const model = ctx.artifacts.get<AlsModel>(ALS_CELL, 'model');
    const hybrid = ctx.artifacts.get<HybridArtifact>(HYBRID_CELL, 'recommendations');
    const s = hybrid.settings;

    let split;
    try {
      split = splitLastDays(log, ctx.params.testDays);
    } catch (err) {
      throw new CellFailure(`Cannot make the test split: ${(err as Error).message}`, 'Change "test window".');
    }
    const cutoff = split.cutoffDay!;
    const allTruth = testTruth(split.test);
    const truth = sampleTruth(allTruth, ctx.params.maxCustomers, ctx.seed);
    if (truth.users.length === 0) throw new CellFailure(`Nobody bought anything in the last ${ctx.params.testDays} days: there is nothing to score.`, 'Lengthen the test window.');
    const train = historyBefore(log, cutoff);
    const users = truth.users;
    const k = LIST_LENGTH;
    const rows: StrategyRow[] = [];
    const score = (name: string, lists: number[][], note = '') => rows.push({ name, metrics: evaluateRanking(lists, truth.relevant, log.nItems), note });
    ctx.log(`test window: ${split.test.user.length} purchases by ${users.length} customers from day ${cutoff}; training history: ${split.train.user.length} purchases`);

    // Popularity, as of the split date.
    const popular = popularBefore(log, cutoff, s.popularityDays, Math.min(POPULAR_POOL, log.nItems));
    score('popularity', popularityLists(popular, train, users, k, s.excludeBought), `last ${s.popularityDays} days before the split`);

    // ALS alone, unless it was fitted on the test window.
    const alsLeak = leakedPairs(train, users, truth.relevant, (u) => (model.hasUser(u) ? model.history(u) : null));
    if (alsLeak > 0) {
      rows.push({ name: 'ALS', metrics: null, note: `left out: the model was fitted on ${alsLeak} test-window purchases (set its holdout window to ≥ ${ctx.params.testDays} days)` });
    } else {
      const lists: number[][] = [];
      for (let j = 0; j < users.length; j += 200) {
        if (ctx.signal.aborted) throw new CancelledError('evaluation cancelled');
        lists.push(...modelLists(users.slice(j, j + 200), (u) => (model.hasUser(u) ? model.recommend(u, k, { filterAlreadyBought: s.excludeBought }).items : null)));
        ctx.progress({ label: 'ALS lists', done: Math.min(users.length, j + 200), total: users.length, unit: 'customers' });
        await new Promise((r) => setTimeout(r, 0));
      }
      score('ALS', lists, `${users.filter((u) => !model.hasUser(u)).length} customers without factors count as misses`);
    }

    // Image-similar alone.
    const neighbours = neighboursByItem(log.nItems, emb.rows, emb.knn, s.neighbours);
    score('image-similar', similarLists(neighbours, train, users, k, s.excludeBought), 'neighbours of past purchases by cosine, no fill');

    // The hybrid, rebuilt as of the split date (ALS ranking only when the model did not see the test window).
    const ranker: CandidateRanker | null = alsLeak > 0 ? null : (u, c) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null);
    const rebuilt = await hybridRecommend({
      users, history: train, neighbours, ranker, popular, ports: memoryPorts(train, catalog, log.itemKeys),
      k, excludeBought: s.excludeBought, maxCandidates: s.maxCandidates, signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ label: 'Hybrid as of the split', done, total, unit: 'customers' }),
    });
    score('hybrid', rebuilt.lists.map((l) => l.items), alsLeak > 0 ? 'without ALS ranking (ALS saw the test window)' : 'similar → filter → ALS → co-purchase → popularity');

    // Two-tower, when trained.
    const towers = ctx.artifacts.find<TowerEmbeddings>(TOWERS_CELL, 'embeddings');
    const tUsers = ctx.artifacts.find<Int32Array>(TOWERS_CELL, 'userIds');
    const tItems = ctx.artifacts.find<Int32Array>(TOWERS_CELL, 'itemIds');
    const tSplit = ctx.artifacts.find<{ train: Csr }>(TOWERS_CELL, 'split');
    if (towers && tUsers && tItems && tSplit) rows.push(twoTowerRow(towers, tUsers, tItems, tSplit.train, train, users, truth.relevant, log.nItems, k, s.excludeBought));
    else rows.push({ name: 'two-tower', metrics: null, note: 'not trained (run the Neural models cell)' });

    const outputs: CellOutput[] = [
      {
        kind: 'table',
        title:
          `Test window: the last ${ctx.params.testDays} days, ${users.length} customers` +
          (users.length < allTruth.users.length ? ` (a seeded sample of ${allTruth.users.length})` : '') +
          ' (MAP@12 as Kaggle scored H&M)',
        columns: ['strategy', 'MAP@12', 'NDCG@10', 'HitRate@10', 'Coverage@10', 'customers scored', 'note'],
        rows: rows.map((r): Scalar[] => {
          const m = r.metrics;
          const f = (v: number | undefined) => (v === undefined ? null : Number(v.toFixed(4)));
          return [r.name, f(m?.map_at_12), f(m?.ndcg_at_10), f(m?.hit_rate_at_10), f(m?.coverage_at_10), m?.users_scored ?? null, r.note];
        }),
      },
      { kind: 'plot', title: 'Strategies compared', plot: comparisonPlot(rows) },
    ];

    // The submission: hybrid lists (every purchase) for every customer in the dataset.
    ctx.progress({ label: 'Writing the submission', done: 0, total: 1, unit: 'files' });
    const everyone = customers?.keys.length ? customers.keys : log.userKeys;
    const userOf = new Map(log.userKeys.map((key, u) => [key, u]));
    let csv: string;
    try {
      csv = submissionCsv(everyone, (c) => {
        const u = userOf.get(everyone[c]);
        return u === undefined ? undefined : hybrid.lists[u].items;
      }, log.itemKeys, hybrid.popular, k);
    } catch (err) {
      throw new CellFailure(`Cannot write the submission: ${(err as Error).message}`, 'Kaggle submissions need numeric article ids (H&M); this dataset’s ids are not.');
    }
    const check = checkSubmission(csv, k);
    if (check.problems.length) throw new CellFailure(`The submission breaks the format: line ${check.problems[0].line}: ${check.problems[0].reason}`);
    if (lastSubmissionUrl) URL.revokeObjectURL(lastSubmissionUrl);
    lastSubmissionUrl = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const full = csv.split('\n').slice(1).filter((l) => l.split(' ').length === k).length;
    outputs.push(
      {
        kind: 'metrics',
        title: 'Kaggle submission',
        values: [
          { name: 'customers', value: check.rows },
          { name: 'rows with 12 articles', value: full },
          { name: 'size', value: Number((csv.length / 1024).toFixed(1)), unit: 'KiB' },
        ],
      },
      { kind: 'markdown', text: `Download: [submission.csv](${lastSubmissionUrl})` },
      { kind: 'log', title: 'First rows', lines: csv.split('\n').slice(0, 4) },
    );

    const summary: Record<string, JsonValue> = { test_days: ctx.params.testDays, test_customers: allTruth.users.length, scored_customers: users.length, submission_rows: check.rows };
    for (const r of rows) summary[r.name] = r.metrics ? { map_at_12: r.metrics.map_at_12, ndcg_at_10: r.metrics.ndcg_at_10, hit_rate_at_10: r.metrics.hit_rate_at_10, coverage_at_10: r.metrics.coverage_at_10 } : r.note;
    return { outputs, summary, artifacts: { submission: csv } };
  },
});

/** Scores the two-tower model on the test customers it knows (ids mapped through its own dense ids). */
function twoTowerRow(
  emb: TowerEmbeddings, userIds: Int32Array, itemIds: Int32Array, trained: Csr, train: ReturnType<typeof historyBefore>,
  users: number[], relevant: Set<number>[], nItems: number, k: number, excludeBought: boolean,
): StrategyRow {
  const denseOf = new Map<number, number>();
  userIds.forEach((u, d) => denseOf.set(u, d));
  const seen = (u: number) => {
    const d = denseOf.get(u);
    return d === undefined ? null : Array.from(trained.indices.subarray(trained.indptr[d], trained.indptr[d + 1]), (i) => itemIds[i]);
  };
  const leak = leakedPairs(train, users, relevant, seen);
  if (leak > 0) return { name: 'two-tower', metrics: null, note: `left out: trained on ${leak} test-window purchases (its test share ends after this split)` };
  const known = users.filter((u) => denseOf.has(u));
  const top = recommendForUsers(emb, known.map((u) => denseOf.get(u)!), Math.min(k, itemIds.length), excludeBought ? trained : null);
  const byUser = new Map(known.map((u, j) => [u, Array.from(top[j], (i) => itemIds[i])]));
  const lists = users.map((u) => byUser.get(u) ?? []);
  return { name: 'two-tower', metrics: evaluateRanking(lists, relevant, nItems), note: `${users.length - known.length} customers unknown to the model count as misses` };
}
