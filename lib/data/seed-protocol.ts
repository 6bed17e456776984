/**
 * The evaluation protocol of the seed notebooks, shared by model cells and
 * benchmarks: drop users with too few interactions, split by time (the last
 * 20% of interactions are the test period) or use a given split, drop test
 * users and items never seen in training, keep test interactions whose value
 * (rating) is at least a threshold. Ids are re-densified over the training
 * split so that "items" means items a model can recommend.
 */
import { csrFromCoo, type Csr } from './csr';
import { randomHoldoutMask } from './split';

/** Interactions as parallel arrays; `time` is any monotone unit (seconds, days). */
export interface Interactions {
  nUsers: number;
  nItems: number;
  user: ArrayLike<number>;
  item: ArrayLike<number>;
  time: ArrayLike<number>;
  value: ArrayLike<number>;
}

export interface ProtocolOptions {
  /** Users with fewer interactions (before the split) are dropped; the seed used 20. */
  minUserInteractions: number;
  /** Test interactions need value ≥ this (the seed kept ratings ≥ 4); -Infinity keeps all. */
  minTestValue: number;
}

/** A train/test split with dense ids over the training data. */
export interface ProtocolSplit {
  /** Users × items of the training split; data = number of interactions. */
  train: Csr;
  /** Training pairs in time order (repeats kept), dense ids. */
  trainUsers: Int32Array;
  trainItems: Int32Array;
  trainValues: Float32Array;
  /** Users with at least one relevant test item, and their relevant items. */
  testUsers: Int32Array;
  relevant: ReadonlySet<number>[];
  /** Original id of each dense user / item. */
  userIds: Int32Array;
  itemIds: Int32Array;
  /** Counts before and after filtering, for the report. */
  counts: { interactions: number; usersDropped: number; trainInteractions: number; testInteractions: number; coldTestDropped: number; lowValueTestDropped: number };
}

function check(name: string, ok: boolean, value: unknown, expected: string): void {
  if (!ok) throw new Error(`invalid ${name}: ${String(value)}; expected ${expected}`);
}

/**
 * Builds the split from rows already assigned to train (`isTest[r] = 0`) or
 * test (1). Throws when the training or test side ends up empty, naming the
 * option to change.
 */
export function protocolSplit(log: Interactions, isTest: Uint8Array, opts: ProtocolOptions): ProtocolSplit {
  const n = log.user.length;
  check('isTest', isTest.length === n, isTest.length, `one flag per interaction (${n})`);
  const perUser = new Int32Array(log.nUsers);
  for (let r = 0; r < n; r++) perUser[log.user[r]]++;
  const keepUser = (u: number) => perUser[u] >= opts.minUserInteractions;
  const userMap = new Int32Array(log.nUsers).fill(-1);
  const itemMap = new Int32Array(log.nItems).fill(-1);
  const userIds: number[] = [];
  const itemIds: number[] = [];
  const tu: number[] = [];
  const ti: number[] = [];
  const tv: number[] = [];
  const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => log.time[a] - log.time[b] || a - b);
  for (const r of order) {
    if (isTest[r] || !keepUser(log.user[r])) continue;
    const u = log.user[r];
    const i = log.item[r];
    if (userMap[u] < 0) userMap[u] = userIds.push(u) - 1;
    if (itemMap[i] < 0) itemMap[i] = itemIds.push(i) - 1;
    tu.push(userMap[u]);
    ti.push(itemMap[i]);
    tv.push(log.value[r]);
  }
  if (tu.length === 0) throw new Error(`invalid minUserInteractions: ${opts.minUserInteractions}; it leaves an empty training split (lower it, or move the split later)`);
  const relevant = new Map<number, Set<number>>();
  let testInteractions = 0;
  let cold = 0;
  let low = 0;
  for (let r = 0; r < n; r++) {
    if (!isTest[r] || !keepUser(log.user[r])) continue;
    const u = userMap[log.user[r]];
    const i = itemMap[log.item[r]];
    if (u < 0 || i < 0) {
      cold++;
      continue;
    }
    if (!(log.value[r] >= opts.minTestValue)) {
      low++;
      continue;
    }
    testInteractions++;
    if (!relevant.has(u)) relevant.set(u, new Set());
    relevant.get(u)!.add(i);
  }
  if (relevant.size === 0) throw new Error(`invalid minTestValue: ${opts.minTestValue}; no test user has a relevant warm item (lower it, or enlarge the test period)`);
  const testUsers = Int32Array.from([...relevant.keys()].sort((a, b) => a - b));
  const trainUsers = Int32Array.from(tu);
  const trainItems = Int32Array.from(ti);
  return {
    train: csrFromCoo(userIds.length, itemIds.length, trainUsers, trainItems),
    trainUsers,
    trainItems,
    trainValues: Float32Array.from(tv),
    testUsers,
    relevant: Array.from(testUsers, (u) => relevant.get(u)!),
    userIds: Int32Array.from(userIds),
    itemIds: Int32Array.from(itemIds),
    counts: { interactions: n, usersDropped: Array.from(perUser).filter((c) => c > 0 && c < opts.minUserInteractions).length, trainInteractions: tu.length, testInteractions, coldTestDropped: cold, lowValueTestDropped: low },
  };
}

