import { describe, expect, it } from 'vitest';
import { csrFromCoo, transposeCsr } from '../data/csr';
import { csrFromCooLinear, transposeLinear } from './coo';
import { mulberry32 } from './linalg';

describe('linear-time COO → CSR', () => {
  it('matches csrFromCoo (duplicates summed, columns sorted) and its transpose', () => {
    const rand = mulberry32(5);
    const n = 2000;
    const rows = Int32Array.from({ length: n }, () => Math.floor(rand() * 37));
    const cols = Int32Array.from({ length: n }, () => Math.floor(rand() * 23));
    const vals = Float32Array.from({ length: n }, () => Math.floor(rand() * 4));
    const a = csrFromCooLinear(40, 25, rows, cols, vals);
    const b = csrFromCoo(40, 25, rows, cols, vals);
    expect(a).toEqual(b);
    expect(transposeLinear(a)).toEqual(transposeCsr(b));
  });
});
