import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../util/random';
import { coPurchaseReference } from './copurchase';
import { basketsFrom, scoreCoPurchase } from './copurchase-bulk';
import type { PurchaseRow } from '../model';

/** Seeded purchases with many tied scores: 60 customers, 25 products, repeated rows. */
function purchases(seed: number): PurchaseRow[] {
  const rand = mulberry32(seed);
  const rows: PurchaseRow[] = [];
  for (let i = 0; i < 400; i++) {
    const c = Math.floor(rand() * 60);
    const p = Math.floor(rand() * rand() * 25);
    rows.push({ customer: `c${c}`, product: `p${String(p).padStart(2, '0')}`, t_dat: '2020-09-01', channel: 1, quantity: 1, price: 0.01 });
  }
  return rows;
}

describe('co-purchase scoring on the server (typed arrays)', () => {
  it('agrees with the plain reference, ties broken by product code', () => {
    for (const seed of [1, 2, 3]) {
      const rows = purchases(seed);
      const baskets = new Map<string, Set<string>>();
      for (const r of rows) baskets.set(r.customer, (baskets.get(r.customer) ?? new Set()).add(r.product));
      const b = basketsFrom([...baskets].map(([customer, set]) => ({ customer, products: [...set] })));
      const requested = ['c0', 'c5', 'c59', 'nobody', ...[...baskets.keys()].slice(0, 20)];
      for (const k of [1, 3, 12, 30]) {
        expect(scoreCoPurchase(b, requested, k)).toEqual(coPurchaseReference(rows, requested, k));
      }
    }
  });
});
