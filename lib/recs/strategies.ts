/**
 * The lists every strategy of the Evaluate cell produces for the test
 * customers, all as of the split date, plus the truth (what they bought in
 * the test window) and the leak check that keeps a model trained on the test
 * window out of the comparison.
 */
import type { InteractionLog } from '../data/dataset';
import { boughtBy } from './history';
import { similarCandidates } from './neighbours';
import { sampleIndices } from '../util/random';
import { RecsInputError, type History, type ItemNeighbours } from './types';

/** Test customers (ascending ids) and the distinct items each bought in the test log. */
export function testTruth(test: InteractionLog): { users: number[]; relevant: Set<number>[] } {
  const by = new Map<number, Set<number>>();
  for (let r = 0; r < test.user.length; r++) {
    const u = test.user[r];
    if (!by.has(u)) by.set(u, new Set());
    by.get(u)!.add(test.item[r]);
  }
  const users = [...by.keys()].sort((a, b) => a - b);
  return { users, relevant: users.map((u) => by.get(u)!) };
}

/** Popularity for everyone (minus what each bought, when asked). */
export function popularityLists(popular: readonly number[], h: History, users: readonly number[], k: number, excludeBought: boolean): number[][] {
  return users.map((u) => {
    const own = excludeBought ? new Set(boughtBy(h, u)) : null;
    return popular.filter((i) => !own?.has(i)).slice(0, k);
  });
}

/** Image-similar alone: the neighbours of past purchases by best cosine (no filter, no ranking, no fill). */
export function similarLists(nb: ItemNeighbours, h: History, users: readonly number[], k: number, excludeBought: boolean): number[][] {
  return users.map((u) => {
    const bought = boughtBy(h, u);
    return similarCandidates(nb, bought, excludeBought ? new Set(bought) : undefined).items.slice(0, k);
  });
}

/** A model's own top-k per user (e.g. `AlsModel.recommend`), or [] when it cannot score the user. */
export function modelLists(users: readonly number[], recommend: (u: number) => ArrayLike<number> | null): number[][] {
  return users.map((u) => Array.from(recommend(u) ?? []));
}

/**
 * Test (user, item) pairs that a model saw in training although they do not
 * occur in the training log: the model was fitted on (part of) the test
 * window. `seen(u)` lists the model's training items of user u.
 */
export function leakedPairs(train: History, users: readonly number[], relevant: readonly ReadonlySet<number>[], seen: (u: number) => Iterable<number> | null): number {
  let leaked = 0;
  users.forEach((u, j) => {
    const s = seen(u);
    if (!s) return;
    const before = new Set(boughtBy(train, u));
    for (const i of s) if (relevant[j].has(i) && !before.has(i)) leaked++;
  });
  return leaked;
}

/**
 * At most `max` test customers, a seeded uniform sample (ascending ids) with
 * their relevant sets; all of them when there are no more than `max`.
 */
export function sampleTruth(truth: { users: number[]; relevant: Set<number>[] }, max: number, seed: number): { users: number[]; relevant: Set<number>[] } {
  if (!(Number.isInteger(max) && max >= 1)) throw new RecsInputError(`invalid max: ${max}; expected a whole number ≥ 1`);
  const n = truth.users.length;
  if (n <= max) return truth;
  const picked = sampleIndices(n, max, seed);
  return { users: picked.map((j) => truth.users[j]), relevant: picked.map((j) => truth.relevant[j]) };
}
