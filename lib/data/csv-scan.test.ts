/** The byte walk of CSV files (csv.ts CsvScanner): its line-jumping walk equals the byte-by-byte one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvScanner } from './csv';

/** Every row start and the final state of a walk over `bytes` in chunks of `size`, stopping at `until` (absolute). */
function walk(bytes: Uint8Array, size: number, fast: boolean, until = bytes.length, stopAt = Infinity) {
  const s = new CsvScanner({ fast });
  const rows: number[][] = [];
  for (let pos = 0; pos < until; pos += size) {
    const chunk = bytes.subarray(pos, Math.min(bytes.length, pos + size));
    if (!s.scan(chunk, 0, Math.min(chunk.length, until - pos), (row, line, record) => row < stopAt && rows.push([row, line, record]) > 0)) break;
  }
  return { rows, state: { line: s.line, row: s.row, field: s.field, records: s.records, offset: s.offset, quoted: s.quoted, quoteLine: s.quoteLine, quoteField: s.quoteField, headerEnd: s.headerEnd } };
}

describe('the CSV byte walk', () => {
  it('jumping over quote-free lines changes nothing: same rows, lines, records, fields and quote state, for any chunking and stop', () => {
    const text = fc.array(fc.constantFrom('a', 'b', ',', ',', '"', '\n', '\n', '\r\n', '\r', ''), { maxLength: 200 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), fc.nat(), (t, size, stop) => {
        const bytes = new TextEncoder().encode(t);
        const until = bytes.length === 0 ? 0 : stop % (bytes.length + 1);
        expect(walk(bytes, size, true, until)).toEqual(walk(bytes, size, false, until));
        expect(walk(bytes, size, true)).toEqual(walk(bytes, 1, false));
        // Stopped at a row (as FileLines stops at the last row it wants).
        const stopAt = 1 + (stop % 5);
        expect(walk(bytes, size, true, bytes.length, stopAt)).toEqual(walk(bytes, size, false, bytes.length, stopAt));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
