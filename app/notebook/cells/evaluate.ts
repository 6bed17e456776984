/**
 * Cell 8, Evaluate and export: the rolling weekly backtest (lib/recs,
 * run in the ML worker) of every strategy as of each cutoff: baselines,
 * ALS, the seeds' hybrid and the notebook's hybrid (with image neighbours),
 * and the two-stage recommender ranked by gradient-boosted trees. Pooled
 * metrics with 95% bootstrap intervals and the paired difference to the
 * baseline, a per-week chart, the ranker's feature importance, candidate
 * recall per source, a per-customer explainer, and the Kaggle submission of
 * the chosen strategy (fitted on every purchase) for every customer.
 */
import type { CustomerTable, DatasetInfo, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { formatIsoDay } from '@/lib/data/table';
import type { KnnResult } from '@/lib/embed/knn/types';
import { CellFailure, cellId, type CellOutput, type JsonValue } from '@/lib/notebook/types';
import {
  BACKTEST_ALS, CANDIDATE_CHUNK, CANDIDATE_SOURCES, checkSubmission, DEFAULT_MAX_TRAIN_ROWS, FEATURE_NAMES, neighboursByItem, popularBefore, packedTransfer, packRecsData, submissionCsv, testCutoffs, DEMO_RANKER, VALIDATED_RANKER, type RankerSettings,
} from '@/lib/recs';
import { defineAppCell } from '../define';
import { explainerOutputs, importancePlot, recallTable, strategyTable, weeklyPlot } from './evaluate-outputs';
import { CANDIDATES_PER_BUYER, checkMemory, evaluateEstimate, weekSizes } from '@/lib/notebook/memory';
import { budgetBytes, hardwareThreads, memoryBudgetParam } from './memory-budget';


export const EVALUATE_CELL = cellId('evaluate');
const DATA_CELL = cellId('data');
const EMBEDDINGS_CELL = cellId('embeddings');


const STRATEGIES = ['random', 'popularity', 'trending', 'repurchase', 'repurchase-trending', 'age-popularity', 'bought-together', 'als', 'seed-hybrid', 'hybrid', 'two-stage'];
const v = VALIDATED_RANKER;

let lastSubmissionUrl: string | null = null;

export const evaluateCell = defineAppCell({
  id: EVALUATE_CELL,
  title: 'Evaluate and export',
  explanation:
    'A **rolling backtest**: N consecutive weekly cutoffs, the last test week ending on the last day of data. At each cutoff every strategy sees only ' +
    'what was known before it (purchases, popularity, models, articles sold in the last *candidate weeks*), is refitted, and recommends 12 articles to ' +
    'every customer who bought in the 7 days from the cutoff. Strategies: random, popularity, trending, repurchase, repurchase by trend, popularity per ' +
    'age band, bought-together, ALS, the seeds’ hybrid and the notebook’s hybrid (with image neighbours), and the **two-stage** recommender (candidates ' +
    'from every source, features, gradient-boosted trees trained on the labelled weeks before the cutoff). Scores are pooled over the weeks: Kaggle’s ' +
    '**MAP@12** (over buyers, and over all customers), NDCG@10, HitRate@10, Coverage@10, each with a **95% bootstrap interval** over customers, and the ' +
    '**paired difference** to the baseline with its verdict. It all runs in the ML worker. The **submission** comes from the chosen strategy fitted on every purchase.',
  params: {
    nCutoffs: { kind: 'number', label: 'weekly test cutoffs', default: 6, min: 1, max: 52, integer: true },
    candidateWeeks: { kind: 'number', label: 'candidate weeks (articles sold in the weeks before a cutoff)', default: 12, min: 1, max: 104, integer: true },
    ranker: {
      kind: 'select', label: 'ranker settings', default: 'auto',
      options: [
        { value: 'auto', label: 'auto: validated on real data, quick on the generated demo' },
        { value: 'validated', label: `validated (chosen on H&M July 2020 weeks): ${v.objective}, ${v.trainWeeks} weeks, ${v.seeds} seeds, ${v.numRounds} rounds, depth ${v.maxDepth}, ${v.numLeaves} leaves, lr ${v.learningRate}, ${(v.negativeRate ?? 1) * 100}% of negatives` },
        { value: 'quick', label: `quick (demo): ${DEMO_RANKER.objective}, ${DEMO_RANKER.trainWeeks} weeks, ${DEMO_RANKER.seeds} seed, ${DEMO_RANKER.numRounds} rounds, lr ${DEMO_RANKER.learningRate}, ${(DEMO_RANKER.negativeRate ?? 1) * 100}% of negatives` },
      ],
      help: 'the fields below override single settings (0 or "preset": keep the preset’s)',
    },
    objective: { kind: 'select', label: 'ranker objective', default: 'preset', options: [{ value: 'preset', label: 'preset' }, { value: 'lambdarank', label: 'lambdarank' }, { value: 'binary', label: 'binary' }] },
    trainWeeks: { kind: 'number', label: `ranker training weeks (validated: ${v.trainWeeks})`, default: 0, min: 0, max: 104, integer: true },
    seeds: { kind: 'number', label: `ranker seeds averaged (validated: ${v.seeds})`, default: 0, min: 0, max: 10, integer: true },
    numRounds: { kind: 'number', label: `boosting rounds (validated: ${v.numRounds})`, default: 0, min: 0, max: 2000, integer: true },
    maxDepth: { kind: 'number', label: `tree depth (validated: ${v.maxDepth})`, default: 0, min: 0, max: 16, integer: true },
    numLeaves: { kind: 'number', label: `leaves per tree (validated: ${v.numLeaves})`, default: 0, min: 0, max: 255, integer: true },
    learningRate: { kind: 'number', label: `learning rate (validated: ${v.learningRate})`, default: 0, min: 0, max: 1, step: 0.01 },
    maxTrainRows: {
      kind: 'number', label: 'most ranker training rows per cutoff (0: no cap)', default: DEFAULT_MAX_TRAIN_ROWS, min: 0, max: 100_000_000, integer: true,
      help: 'a training week over its share keeps every positive and the negatives with the smallest sampling hashes (the same on every run); bounds the ranker’s memory at H&M scale, far above the demo’s and the H&M sample’s rows',
    },
    baseline: { kind: 'select', label: 'baseline of the paired differences', default: '', options: [{ value: '', label: 'the best baseline' }, ...STRATEGIES.map((s) => ({ value: s, label: s }))] },
    submission: { kind: 'select', label: 'strategy of the submission', default: '', options: [{ value: '', label: 'the best one' }, ...STRATEGIES.map((s) => ({ value: s, label: s }))] },
    customer: { kind: 'text', label: 'explain customer (id, or #index; blank: the last week’s buyer with the most purchases)', default: '' },
    memoryBudgetMB: memoryBudgetParam,
  },
  dependsOn: [DATA_CELL, EMBEDDINGS_CELL],
  async run(ctx) {
    const p = ctx.params;
    const log = ctx.artifacts.get<InteractionLog>(DATA_CELL, 'interactions');
    const catalog = ctx.artifacts.find<ItemCatalog>(DATA_CELL, 'catalog');
    const customers = ctx.artifacts.find<CustomerTable>(DATA_CELL, 'customers');
    const info = ctx.artifacts.find<DatasetInfo>(DATA_CELL, 'info');
    const emb = ctx.artifacts.find<{ rows: Int32Array; knn: KnnResult }>(EMBEDDINGS_CELL, 'neighbours');
    if (log.user.length === 0) throw new CellFailure('The dataset has no purchases: there is nothing to evaluate.', 'Load a dataset with transactions in the Data cell.');

    const preset = p.ranker === 'validated' || (p.ranker === 'auto' && info?.kind !== 'demo') ? VALIDATED_RANKER : DEMO_RANKER;
    const pick = (x: number, d: number) => (x > 0 ? x : d);
    const ranker: RankerSettings = {
      ...preset,
      objective: p.objective === 'binary' || p.objective === 'lambdarank' ? p.objective : preset.objective,
      trainWeeks: pick(p.trainWeeks, preset.trainWeeks), seeds: pick(p.seeds, preset.seeds), numRounds: pick(p.numRounds, preset.numRounds),
      maxDepth: pick(p.maxDepth, preset.maxDepth), numLeaves: pick(p.numLeaves, preset.numLeaves), learningRate: pick(p.learningRate, preset.learningRate),
      ...(p.maxTrainRows > 0 ? { maxTrainRows: Math.max(p.maxTrainRows, pick(p.trainWeeks, preset.trainWeeks)) } : {}),
    };
    const cutoffs = testCutoffs(log.day, p.nCutoffs);
    let first = Infinity;
    for (let r = 0; r < log.day.length; r++) first = Math.min(first, log.day[r]);
    if (cutoffs[0] - 7 * ranker.trainWeeks <= first) {
      throw new CellFailure(
        `The data start on ${formatIsoDay(first)}: ${p.nCutoffs} test weeks and ${ranker.trainWeeks} ranker training weeks before them need purchases from ${formatIsoDay(cutoffs[0] - 7 * ranker.trainWeeks)}.`,
        'Lower "weekly test cutoffs" or "ranker training weeks".',
      );
    }
    // Before the backtest: its labelled weeks (the ranker's training weeks before the first cutoff, then the test weeks), of which it keeps a window.
    const weekStarts = [...Array.from({ length: ranker.trainWeeks }, (_, w) => cutoffs[0] - 7 * (ranker.trainWeeks - w)), ...cutoffs];
    const weeks = weekSizes(log, weekStarts);
    ctx.log(checkMemory(
      evaluateEstimate({ rows: log.user.length, users: log.nUsers, items: log.nItems }, {
        buyersPerWeek: weeks.buyers, rowsPerWeek: weeks.rows, trainWeeks: ranker.trainWeeks, negativeRate: ranker.negativeRate ?? 1, maxTrainRows: ranker.maxTrainRows ?? Infinity, testWeeks: cutoffs.length,
        chunk: CANDIDATE_CHUNK, candidatesPerBuyer: CANDIDATES_PER_BUYER, sources: CANDIDATE_SOURCES.length, features: FEATURE_NAMES.length,
        pairs: log.user.length, strategies: STRATEGIES.length, factors: BACKTEST_ALS.params.factors, threads: hardwareThreads(),
      }),
      budgetBytes(p.memoryBudgetMB),
      'Lower "weekly test cutoffs" or "ranker training weeks", or evaluate a smaller dataset.',
    ));
    const explainUser = lookupCustomer(log.userKeys, p.customer);
    if (p.customer.trim() && explainUser < 0) ctx.log(`customer "${p.customer}" not found; explaining the last week’s buyer with the most purchases`);
    const image = emb && catalog?.imageUrl.some((u) => u) ? neighboursByItem(log.nItems, emb.rows, emb.knn, Math.min(20, emb.knn.k)) : null;
    const data = packRecsData(log, catalog ?? null, customers?.age ?? null, image);
    ctx.log(`test weeks from ${cutoffs.map((c) => formatIsoDay(c)).join(', ')}; ranker ${JSON.stringify(ranker)}; image neighbours: ${image ? `${image.k} per article` : 'none'}`);

    const ml = await ctx.services.ml();
    const r = await ml.call(
      'recs.backtest',
      { data, settings: { nCutoffs: p.nCutoffs, candidateWeeks: p.candidateWeeks, ranker, reference: p.baseline, submission: p.submission, explainUser, seed: ctx.seed } },
      { signal: ctx.signal, onProgress: (q) => ctx.progress({ label: q.label, done: q.done, total: q.total, unit: q.unit ?? 'fits' }), onLog: (l) => ctx.log(l), transfer: packedTransfer(data) },
    );

    const setting = ranker === preset ? '' : ' (overridden)';
    const outputs: CellOutput[] = [
      {
        kind: 'markdown',
        text:
          `Test weeks from ${Array.from(r.cutoffs, (c, w) => `${formatIsoDay(c)} (${r.buyers[w]} buyers)`).join(', ')}. ` +
          `Candidates: articles sold in the ${p.candidateWeeks} weeks before each cutoff. Ranker: ${preset === VALIDATED_RANKER ? 'the settings chosen on validation weeks' : 'the quick demo settings (not chosen on validation)'}${setting}: ` +
          `${ranker.objective}, ${ranker.trainWeeks} training weeks${ranker.maxTrainRows ? ` (at most ${ranker.maxTrainRows.toLocaleString('en')} rows)` : ''}, ${ranker.seeds} seed(s), ${ranker.numRounds} rounds, depth ${ranker.maxDepth}, ${ranker.numLeaves} leaves, lr ${ranker.learningRate}. ` +
          `Paired differences against **${r.reference}**${p.baseline ? '' : ' (the best baseline)'}; verdicts from the 95% interval of the difference.`,
      },
      strategyTable(r),
      { kind: 'plot', title: 'MAP@12 per test week', plot: weeklyPlot(r) },
      { kind: 'plot', title: 'Two-stage ranker: feature importance (gain)', plot: importancePlot(r) },
      recallTable(r),
      ...explainerOutputs(r, log, catalog),
    ];

    // The submission: 12 items for every customer from the chosen strategy.
    const k = r.submission.k;
    const everyone = customers?.keys.length ? customers.keys : log.userKeys;
    const userOf = new Map(log.userKeys.map((key, u) => [key, u]));
    // Customers without purchases (and short lists) get the last week's best sellers.
    const fallback = popularBefore(log, Infinity, 7, k);
    let csv: string;
    try {
      csv = submissionCsv(everyone, (c) => {
        const u = userOf.get(everyone[c]);
        return u === undefined ? undefined : Array.from(r.submission.lists.subarray(u * k, u * k + k)).filter((i) => i >= 0);
      }, log.itemKeys, fallback, k);
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
          { name: 'strategy', value: r.submission.strategy + (p.submission ? '' : ' (the best)') },
          { name: 'customers', value: check.rows },
          { name: 'rows with 12 articles', value: full },
          { name: 'size', value: Number((csv.length / 1024).toFixed(1)), unit: 'KiB' },
        ],
      },
      { kind: 'markdown', text: `Download: [submission.csv](${lastSubmissionUrl})` },
      { kind: 'log', title: 'First rows', lines: csv.split('\n').slice(0, 4) },
    );

    const summary: Record<string, JsonValue> = {
      cutoffs: Array.from(r.cutoffs, (c) => formatIsoDay(c)), buyers: Array.from(r.buyers), reference: r.reference, ranker: { ...ranker },
      submission_strategy: r.submission.strategy, submission_rows: check.rows, seconds: { ...r.seconds },
    };
    for (const s of r.strategies) {
      summary[s.name] = {
        map_at_12: s.map.mean, map_at_12_ci: [s.map.low, s.map.high], map_at_12_all: s.mapAllCustomers, ndcg_at_10: s.ndcg.mean, hit_rate_at_10: s.hitRate.mean,
        coverage_at_10: s.coverage, diff: s.vsReference ? [s.vsReference.mean, s.vsReference.low, s.vsReference.high] : null, verdict: s.vsReference?.verdict ?? 'reference',
      };
    }
    return { outputs, summary, artifacts: { submission: csv } };
  },
});

function lookupCustomer(keys: readonly string[], text: string): number {
  const t = text.trim();
  if (!t) return -1;
  if (/^#\d+$/.test(t)) return Number(t.slice(1)) < keys.length ? Number(t.slice(1)) : -1;
  return keys.indexOf(t);
}
