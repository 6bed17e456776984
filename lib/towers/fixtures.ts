/**
 * A planted-structure fixture: users and items fall into hidden groups, and
 * users interact (mostly) with items of their own group, over time. A model
 * that learns the groups beats popularity and random clearly; one that does
 * not, cannot.
 */
import type { Interactions } from '../data/seed-protocol';
import { mulberry32 } from '../util/random';

export interface PlantedOptions {
  nUsers: number;
  nItems: number;
  groups: number;
  perUser: number;
  /** Share of interactions that ignore the groups (noise). */
  noise: number;
  seed: number;
}

/** Interactions with `time` = row order (a stand-in for days) and value 1. */
export function plantedInteractions(o: PlantedOptions): Interactions & { userGroup: Int32Array; itemGroup: Int32Array } {
  const r = mulberry32(o.seed);
  const userGroup = Int32Array.from({ length: o.nUsers }, (_, u) => u % o.groups);
  const itemGroup = Int32Array.from({ length: o.nItems }, (_, i) => i % o.groups);
  const user: number[] = [];
  const item: number[] = [];
  for (let t = 0; t < o.nUsers * o.perUser; t++) {
    const u = Math.floor(r() * o.nUsers);
    let i: number;
    if (r() < o.noise) i = Math.floor(r() * o.nItems);
    else {
      // An item of the user's group: group g holds items g, g + groups, g + 2·groups, ...
      const inGroup = Math.ceil((o.nItems - userGroup[u]) / o.groups);
      i = userGroup[u] + o.groups * Math.floor(r() * inGroup);
    }
    user.push(u);
    item.push(i);
  }
  return { nUsers: o.nUsers, nItems: o.nItems, user, item, time: user.map((_, t) => t), value: user.map(() => 1), userGroup, itemGroup };
}
