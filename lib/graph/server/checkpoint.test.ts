/** The load checkpoint's record of written batches, for any arrival order (load.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWritten, recordWritten, type WrittenBatches } from './load';

describe('the record of written batches', () => {
  it('after any order of arrivals, with repeats, exactly the arrived batches are recorded', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 40 }), { maxLength: 120 }), (arrivals) => {
        let w: WrittenBatches = { next: 0, done: [] };
        const seen = new Set<number>();
        for (const i of arrivals) {
          // What writeBatch decides: skip a recorded batch, write (and record) any other.
          expect(isWritten(w, i)).toBe(seen.has(i));
          w = recordWritten(w, i);
          seen.add(i);
        }
        for (let i = 0; i <= 41; i++) expect(isWritten(w, i)).toBe(seen.has(i));
        // `next` is the first batch not written (where a resumed sender starts), `done` the written ones above it.
        let first = 0;
        while (seen.has(first)) first++;
        expect(w.next).toBe(first);
        expect(w.done).toEqual([...seen].filter((i) => i > first).sort((a, b) => a - b));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a batch arriving before its predecessors does not move the resume point past them', () => {
    let w: WrittenBatches = { next: 0, done: [] };
    w = recordWritten(w, 5);
    w = recordWritten(w, 2);
    expect(w).toEqual({ next: 0, done: [2, 5] });
    w = recordWritten(w, 0);
    w = recordWritten(w, 1);
    expect(w).toEqual({ next: 3, done: [5] });
    expect(isWritten(w, 4)).toBe(false);
  });
});
