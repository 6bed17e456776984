/**
 * The Evaluate cell's computation (run in the ML worker): every strategy on
 * N rolling weekly cutoffs as of each cutoff (lib/recs/backtest), the
 * two-stage recommender ranked by lib/gbdt, pooled metrics with bootstrap
 * intervals and paired differences, per-week MAP@12, the ranker's feature
 * importance, candidate recall per source on the test weeks, one customer's
 * explanation, and the submission lists of the chosen strategy fitted on
 * every purchase. The report holds plain numbers and typed arrays only.
 *
 * It streams: one cutoff's fits at a time (dropped once its week is scored),
 * one ALS model at a time (fit, use by every strategy and labelled week of
 * that cutoff, drop), and of the labelled weeks only the training blocks a
 * later cutoff still needs (lib/recs/twostage/pipeline: candidates made and
 * reduced chunk by chunk). Same figures as keeping everything.
 */
import { trainGbdt, type GbdtModel } from '../../gbdt';
import type { PairedDifference, Interval } from '../../metrics/bootstrap';
import { throwIfAborted } from '../../util/cancel';
import { asOfView } from '../backtest/asof';
import { backtest, FitCache, type Strategy } from '../backtest/backtest';
import { baselineStrategies, randomStrategy } from '../backtest/baselines';
import { alsFits, alsStrategy, hybridStrategy, seedHybridStrategy } from '../backtest/models';
import type { CandidateSet } from '../twostage/candidates';
import { weeklyCutoffs } from '../backtest/split';
import { CANDIDATE_SOURCES } from '../twostage/candidates';
import { FEATURE_NAMES } from '../twostage/features';
import { blockKey, labelledBlock, poolRecall, twoStageStrategy, type RankerFit, type TrainingBlock, type TwoStageOptions } from '../twostage/pipeline';
import { RecsInputError } from '../types';
import { explainCustomer, type Explanation } from './explain';
import type { UnpackedRecsData } from './pack';
import { checkSettings, gbdtParams, type EvaluationSettings } from './settings';

/** One strategy's pooled scores. */
export interface StrategyReport {
  name: string;
  baseline: boolean;
  map: Interval;
  mapAllCustomers: number;
  ndcg: Interval;
  hitRate: Interval;
  coverage: number;
  /** Paired difference of MAP@12 to the reference (null for the reference). */
  vsReference: PairedDifference | null;
  /** MAP@12 per test week (cutoff order). */
  weekly: Float64Array;
}

/** Everything the Evaluate cell shows. */
export interface EvaluationReport {
  cutoffs: Int32Array;
  buyers: Int32Array;
  reference: string;
  strategies: StrategyReport[];
  /** Gain importance of the two-stage ranker (summed over boosters and cutoffs, normalised to 1), FEATURE_NAMES order. */
  importance: Float64Array;
  featureNames: string[];
  /** Candidate recall on the pooled test weeks: total, then per CANDIDATE_SOURCES entry; mean candidates per buyer. */
  recall: { total: number; bySource: Float64Array; perCustomer: number; pairs: number };
  explanation: Explanation | null;
  /** The submission: strategy name and k items per dense user id (row-major, nUsers × k). */
  submission: { strategy: string; k: number; lists: Int32Array };
  seconds: { backtest: number; ranker: number; submission: number };
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (label: string, done: number, total: number, unit: string) => void;
  /** Where the time went (one line per step). */
  onLog?: (line: string) => void;
  /** Buyers whose candidates are made together (lib/recs/twostage/pipeline CANDIDATE_CHUNK); figures do not depend on it. */
  chunk?: number;
  /** Sees what the run holds as it goes (tests of the streaming): every candidate set made, and after each step the training blocks and ALS fits held. */
  onHeld?: (e: { candidates?: CandidateSet; blocks: number; alsFits: number; alsStarted: number }) => void;
}

const K = 12;

/** Last day with a purchase. */
function lastDayOf(day: Int32Array): number {
  let m = -Infinity;
  for (let r = 0; r < day.length; r++) if (day[r] > m) m = day[r];
  return m;
}

/** The test cutoffs: `n` weeks, the last one ending on the last day of data. */
export function testCutoffs(day: Int32Array, n: number): number[] {
  if (!day.length) throw new RecsInputError('invalid log: no purchases; expected some to evaluate');
  return weeklyCutoffs(lastDayOf(day) - 6 - 7 * (n - 1), n);
}

