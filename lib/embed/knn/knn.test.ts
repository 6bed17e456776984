import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniformArray } from '../../util/random';
import { blockedTopK, bruteForceTopK, type KnnOptions, type KnnResult, type VectorSet } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Seeded vectors with planted near-duplicates so neighbours are meaningful. */
function fixture(n: number, d: number, seed: number): VectorSet {
  const data = uniformArray(n * d, seed, -1, 1);
  for (let i = 1; i < n; i += 3) for (let t = 0; t < d; t++) data[i * d + t] = data[(i - 1) * d + t] + 0.1 * data[i * d + t];
  return { data, n, d };
}

type Impl = (v: VectorSet, o: KnnOptions) => Promise<KnnResult>;
const impls: [string, Impl][] = [
  ['reference', async (v, o) => bruteForceTopK(v, o)],
  ['blocked (tfjs cpu, 7-row blocks)', (v, o) => blockedTopK(tf, v, { ...o, blockRows: 7 })],
  ['blocked (tfjs cpu, default blocks)', (v, o) => blockedTopK(tf, v, o)],
];

describe.each(impls)('top-k cosine contract: %s', (_name, run) => {
  const v = fixture(53, 12, 5);
  const truth = bruteForceTopK(v, { k: 6 });

  it('equals brute force (scores within 1e-5; indices wherever scores are not tied)', async () => {
    const got = await run(v, { k: 6 });
    expect(got.k).toBe(6);
    expect(got.indices.length).toBe(53 * 6);
    for (let i = 0; i < got.scores.length; i++) expect(Math.abs(got.scores[i] - truth.scores[i])).toBeLessThan(1e-5);
    for (let i = 0; i < 53; i++) {
      for (let r = 0; r < 6; r++) {
        const p = i * 6 + r;
        const tiedBefore = r > 0 && truth.scores[p - 1] - truth.scores[p] < 1e-5;
        const tiedAfter = r < 5 && truth.scores[p] - truth.scores[p + 1] < 1e-5;
        if (!tiedBefore && !tiedAfter) expect(got.indices[p]).toBe(truth.indices[p]);
      }
    }
  });

  it('leaves each row out of its own list, sorted best first, and finds the planted twin', async () => {
    const got = await run(v, { k: 3 });
    for (let i = 0; i < 53; i++) {
      const row = Array.from(got.indices.subarray(i * 3, i * 3 + 3));
      expect(row).not.toContain(i);
      expect(got.scores[i * 3]).toBeGreaterThanOrEqual(got.scores[i * 3 + 1]);
      if (i % 3 === 1) expect(row[0]).toBe(i - 1);
    }
  });

  it('includes self when asked', async () => {
    const got = await run(v, { k: 2, excludeSelf: false });
    for (let i = 0; i < 53; i++) {
      expect(got.indices[i * 2]).toBe(i);
      expect(got.scores[i * 2]).toBeCloseTo(1, 5);
    }
  });

  it('validates input, naming the field', async () => {
    await expect(run(v, { k: 53 })).rejects.toThrow(/invalid k: 53; expected a whole number in 1..52/);
    const zero = { data: new Float32Array(6), n: 3, d: 2 };
    await expect(run(zero, { k: 1 })).rejects.toThrow(/invalid vector at row 0: norm 0/);
    await expect(run({ data: new Float32Array(5), n: 3, d: 2 }, { k: 1 })).rejects.toThrow(/invalid data length: 5/);
  });
});

describe('blockedTopK', () => {
  it('reports progress per block and stops when cancelled', async () => {
    const v = fixture(20, 4, 9);
    const seen: number[] = [];
    await blockedTopK(tf, v, { k: 2, blockRows: 8, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([8, 16, 20]);
    const ac = new AbortController();
    ac.abort();
    await expect(blockedTopK(tf, v, { k: 2, signal: ac.signal })).rejects.toThrow(/cancelled/);
  });
});
