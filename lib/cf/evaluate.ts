/**
 * Holdout evaluation of an ALS model with the shared metrics (lib/metrics):
 * top-K lists for the test users, scored against the items they bought in the
 * test period. Users the model cannot score (filtered out, or without training
 * interactions) get an empty list: they still count, as misses, so filters
 * cannot flatter the figures.
 */
import { evaluateRanking, type MetricReport } from '../metrics';
import { sampleIndices } from '../util/random';
import type { AlsModel } from './model';
import { CfInputError } from './types';

/** Test users with their relevant items in CSR form (crosses threads as typed arrays). */
export interface HoldoutSpec {
  users: Int32Array;
  /** relevantItems[relevantIndptr[j] .. relevantIndptr[j + 1]] belong to users[j]. */
  relevantIndptr: Int32Array;
  relevantItems: Int32Array;
}

/** Test users and relevant items from a test log's (user, item) columns; every user with a test row is included. */
export function holdoutFromPairs(user: ArrayLike<number>, item: ArrayLike<number>): HoldoutSpec {
  const byUser = new Map<number, Set<number>>();
  for (let i = 0; i < user.length; i++) {
    let s = byUser.get(user[i]);
    if (!s) byUser.set(user[i], (s = new Set()));
    s.add(item[i]);
  }
  const users = Int32Array.from([...byUser.keys()].sort((a, b) => a - b));
  const relevantIndptr = new Int32Array(users.length + 1);
  const items: number[] = [];
  users.forEach((u, j) => {
    for (const i of [...byUser.get(u)!].sort((a, b) => a - b)) items.push(i);
    relevantIndptr[j + 1] = items.length;
  });
  return { users, relevantIndptr, relevantItems: Int32Array.from(items) };
}

/**
 * At most `max` test users, drawn uniformly without replacement with a seed
 * (kept in id order); the spec itself when it is small enough. Scoring every
 * holdout customer of an H&M-sized catalogue costs users × items × k.
 */
export function sampleHoldout(spec: HoldoutSpec, max: number, seed: number): HoldoutSpec {
  if (!(Number.isInteger(max) && max >= 1)) throw new CfInputError(`invalid max: ${max}; expected a whole number ≥ 1`);
  const n = spec.users.length;
  if (n <= max) return spec;
  const picked = sampleIndices(n, max, seed);
  const relevantIndptr = new Int32Array(max + 1);
  const items: number[] = [];
  picked.forEach((j, t) => {
    for (let e = spec.relevantIndptr[j]; e < spec.relevantIndptr[j + 1]; e++) items.push(spec.relevantItems[e]);
    relevantIndptr[t + 1] = items.length;
  });
  return { users: Int32Array.from(picked, (j) => spec.users[j]), relevantIndptr, relevantItems: Int32Array.from(items) };
}

/** Relevant sets per test user, in `spec.users` order. */
export function relevantSets(spec: HoldoutSpec): Set<number>[] {
  if (spec.relevantIndptr.length !== spec.users.length + 1) {
    throw new CfInputError(`invalid relevantIndptr length: ${spec.relevantIndptr.length}; expected ${spec.users.length + 1}`);
  }
  return Array.from(spec.users, (_, j) => new Set(spec.relevantItems.subarray(spec.relevantIndptr[j], spec.relevantIndptr[j + 1])));
}

export interface AlsEvaluation {
  report: MetricReport;
  /** Test users the model could not score (they got empty lists). */
  unscorable: number;
}

/** MAP@12, NDCG@10, HitRate@10, ... of the model's top-12 lists for the test users. */
export function evaluateAls(model: AlsModel, spec: HoldoutSpec, opts: { filterAlreadyBought?: boolean; k?: number } = {}): AlsEvaluation {
  const k = opts.k ?? 12;
  let unscorable = 0;
  const lists = Array.from(spec.users, (u) => {
    if (!model.hasUser(u)) {
      unscorable++;
      return new Int32Array(0);
    }
    return model.recommend(u, k, { filterAlreadyBought: opts.filterAlreadyBought ?? true }).items;
  });
  return { report: evaluateRanking(lists, relevantSets(spec), model.nItems), unscorable };
}

/** The same metrics for the "most bought in training" list (the baseline every model must beat). */
export function evaluatePopularity(itemCounts: ArrayLike<number>, spec: HoldoutSpec, k = 12): MetricReport {
  const order = Array.from({ length: itemCounts.length }, (_, i) => i)
    .filter((i) => itemCounts[i] > 0)
    .sort((a, b) => itemCounts[b] - itemCounts[a] || a - b)
    .slice(0, k);
  const list = Int32Array.from(order);
  return evaluateRanking(Array.from(spec.users, () => list), relevantSets(spec), itemCounts.length);
}
