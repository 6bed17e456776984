/**
 * A small seeded synthetic shop for the backtest tests: customers who rebuy
 * their own favourites (planted repeat purchases), a few best sellers, and
 * one article first sold on a chosen day (so a peeking strategy can be caught).
 */
import type { InteractionLog } from '../../data/dataset';
import { buildInteractionLog } from '../../data/interactions';
import { mulberry32 } from '../../util/random';

export interface ShopOptions {
  customers?: number;
  items?: number;
  /** First and last day (inclusive). */
  firstDay?: number;
  lastDay?: number;
  /** Article 0 is first sold on this day (a "new arrival"); default lastDay − 3. */
  newArrivalDay?: number;
  seed?: number;
}

/** The synthetic log; item keys are 10-digit H&M-like ids (two colours per product). */
export function syntheticShop(o: ShopOptions = {}): InteractionLog {
  const nc = o.customers ?? 80;
  const ni = o.items ?? 60;
  const first = o.firstDay ?? 0;
  const last = o.lastDay ?? 69;
  const arrival = o.newArrivalDay ?? last - 3;
  const rand = mulberry32(o.seed ?? 7);
  const favourites = Array.from({ length: nc }, () => [1 + Math.floor(rand() * (ni - 1)), 1 + Math.floor(rand() * (ni - 1))]);
  const user: string[] = [];
  const item: string[] = [];
  const day: number[] = [];
  const key = (i: number) => `0${String(100000 + (i >> 1)).padStart(6, '0')}00${i & 1}`;
  for (let d = first; d <= last; d++) {
    for (let c = 0; c < nc; c++) {
      if (rand() > 0.12) continue;
      const r = rand();
      // Repeat purchases of own favourites, best sellers (items 1-4), or anything.
      let i = r < 0.5 ? favourites[c][rand() < 0.5 ? 0 : 1] : r < 0.75 ? 1 + Math.floor(rand() * 4) : 1 + Math.floor(rand() * (ni - 1));
      if (d >= arrival && rand() < 0.4) i = 0;
      user.push(`c${c}`);
      item.push(key(i));
      day.push(d);
    }
  }
  return buildInteractionLog({ user, item, day });
}