/** Runs the evaluation. */
export async function runEvaluation(data: UnpackedRecsData, s: EvaluationSettings, o: RunOptions = {}): Promise<EvaluationReport> {
  checkSettings(s);
  const { log, catalog, ages, image, product } = data;
  const progress = o.onProgress ?? (() => {});
  const cutoffs = testCutoffs(log.day, s.nCutoffs);
  // One ALS model alive at a time: every user of a cutoff's model runs before the next cutoff's fit.
  const fits = alsFits(undefined, { keep: 1 });
  const blocks = new Map<string, Promise<TrainingBlock>>();
  const rate = s.ranker.negativeRate ?? 1;
  const held = (candidates?: CandidateSet) => o.onHeld?.({ candidates, blocks: blocks.size, alsFits: fits.held, alsStarted: fits.started });
  const rankers = new Map<number, GbdtModel[]>();
  let fitting = NaN;
  let rankerSeconds = 0;
  let stepDone = 0;
  let stepTotal = 1;
  const fitRanker: RankerFit = async (d) => {
    const t0 = performance.now();
    const models: GbdtModel[] = [];
    for (let j = 0; j < s.ranker.seeds; j++) {
      models.push(
        trainGbdt(d, gbdtParams(s.ranker, s.seed, j), {
          signal: o.signal,
          onProgress: (round, total) => progress('Backtest (training the ranker)', stepDone + (j + round / total) / s.ranker.seeds, stepTotal, 'fits'),
        }),
      );
    }
    rankerSeconds += (performance.now() - t0) / 1000;
    rankers.set(fitting, models);
    o.onLog?.(`ranker as of day ${fitting}: ${d.y.length.toLocaleString('en')} training rows, ${d.groups.length.toLocaleString('en')} customer-weeks`);
    return { predict: (X, F) => averaged(models, X, F) };
  };
  const tsOptions: TwoStageOptions = {
    trainWeeks: s.ranker.trainWeeks, negativeRate: rate, maxTrainRows: s.ranker.maxTrainRows, als: fits, image, blocks, chunk: o.chunk, params: { ...s.ranker, seed: s.seed },
    onCandidates: o.onHeld ? (c) => held(c) : undefined,
  };
  const inner = twoStageStrategy(fitRanker, tsOptions);
  const twoStage: Strategy = { ...inner, fit: (v) => ((fitting = v.cutoff), inner.fit(v)) };
  const strategies: Strategy[] = [
    randomStrategy(s.seed),
    ...baselineStrategies().filter((b) => b.name !== 'age-popularity' || ages),
    alsStrategy(fits),
    ...(image && catalog ? [seedHybridStrategy(image, fits, { seed: s.seed }), hybridStrategy(image, fits)] : []),
    twoStage,
  ];
  const cache = new FitCache();
  const base = { candidateWeeks: s.candidateWeeks, catalog, ages, product };
  const T = s.ranker.trainWeeks;
  const t0 = performance.now();
  // Steps: the T labelled weeks before the first cutoff (one ALS fit each), every strategy's fit at every cutoff, the explainer, the submission.
  stepTotal = T + cutoffs.length * strategies.length + 2;
  // The ranker's training weeks before the first cutoff, one ALS fit each (later cutoffs' weeks are the test weeks before them).
  for (let w = T; w >= 1; w--) {
    const t = cutoffs[0] - 7 * w;
    const label = `Backtest (labelled week ${T - w + 1} of ${T} before the first cutoff)`;
    progress(label, T - w, stepTotal, 'fits');
    // Within a week, the share of its buyers whose candidates are made (after the week's ALS fit).
    const onBuyers = (done: number, total: number) => progress(label, T - w + (total ? done / total : 1), stepTotal, 'fits');
    blocks.set(blockKey(t, tsOptions), Promise.resolve(await labelledBlock(log, asOfView(log, t, base), tsOptions, o.signal, onBuyers)));
    held();
  }
  const recallWeeks: Pick<TrainingBlock, 'recall' | 'sources'>[] = [];
  let explanation: Explanation | null = null;
  let explainSeconds = 0;
  const last = cutoffs[cutoffs.length - 1];
  const bt = await backtest({
    log, cutoffs, strategies, candidateWeeks: s.candidateWeeks, catalog, ages, product, cache, k: K,
    keepFits: false, keepLists: false,
    reference: s.reference || undefined,
    bootstrap: { samples: s.bootstrapSamples ?? 1000, seed: s.seed },
    signal: o.signal,
    onProgress: (done, total, what) => ((stepDone = T + done), progress(`Backtest (${what})`, T + done, T + total + 2, 'fits')),
    // After a cutoff's week is scored, with its ALS model still held: its labelled week (the recall, and the training
    // block of the cutoffs after it), blocks no later cutoff needs dropped, and at the last cutoff the explainer.
    afterCutoff: async (view, index) => {
      const c = view.cutoff;
      for (const key of blocks.keys()) if (Number(key.split('|')[0]) < c + 7 - 7 * T) blocks.delete(key);
      const block = await labelledBlock(log, view, tsOptions, o.signal);
      recallWeeks.push({ recall: block.recall, sources: block.sources });
      blocks.set(blockKey(c, tsOptions), Promise.resolve(block));
      held();
      if (index === cutoffs.length - 1) {
        progress('Explaining one customer', stepTotal - 2, stepTotal, 'fits');
        const tExplain = performance.now();
        const lastRanker = rankers.get(last);
        explanation = lastRanker
          ? await explainCustomer({ log, catalog, ages, product, image, als: fits, candidateWeeks: s.candidateWeeks, cutoff: last, user: s.explainUser, ranker: (X, F) => averaged(lastRanker, X, F), view })
          : null;
        explainSeconds = (performance.now() - tExplain) / 1000;
      }
    },
  });
  const btSeconds = (performance.now() - t0) / 1000;
  const fmt = (x: number) => `${x.toFixed(1)} s`;
  o.onLog?.(
    `backtest ${fmt(btSeconds)}: ${Object.entries(bt.seconds.strategies).map(([n, x]) => `${n} ${fmt(x)}`).join(', ')} (the ranker's training ${fmt(rankerSeconds)} of two-stage); ` +
      `bootstrap intervals and paired differences ${fmt(bt.seconds.pooling)}`,
  );

  // Candidate recall on the test weeks (reporting only: the ranker never sees these labels).
  const pooled = poolRecall(recallWeeks);
  const recall = { ...pooled, bySource: Float64Array.from(CANDIDATE_SOURCES, (src) => pooled.bySource[src]) };

  const importance = new Float64Array(FEATURE_NAMES.length);
  for (const models of rankers.values()) for (const m of models) m.featureImportance('gain').forEach((g, j) => (importance[j] += g));
  const sum = importance.reduce((a, b) => a + b, 0);
  if (sum > 0) importance.forEach((g, j) => (importance[j] = g / sum));

  o.onLog?.(`explainer ${fmt(explainSeconds)} (after the last cutoff)`);

  // The submission: the chosen strategy fitted on every purchase, 12 items for every customer.
  const t1 = performance.now();
  const best = bt.strategies.reduce((a, b) => (b.map.mean > a.map.mean ? b : a)).name;
  const pick = s.submission || best;
  const chosen = strategies.find((x) => x.name === pick);
  if (!chosen) throw new RecsInputError(`invalid submission strategy: ${pick}; expected one of ${strategies.map((x) => x.name).join(', ')}`);
  progress(`Submission (${pick}, fitted on every purchase)`, stepTotal - 1, stepTotal, 'fits');
  stepDone = stepTotal - 1;
  const final = asOfView(log, lastDayOf(log.day) + 1, { candidateWeeks: s.candidateWeeks, catalog, ages, product });
  const rec = await cache.get(chosen, final);
  const everyone = Array.from({ length: log.nUsers }, (_, u) => u);
  const lists = new Int32Array(log.nUsers * K).fill(-1);
  for (let a = 0; a < everyone.length; a += 2000) {
    throwIfAborted(o.signal);
    const part = await rec(everyone.slice(a, a + 2000), K);
    part.forEach((l, j) => lists.set(l.slice(0, K), (a + j) * K));
  }
  held();
  progress('Done', stepTotal, stepTotal, 'fits');
  o.onLog?.(`submission (${pick}) ${fmt((performance.now() - t1) / 1000)}`);

  return {
    cutoffs: Int32Array.from(bt.cutoffs),
    buyers: Int32Array.from(bt.buyers),
    reference: bt.reference,
    strategies: bt.strategies.map((r) => ({
      name: r.name, baseline: r.baseline, map: r.map, mapAllCustomers: r.mapAllCustomers, ndcg: r.ndcg, hitRate: r.hitRate, coverage: r.coverage,
      vsReference: r.vsReference, weekly: Float64Array.from(r.weeks, (w) => w.map),
    })),
    importance,
    featureNames: [...FEATURE_NAMES],
    recall,
    explanation,
    submission: { strategy: pick, k: K, lists },
    seconds: { backtest: btSeconds, ranker: rankerSeconds, submission: (performance.now() - t1) / 1000 },
  };
}

function averaged(models: readonly GbdtModel[], X: Float32Array, F: number): Float64Array {
  const out = new Float64Array(X.length / F);
  for (const m of models) m.predict(X, F).forEach((x, r) => (out[r] += x / models.length));
  return out;
}
