import { describe, expect, it } from 'vitest';
import { csrFromCoo, transposeCsr, type Csr } from './csr';
import { mulberry32 } from '../util/random';

/** The obvious reference: a dense row × column table of sums, read out row by row. */
function denseReference(nRows: number, nCols: number, rows: ArrayLike<number>, cols: ArrayLike<number>, vals: ArrayLike<number>): Csr {
  const sums = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) {
    const key = rows[i] * nCols + cols[i];
    sums.set(key, Math.fround((sums.get(key) ?? 0) + vals[i]));
  }
  const indptr = new Int32Array(nRows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      const v = sums.get(r * nCols + c);
      if (v !== undefined) {
        indices.push(c);
        data.push(v);
      }
    }
    indptr[r + 1] = indices.length;
  }
  return { nRows, nCols, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

describe('linear-time COO → CSR', () => {
  it('matches the dense reference (duplicates summed, columns sorted) and its transpose', () => {
    const rand = mulberry32(5);
    const n = 2000;
    const rows = Int32Array.from({ length: n }, () => Math.floor(rand() * 37));
    const cols = Int32Array.from({ length: n }, () => Math.floor(rand() * 23));
    const vals = Float32Array.from({ length: n }, () => Math.floor(rand() * 4));
    const a = csrFromCoo(40, 25, rows, cols, vals);
    expect(a).toEqual(denseReference(40, 25, rows, cols, vals));
    expect(transposeCsr(a)).toEqual(denseReference(25, 40, cols, rows, vals));
    expect(csrFromCoo(40, 25, rows, cols, vals, false)).toEqual(a);
  });

  it('transposes by scatter like the COO path, empty rows and columns included, and sums repeats given by hand', () => {
    const rand = mulberry32(9);
    const n = 5000;
    const rows = Int32Array.from({ length: n }, () => Math.floor(rand() * rand() * 300));
    const cols = Int32Array.from({ length: n }, () => Math.floor(rand() * 120));
    const vals = Float32Array.from({ length: n }, () => rand());
    const a = csrFromCoo(310, 130, rows, cols, vals);
    const t = transposeCsr(a);
    expect(t).toEqual(csrFromCoo(130, 310, cols, rows, vals));
    expect(transposeCsr(t)).toEqual(a);
    // A hand-made matrix with column 1 twice in row 0 (not from csrFromCoo): the repeat is summed.
    const dup: Csr = { nRows: 2, nCols: 3, indptr: Int32Array.from([0, 2, 3]), indices: Int32Array.from([1, 1, 2]), data: Float32Array.from([1, 2, 5]) };
    expect(transposeCsr(dup)).toEqual(denseReference(3, 2, [1, 1, 2], [0, 0, 1], [1, 2, 5]));
  });

  it('counts 1 per entry without values and names a bad id', () => {
    expect(Array.from(csrFromCoo(2, 2, [0, 0, 1], [1, 1, 0]).data)).toEqual([2, 1]);
    expect(() => csrFromCoo(2, 2, [0, 2], [0, 0])).toThrow('invalid row id at entry 1: 2; expected 0..1');
  });
});
