/**
 * Input checks and the seeded batch plan shared by the TF.js and reference
 * trainers: the same seed gives the same shuffles and negatives everywhere.
 */
import { epochSeed, mulberry32, permutation } from '../util/random';
import { TowersInputError, type CategoricalFeature, type MfConfig, type MfData, type TwoTowerConfig, type TwoTowerData } from './types';

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new TowersInputError(name, `invalid ${name}: ${v}; expected a whole number ≥ ${min}`);
}

function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new TowersInputError(name, `invalid ${name}: ${v}; expected a finite number > 0`);
}

function checkIds(name: string, ids: Int32Array, n: number): void {
  for (let k = 0; k < ids.length; k++) {
    if (ids[k] < 0 || ids[k] >= n) throw new TowersInputError(name, `invalid ${name}[${k}]: ${ids[k]}; expected 0..${n - 1}`);
  }
}

function checkFeatures(side: 'userFeatures' | 'itemFeatures', fs: readonly CategoricalFeature[] | undefined, n: number): void {
  for (const f of fs ?? []) {
    const name = `${side}.${f.name}`;
    if (f.codes.length !== n) throw new TowersInputError(name, `invalid ${name}: ${f.codes.length} codes; expected one per row (${n})`);
    checkInt(`${name}.cardinality`, f.cardinality, 1);
    checkIds(`${name}.codes`, f.codes, f.cardinality);
  }
}

/** Validates two-tower data and settings once, at entry; throws TowersInputError naming the parameter. */
export function validateTwoTower(data: TwoTowerData, cfg: TwoTowerConfig): void {
  checkInt('nUsers', data.nUsers, 1);
  checkInt('nItems', data.nItems, 1);
  checkInt('dim', cfg.dim, 1);
  checkInt('epochs', cfg.epochs, 1);
  checkInt('batchSize', cfg.batchSize, 1);
  checkPositive('learningRate', cfg.learningRate);
  checkPositive('initScale', cfg.initScale);
  if (!(cfg.l2 >= 0 && Number.isFinite(cfg.l2))) throw new TowersInputError('l2', `invalid l2: ${cfg.l2}; expected a finite number ≥ 0`);
  if (data.users.length !== data.items.length) {
    throw new TowersInputError('items', `invalid items: ${data.items.length} entries for ${data.users.length} users; expected equal lengths`);
  }
  if (data.users.length === 0) {
    throw new TowersInputError('positives', 'invalid positives: 0 positive pairs; expected at least one user with a positive interaction', 'widen the training data (e.g. lower the minimum rating or the minimum count per user)');
  }
  if (cfg.negativeSource === 'sampled') {
    checkInt('negatives', cfg.negatives, 1);
    if (cfg.negatives >= data.nItems) {
      throw new TowersInputError('negatives', `invalid negatives: ${cfg.negatives}; expected fewer than the number of items (${data.nItems})`, `set negatives to at most ${data.nItems - 1}`);
    }
  } else if (cfg.batchSize < 2) {
    throw new TowersInputError('batchSize', `invalid batchSize: ${cfg.batchSize}; expected at least 2 with in-batch negatives`);
  }
  checkIds('users', data.users, data.nUsers);
  checkIds('items', data.items, data.nItems);
  checkFeatures('userFeatures', data.userFeatures, data.nUsers);
  checkFeatures('itemFeatures', data.itemFeatures, data.nItems);
}

/** Validates MF data and settings; throws TowersInputError naming the parameter. */
export function validateMf(data: MfData, cfg: MfConfig): void {
  checkInt('nUsers', data.nUsers, 1);
  checkInt('nItems', data.nItems, 1);
  checkInt('dim', cfg.dim, 1);
  checkInt('hidden', cfg.hidden, 1);
  checkInt('epochs', cfg.epochs, 1);
  checkInt('batchSize', cfg.batchSize, 1);
  checkPositive('learningRate', cfg.learningRate);
  const n = data.users.length;
  if (data.items.length !== n || data.targets.length !== n) {
    throw new TowersInputError('targets', `invalid targets: ${data.targets.length} targets, ${data.items.length} items, ${n} users; expected equal lengths`);
  }
  if (!(cfg.validationFraction >= 0 && cfg.validationFraction < 1)) {
    throw new TowersInputError('validationFraction', `invalid validationFraction: ${cfg.validationFraction}; expected 0 ≤ v < 1`);
  }
  const nVal = Math.round(n * cfg.validationFraction);
  if (n - nVal < 1) throw new TowersInputError('targets', `invalid targets: ${n} rows leave an empty training split; expected at least one training row`);
  if (cfg.validationFraction > 0 && nVal < 1) {
    throw new TowersInputError('validationFraction', `invalid validationFraction: ${cfg.validationFraction} of ${n} rows is an empty validation split; expected a larger fraction or more rows (or 0 for none)`);
  }
  checkIds('users', data.users, data.nUsers);
  checkIds('items', data.items, data.nItems);
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(data.targets[k])) throw new TowersInputError('targets', `invalid targets[${k}]: ${data.targets[k]}; expected a finite number`);
  }
}

/** One step's examples: B positives and, for sampled negatives, B×N negative items (row-major). */
export interface TwoTowerBatch {
  users: Int32Array;
  pos: Int32Array;
  /** Empty for in-batch negatives. */
  neg: Int32Array;
}

/**
 * The batches of one epoch: positives in a seeded shuffled order, and N
 * uniform random negatives per positive (never the positive item itself).
 */
export function* twoTowerBatches(data: TwoTowerData, cfg: TwoTowerConfig, epoch: number): Generator<TwoTowerBatch> {
  const n = data.users.length;
  const order = permutation(n, epochSeed(cfg.seed, epoch, 1));
  const rand = mulberry32(epochSeed(cfg.seed, epoch, 2));
  const nNeg = cfg.negativeSource === 'sampled' ? cfg.negatives : 0;
  const { users: allUsers, items: allItems } = data;
  const range = data.nItems - 1;
  for (let start = 0; start < n; start += cfg.batchSize) {
    const b = Math.min(cfg.batchSize, n - start);
    const users = new Int32Array(b);
    const pos = new Int32Array(b);
    const neg = new Int32Array(b * nNeg);
    let q = 0;
    for (let k = 0; k < b; k++) {
      const e = order[start + k];
      const p = allItems[e];
      users[k] = allUsers[e];
      pos[k] = p;
      for (let j = 0; j < nNeg; j++) {
        // Uniform over the other nItems - 1 items: draw from a range one shorter and skip the positive.
        const it = Math.floor(rand() * range);
        neg[q++] = it >= p ? it + 1 : it;
      }
    }
    yield { users, pos, neg };
  }
}

/** log(share of each item among the positives): the logQ correction of in-batch negatives. */
export function logItemShare(data: TwoTowerData): Float32Array {
  const counts = new Float32Array(data.nItems);
  for (const i of data.items) counts[i]++;
  // Items without positives never appear as in-batch negatives; any finite value does.
  return counts.map((c) => Math.log(Math.max(c, 1) / data.items.length));
}

/** Number of steps per epoch. */
export const stepsPerEpoch = (nExamples: number, batchSize: number): number => Math.ceil(nExamples / batchSize);

/** Seeded train/validation split of row indices (validation = the first ⌊fraction·n⌉ of a permutation). */
export function splitRows(n: number, fraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const p = permutation(n, epochSeed(seed, -1, 3));
  const nVal = Math.round(n * fraction);
  return { validation: p.slice(0, nVal).sort(), train: p.slice(nVal).sort() };
}