/** The seed's time split: the last `testFraction` of interactions (by time, ties by row order) are the test period. */
export function timeSplit(log: Interactions, testFraction: number, opts: ProtocolOptions): ProtocolSplit {
  check('testFraction', testFraction > 0 && testFraction < 1, testFraction, '0 < f < 1');
  const n = log.user.length;
  const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => log.time[a] - log.time[b] || a - b);
  const isTest = new Uint8Array(n);
  const nTest = Math.round(n * testFraction);
  for (let k = n - nTest; k < n; k++) isTest[order[k]] = 1;
  return protocolSplit(log, isTest, opts);
}

/**
 * The seed's time split applied to a split's own training part: its last
 * `testFraction` (training rows are in time order) becomes a validation
 * period. Settings are tuned on this, never on the real test users. Ids of
 * the result are dense over the inner training part; `userIds`/`itemIds`
 * map them to the outer split's dense ids.
 */
export function validationSplit(split: ProtocolSplit, testFraction: number, opts: ProtocolOptions): ProtocolSplit {
  const n = split.trainUsers.length;
  const time = Int32Array.from({ length: n }, (_, r) => r);
  return timeSplit({ nUsers: split.train.nRows, nItems: split.train.nCols, user: split.trainUsers, item: split.trainItems, value: split.trainValues, time }, testFraction, opts);
}

/**
 * For logs without a usable time column (ASOS): a seeded random per-user
 * holdout (randomHoldoutMask): each user with at least `minUserInteractions`
 * (and 2) interactions holds out round(testFraction·n) of them, at least one,
 * and keeps at least one for training.
 */
export function randomUserSplit(log: Interactions, testFraction: number, opts: ProtocolOptions & { seed: number }): ProtocolSplit {
  check('testFraction', testFraction > 0 && testFraction < 1, testFraction, '0 < f < 1');
  return protocolSplit(log, randomHoldoutMask(log.user, log.nUsers, testFraction, opts.seed, opts.minUserInteractions), opts);
}

/** Split at a time: rows with time ≥ `from` (and < `until`, when given) are the test period; later rows are dropped. */
export function cutoffSplit(log: Interactions, from: number, until: number, opts: ProtocolOptions): ProtocolSplit {
  const keep: number[] = [];
  for (let r = 0; r < log.user.length; r++) if (log.time[r] < until) keep.push(r);
  const sub: Interactions = {
    nUsers: log.nUsers,
    nItems: log.nItems,
    user: keep.map((r) => log.user[r]),
    item: keep.map((r) => log.item[r]),
    time: keep.map((r) => log.time[r]),
    value: keep.map((r) => log.value[r]),
  };
  return protocolSplit(sub, Uint8Array.from(keep, (r) => (log.time[r] >= from ? 1 : 0)), opts);
}

/** The seed protocol on MovieLens 100k: ≥ 20 interactions per user, last 20% by time, test ratings ≥ 4. */
export const MOVIELENS_SEED_PROTOCOL: ProtocolOptions & { testFraction: number } = { minUserInteractions: 20, minTestValue: 4, testFraction: 0.2 };
