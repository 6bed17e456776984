/**
 * The one date split of the project. Day convention: `cutoff` is the first
 * test day; train = every row with day < cutoff, test = the `testDays` days
 * from the cutoff (cutoff included). `historyBefore(log, cutoff)`,
 * `popularBefore(log, cutoff, …)` and `prepareInteractions(log, { endDay: cutoff })`
 * all see exactly the train rows of this split.
 */
import type { InteractionLog } from '../../data/dataset';
import { subsetRows } from '../../data/interactions';
import { parseIsoDay } from '../../data/table';
import { RecsInputError } from '../types';

/** Train and test rows of one cutoff, both in the log's id space. */
export interface DateSplit {
  /** First test day (days since 1970-01-01, UTC). */
  cutoff: number;
  /** Test days: `[cutoff, cutoff + testDays)`. */
  testDays: number;
  /** Rows with day < cutoff. */
  train: InteractionLog;
  /** Rows with cutoff ≤ day < cutoff + testDays. */
  test: InteractionLog;
}

/** A day number from `YYYY-MM-DD` or a day number. */
export function toDay(d: string | number): number {
  const day = typeof d === 'number' ? d : parseIsoDay(d);
  if (!Number.isInteger(day)) throw new RecsInputError(`invalid day: ${d}; expected YYYY-MM-DD or a whole day number`);
  return day;
}

/** True when a row of day `day` is a training row for `cutoff`. */
export function isTrainDay(day: number, cutoff: number): boolean {
  return day < cutoff;
}

/** True when a row of day `day` is in the test window of `cutoff`. */
export function isTestDay(day: number, cutoff: number, testDays = 7): boolean {
  return day >= cutoff && day < cutoff + testDays;
}

/** Splits the log at `cutoff` (train before it, test the `testDays` days from it). */
export function dateSplit(log: InteractionLog, cutoff: string | number, testDays = 7): DateSplit {
  const c = toDay(cutoff);
  if (!(Number.isInteger(testDays) && testDays >= 1)) throw new RecsInputError(`invalid testDays: ${testDays}; expected a whole number ≥ 1`);
  const n = log.day.length;
  const train = new Uint8Array(n);
  const test = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    if (isTrainDay(log.day[r], c)) train[r] = 1;
    else if (isTestDay(log.day[r], c, testDays)) test[r] = 1;
  }
  return { cutoff: c, testDays, train: subsetRows(log, train), test: subsetRows(log, test) };
}

/** `n` consecutive weekly cutoffs starting at `first` (ascending). */
export function weeklyCutoffs(first: string | number, n = 6, stepDays = 7): number[] {
  const f = toDay(first);
  if (!(Number.isInteger(n) && n >= 1)) throw new RecsInputError(`invalid n: ${n}; expected a whole number ≥ 1`);
  return Array.from({ length: n }, (_, j) => f + j * stepDays);
}
