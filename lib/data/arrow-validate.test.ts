/**
 * The Arrow fast check against the row-level validator: on transactions whose values sit on and
 * around every limit (id bytes next to the allowed ranges, id lengths, a price of 0, channels
 * outside 1 and 2, dates at the schema's ends, non-finite numbers), in batches of every length and
 * at unaligned byte offsets, "clean" is said exactly when the validator finds no bad row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DateDay, Float64, Int32, Table, Utf8, makeData, makeVector, tableFromIPC, tableToIPC, type Vector } from 'apache-arrow';
import { arrowIsClean } from './arrow-validate';
import { arrowColumns } from './parquet';
import { HM_TRANSACTIONS } from './schema';
import { validateColumns } from './validate';

const HEX = '0123456789abcdef';
// Bytes at the edges of the allowed ranges ('/' and ':' around digits, '`' and 'g' around a-f, upper case).
const NEAR = '/:`gAF ';
const id = (length: number, alphabet: string, odd: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.constantFrom(...alphabet.split('')), { minLength: length, maxLength: length }).map((a) => a.join('')) },
    { weight: 1, arbitrary: odd },
  );
const customer = id(64, HEX, fc.oneof(fc.string({ unit: fc.constantFrom(...(HEX + NEAR).split('')), minLength: 63, maxLength: 65 }), fc.constant('')));
const article = id(10, '0123456789', fc.string({ unit: fc.constantFrom(...'0123456789/:a'.split('')), minLength: 9, maxLength: 11 }));
// 2000-01-01 is day 10957, 2099-12-31 day 47481.
const day = fc.oneof(fc.integer({ min: 18000, max: 18500 }), fc.constantFrom(10956, 10957, 47481, 47482));
const price = fc.oneof(fc.double({ min: 0.001, max: 1, noNaN: true }), fc.constantFrom(0, -0, -0.01, Number.NaN, Number.POSITIVE_INFINITY, Number.MIN_VALUE));
const channel = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.constantFrom(0, 3, -1) });
const row = fc.tuple(day, customer, article, price, channel);

function utf8(values: string[], pad: number): Vector {
  // The bytes start `pad` bytes into their buffer, so the 4-byte steps of the id check meet unaligned starts.
  const bytes = new TextEncoder().encode(' '.repeat(pad) + values.join(''));
  const offsets = new Int32Array(values.length + 1);
  let at = pad;
  offsets[0] = at;
  values.forEach((v, i) => (offsets[i + 1] = at += new TextEncoder().encode(v).length));
  return makeVector(makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: bytes }));
}

function table(rows: [number, string, string, number, number][], pad: number): Table {
  return new Table({
    t_dat: makeVector(makeData({ type: new DateDay(), length: rows.length, nullCount: 0, data: Int32Array.from(rows, (r) => r[0]) })),
    customer_id: utf8(
      rows.map((r) => r[1]),
      pad,
    ),
    article_id: utf8(
      rows.map((r) => r[2]),
      pad,
    ),
    price: makeVector(makeData({ type: new Float64(), length: rows.length, nullCount: 0, data: Float64Array.from(rows, (r) => r[3]) })),
    sales_channel_id: makeVector(makeData({ type: new Int32(), length: rows.length, nullCount: 0, data: Int32Array.from(rows, (r) => r[4]) })),
  });
}

describe('arrowIsClean', () => {
  it('says clean exactly when the row-level validator finds no bad row', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 7 }), (rows, pad) => {
        for (const t of [table(rows, pad), tableFromIPC(tableToIPC(table(rows, pad), 'stream'))]) {
          const v = validateColumns(arrowColumns(t), t.numRows, HM_TRANSACTIONS, 'x.parquet');
          expect(arrowIsClean(t, HM_TRANSACTIONS)).toBe(v.bad.count === 0);
        }
      }),
      { numRuns: 400, seed: 15 },
    );
  });

  it('holds typed dates to the schema range on both checks (a Parquet date is days since 1970, not a string)', () => {
    const ok = ['1', '2'].map((c) => c.repeat(64));
    const t = table(
      [
        [10957, ok[0], '0108775015', 0.5, 1],
        [10956, ok[1], '0108775015', 0.5, 2],
        [47482, ok[0], '0108775015', 0.5, 1],
      ],
      0,
    );
    expect(arrowIsClean(t, HM_TRANSACTIONS)).toBe(false);
    const v = validateColumns(arrowColumns(t), t.numRows, HM_TRANSACTIONS, 'x.parquet');
    expect(v.bad.examples).toEqual([
      { row: 2, column: 't_dat', expected: 'a date from 2000-01-01 to 2099-12-31', found: '"1999-12-31"' },
      { row: 3, column: 't_dat', expected: 'a date from 2000-01-01 to 2099-12-31', found: '"2100-01-01"' },
    ]);
    expect(Array.from(v.table.columns.t_dat.values as Int32Array)).toEqual([10957]);
  });
});
