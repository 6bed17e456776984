import { describe, expect, it } from 'vitest';
import type { InteractionLog } from '../data/dataset';
import { columnsToRows } from './columns';
import { expectedCounts } from './pipeline';
import { purchaseBatches, purchaseTable, sliceColumns, tableLength } from './purchases';
import { purchaseRows } from './rows';

const log: InteractionLog = {
  nUsers: 3,
  nItems: 3,
  user: Int32Array.from([2, 0, 0, 2, 0, 1]),
  item: Int32Array.from([1, 2, 2, 1, 0, 0]),
  day: Int32Array.from([18506, 18500, 18500, 18507, 18501, 18506]),
  value: Float32Array.from([0.5, 0.25, 0.75, 0.5, 0.1, 0.2]),
  userKeys: ['cust-a', 'cust-b', 'cust-c'],
  itemKeys: ['0108775015', '0108775044', '0110065001'],
};

describe('PURCHASED table', () => {
  it('folds the log into typed columns over the log’s own keys, sorted by customer and day', () => {
    const t = purchaseTable(log);
    expect(t.customers).toBe(log.userKeys);
    expect(t.products).toBe(log.itemKeys);
    expect(t.customer).toBeInstanceOf(Int32Array);
    expect(t.price).toBeInstanceOf(Float64Array);
    expect(Array.from(t.customer)).toEqual([0, 0, 1, 2, 2]);
    expect(Array.from(t.product)).toEqual([2, 0, 0, 1, 1]);
    expect(Array.from(t.day)).toEqual([18500, 18501, 18506, 18506, 18507]);
    expect(Array.from(t.quantity)).toEqual([2, 1, 1, 1, 1]);
    expect(t.price[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(t.channel)).toEqual([0, 0, 0, 0, 0]);
    expect(columnsToRows(t)).toEqual(purchaseRows(log));
  });

  it('cuts ranges whose wire batches round-trip every row once', () => {
    const t = purchaseTable(log);
    const ranges = purchaseBatches(t, 2);
    expect(ranges).toEqual([[0, 2], [2, 4], [4, 5]]);
    const decoded = ranges.flatMap(([a, b]) => columnsToRows(sliceColumns(t, a, b)));
    expect(decoded).toEqual(columnsToRows(t));
    const second = sliceColumns(t, 2, 4);
    expect(second.customers).toEqual(['cust-b', 'cust-c']);
    expect(second.customer).toEqual([0, 1]);
  });

  it('counts what the graph must hold', () => {
    const t = purchaseTable(log);
    const counts = expectedCounts({ fingerprint: 'x', rows: { products: [], customers: [{ id: 'cust-z', age: null, club_member_status: null, fashion_news_frequency: null }], purchases: t } });
    expect(counts).toEqual({ customers: 4, products: 3, purchases: tableLength(t), units: 6 });
  });
});
