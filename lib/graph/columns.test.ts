import { describe, expect, it } from 'vitest';
import { checkPurchaseColumns, columnsToRows, isoToDay, purchaseColumns } from './columns';
import type { PurchaseRow } from './model';
import { purchaseBatches, sliceColumns } from './purchases';

const row = (customer: string, product: string, t_dat: string, channel = 2, quantity = 1, price = 0.02): PurchaseRow => ({
  customer, product, t_dat, channel, quantity, price,
});
const ROWS = [
  row('alice', 'P01', '2020-09-01', 2, 2),
  row('alice', 'P04', '2020-09-02'),
  row('bob', 'P01', '2020-09-01', 1),
  row('bob', 'P02', '2020-09-03', 2, 1, 0.05),
  row('carol', 'P04', '2020-08-01'),
];

describe('PURCHASED columns', () => {
  it('sends each customer and product once and round-trips the rows', () => {
    const c = purchaseColumns(ROWS);
    expect(c.customers).toEqual(['alice', 'bob', 'carol']);
    expect(c.products).toEqual(['P01', 'P04', 'P02']);
    expect(c.customer).toEqual([0, 0, 1, 1, 2]);
    expect(c.product).toEqual([0, 1, 0, 2, 1]);
    expect(c.day[0]).toBe(18506); // 2020-09-01
    expect(c.channel).toEqual([2, 2, 1, 2, 2]);
    expect(c.quantity).toEqual([2, 1, 1, 1, 1]);
    expect(columnsToRows(c)).toEqual(ROWS);
    expect(() => checkPurchaseColumns(c)).not.toThrow();
  });

  it('slices with fresh dictionaries', () => {
    const part = sliceColumns(purchaseColumns(ROWS), 2, 5);
    expect(part.customers).toEqual(['bob', 'carol']);
    expect(part.products).toEqual(['P01', 'P02', 'P04']);
    expect(columnsToRows(part)).toEqual(ROWS.slice(2));
  });

  it('names the column, the row and the bad value', () => {
    const c = purchaseColumns(ROWS);
    expect(() => checkPurchaseColumns({ ...c, customer: [0, 0, 1, 7, 2] })).toThrow('invalid purchases.customer[3]: 7; expected an integer in 0..2 (a position in purchases.customers)');
    expect(() => checkPurchaseColumns({ ...c, quantity: [1, 0, 1, 1, 1] })).toThrow('invalid purchases.quantity[1]: 0; expected an integer >= 1');
    expect(() => checkPurchaseColumns({ ...c, price: c.price.slice(1) })).toThrow('invalid purchases.price: length 4; expected 5 (length of purchases.customer)');
    expect(() => checkPurchaseColumns({ ...c, day: [1.5, 0, 0, 0, 0] })).toThrow(/invalid purchases\.day\[0\]: 1\.5/);
    expect(() => purchaseColumns([row('x', 'P01', '2020-02-30')])).toThrow('invalid t_dat: "2020-02-30"; expected a YYYY-MM-DD date');
    expect(isoToDay('1970-01-02')).toBe(1);
  });

  it('budgets batch bytes by the columns, counting a repeated customer once', () => {
    const sorted = purchaseColumns([row('a'.repeat(64), 'P01', '2020-09-01'), row('a'.repeat(64), 'P02', '2020-09-01'), row('b'.repeat(64), 'P01', '2020-09-01')]);
    // First row: keys 120 + numbers 60 + product 6 + customer 67 = 253; the second adds 60 + 6 (same
    // customer), the third 60 + 6 + 67. Two rows fit 2 + 253 + 66 bytes; the third starts a new batch.
    expect(purchaseBatches(sorted, 100, 321)).toEqual([[0, 2], [2, 3]]);
    expect(purchaseBatches(sorted, 100, 320)).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(purchaseBatches(sorted, 100, 2 + 253 + 66 + 133)).toEqual([[0, 3]]);
    expect(purchaseBatches(sorted, 2)).toEqual([[0, 2], [2, 3]]);
    // Every encoded batch stays within the budget.
    for (const [from, to] of purchaseBatches(sorted, 100, 330)) expect(JSON.stringify(sliceColumns(sorted, from, to)).length).toBeLessThanOrEqual(330);
  });
});
