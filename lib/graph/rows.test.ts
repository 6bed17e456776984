import { describe, expect, it } from 'vitest';
import type { CustomerTable, InteractionLog, ItemCatalog } from '../data/dataset';
import { chunkRows, customerRows, dayToIso, hmProductCode, productRows, purchaseRows } from './rows';

const day = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;

const log: InteractionLog = {
  nUsers: 2,
  nItems: 2,
  // u0 buys i1 twice on one day (two units), once more on another day; u1 buys i0 on channel 1 and 2.
  user: Int32Array.from([0, 1, 0, 0, 1]),
  item: Int32Array.from([1, 0, 1, 1, 0]),
  day: Int32Array.from([day('2020-09-01'), day('2020-09-01'), day('2020-09-01'), day('2020-09-03'), day('2020-09-01')]),
  value: Float32Array.from([0.01, 0.05, 0.03, 0.02, 0.05]),
  userKeys: ['cust-a', 'cust-b'],
  itemKeys: ['0108775015', '0108775044'],
};

describe('graph rows', () => {
  it('folds identical purchase rows into one relationship with a quantity', () => {
    const rows = purchaseRows(log, [2, 1, 2, 2, 2]);
    expect(rows).toEqual([
      { customer: 'cust-a', product: '0108775044', t_dat: '2020-09-01', channel: 2, quantity: 2, price: expect.closeTo(0.02, 6) },
      { customer: 'cust-a', product: '0108775044', t_dat: '2020-09-03', channel: 2, quantity: 1, price: expect.closeTo(0.02, 6) },
      { customer: 'cust-b', product: '0108775015', t_dat: '2020-09-01', channel: 1, quantity: 1, price: expect.closeTo(0.05, 6) },
      { customer: 'cust-b', product: '0108775015', t_dat: '2020-09-01', channel: 2, quantity: 1, price: expect.closeTo(0.05, 6) },
    ]);
    expect(rows.reduce((s, r) => s + r.quantity, 0)).toBe(log.user.length);
    // The log's own channel (the Data cell's sales_channel_id) is the default.
    expect(purchaseRows({ ...log, channel: Uint8Array.from([2, 1, 2, 2, 2]) })).toEqual(rows);
    // Without channels every row has channel 0 and cust-b's two rows fold into one.
    const noChannel = purchaseRows(log);
    expect(noChannel.map((r) => [r.customer, r.channel, r.quantity])).toEqual([
      ['cust-a', 0, 2], ['cust-a', 0, 1], ['cust-b', 0, 2],
    ]);
  });

  it('rejects malformed logs naming the field', () => {
    expect(() => purchaseRows({ ...log, item: Int32Array.from([0]) })).toThrow(/invalid interactions.item: length 1; expected 5/);
    expect(() => purchaseRows({ ...log, user: Int32Array.from([0, 1, 0, 0, 7]) })).toThrow(/invalid interactions.user\[4\]: 7/);
    expect(() => purchaseRows(log, [1])).toThrow(/invalid channel: length 1/);
  });

  it('builds product and customer rows', () => {
    const catalog: ItemCatalog = {
      keys: ['0108775015', 'X1'], name: ['Strap top', null], productType: ['Vest top', null], productGroup: ['Garment Upper body', null],
      department: ['Jersey Basic', null], index: ['Ladieswear', null], indexGroup: ['Ladieswear', null], colourGroup: ['Black', null],
      graphicalAppearance: ['Solid', null], imageUrl: [null, null],
    };
    const products = productRows(catalog);
    expect(products[0]).toEqual({
      code: '0108775015', name: 'Strap top', product_code: '0108775', appearance: 'Solid', department: 'Jersey Basic', index: 'Ladieswear',
      index_group: 'Ladieswear', product_type: 'Vest top', product_group: 'Garment Upper body', section: null, garment_group: null, colour: 'Black',
    });
    expect(products[1].product_code).toBeNull();
    // Section and garment group come from the catalogue when it has them (H&M and the demo do).
    const withHierarchy = productRows({ ...catalog, section: ['Womens Everyday Basics', null], garmentGroup: ['Jersey Basic', null] });
    expect(withHierarchy[0]).toMatchObject({ section: 'Womens Everyday Basics', garment_group: 'Jersey Basic' });
    expect(withHierarchy[1]).toMatchObject({ section: null, garment_group: null });
    expect(() => productRows({ ...catalog, section: ['x'] })).toThrow('invalid catalog.section: length 1; expected 2 (catalog.keys.length)');
    expect(hmProductCode('0108775015')).toBe('0108775');
    const customers: CustomerTable = { keys: ['a', 'b'], age: Float32Array.from([30, NaN]), clubMemberStatus: ['ACTIVE', null], fashionNewsFrequency: [null, 'NONE'] };
    expect(customerRows(customers)).toEqual([
      { id: 'a', age: 30, club_member_status: 'ACTIVE', fashion_news_frequency: null },
      { id: 'b', age: null, club_member_status: null, fashion_news_frequency: 'NONE' },
    ]);
    expect(dayToIso(day('2019-12-31'))).toBe('2019-12-31');
  });

  it('cuts batches by rows and by JSON bytes', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ i, pad: 'x'.repeat(20) }));
    expect(chunkRows(rows, 4).map((b) => b.length)).toEqual([4, 4, 2]);
    const each = JSON.stringify(rows[0]).length + 1;
    const byBytes = chunkRows(rows, 100, 2 + each * 3);
    expect(byBytes.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    for (const b of byBytes) expect(JSON.stringify(b).length).toBeLessThanOrEqual(2 + each * 3);
    expect(chunkRows([], 5)).toEqual([]);
    expect(() => chunkRows(rows, 0)).toThrow(/invalid maxRows: 0/);
  });
});
