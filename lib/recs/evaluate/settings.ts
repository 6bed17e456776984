/**
 * Settings of the Evaluate cell's backtest, with the ranker's defaults: the
 * ones chosen on the four July 2020 validation cutoffs of the H&M sample
 * (bench/recs' grid with LightGBM as the ranker, current candidates and
 * features, a tenth of the negatives, 3 seeds averaged: validation MAP@12
 * lambdarank 8 weeks 0.0229, binary 16 weeks 0.0219, binary 8 weeks 0.0215,
 * lambdarank 16 weeks 0.0211) before any test week was scored: lambdarank,
 * 8 training weeks, 200 rounds, depth 6, 31 leaves, learning rate 0.05.
 */
import type { GbdtParams } from '../../gbdt';
import { RecsInputError } from '../types';

/** The two-stage ranker: lib/gbdt's parameters (the seed comes from the notebook) plus the training window, the seeds averaged and the share of negatives trained on. */
export type RankerSettings = Omit<GbdtParams, 'seed'> & {
  /** Labelled weeks before each cutoff that train the ranker. */
  trainWeeks: number;
  /** Boosters trained with different seeds; their predictions are averaged. */
  seeds: number;
  /** Share of the negative candidate rows kept for training (1 = all); scoring always sees every candidate. */
  negativeRate?: number;
  /** Most training rows per cutoff (each training week keeps at most its share; lib/recs/twostage/pipeline `maxTrainRows`); absent: no cap. */
  maxTrainRows?: number;
};

/** Chosen on validation cutoffs (July 2020, H&M sample) and fixed before the test weeks. */
export const VALIDATED_RANKER: Readonly<RankerSettings> = Object.freeze({
  objective: 'lambdarank', trainWeeks: 8, seeds: 3, numRounds: 200, learningRate: 0.05, maxDepth: 6, numLeaves: 31,
  minDataInLeaf: 20, featureFraction: 0.8, baggingFraction: 0.8, lambdaL2: 1, maxBin: 255, minDataInBin: 3, negativeRate: 0.1,
});

/**
 * A ranker for the generated demo: short enough for Run all on two cores (not chosen on validation):
 * binary objective, 6 training weeks, one seed, 40 rounds at learning rate 0.1, a tenth of the negatives.
 */
export const DEMO_RANKER: Readonly<RankerSettings> = Object.freeze({ ...VALIDATED_RANKER, objective: 'binary', trainWeeks: 6, seeds: 1, numRounds: 40, learningRate: 0.1, negativeRate: 0.1 });

/**
 * The Evaluate cell's default cap on the ranker's training rows per cutoff: at the hm-scale demo's full size a cutoff's
 * 6 weeks would hold up to ~45M rows (16.6 GiB as float32 features); the generated demo, the H&M sample and the hm-scale
 * demo at share 0.05 stay far under it, so their figures do not change.
 */
export const DEFAULT_MAX_TRAIN_ROWS = 2_000_000;

/** What the backtest runs. */
export interface EvaluationSettings {
  /** Consecutive weekly test cutoffs; the last test week ends on the last day of data. */
  nCutoffs: number;
  /** Weeks before a cutoff whose articles may be recommended (the as-of pool). */
  candidateWeeks: number;
  ranker: RankerSettings;
  /** Reference of the paired differences: a strategy name, or '' for the best baseline. */
  reference: string;
  /** Strategy of the submission file: a strategy name, or '' for the best on pooled MAP@12. */
  submission: string;
  /** Customer (dense id) the explainer shows; −1: the last test week's buyer with the most purchases. */
  explainUser: number;
  /** Seeds the random strategy, the bootstrap, the seeds' hybrid fill and the boosters. */
  seed: number;
  /** Bootstrap resamples; default 1000. */
  bootstrapSamples?: number;
}

/** lib/gbdt parameters of booster j (seed derived from the notebook seed). */
export function gbdtParams(r: RankerSettings, seed: number, j: number): Partial<GbdtParams> {
  const { trainWeeks: _w, seeds: _s, negativeRate: _n, maxTrainRows: _m, ...p } = r;
  return { ...p, seed: (seed * 31 + j + 1) >>> 0 };
}

/** Checks the settings once, naming the bad field. */
export function checkSettings(s: EvaluationSettings): void {
  const whole = (name: string, v: number, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) throw new RecsInputError(`invalid ${name}: ${v}; expected a whole number ≥ ${min}`);
  };
  whole('nCutoffs', s.nCutoffs, 1);
  whole('candidateWeeks', s.candidateWeeks, 1);
  whole('ranker.trainWeeks', s.ranker.trainWeeks, 1);
  whole('ranker.seeds', s.ranker.seeds, 1);
  whole('ranker.numRounds', s.ranker.numRounds, 1);
  const rate = s.ranker.negativeRate ?? 1;
  if (!(rate > 0 && rate <= 1)) throw new RecsInputError(`invalid ranker.negativeRate: ${rate}; expected a number in (0, 1]`);
  const cap = s.ranker.maxTrainRows;
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= s.ranker.trainWeeks)) throw new RecsInputError(`invalid ranker.maxTrainRows: ${cap}; expected a whole number ≥ the training weeks (${s.ranker.trainWeeks})`);
}
