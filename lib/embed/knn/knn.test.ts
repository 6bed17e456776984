import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniformArray } from '../../util/random';
import { spawnNodeCgThread } from '../../cf/wasm/node-threads';
import { compileKernel } from '../../cf/wasm/build.mjs';
import { blockedTopK, bruteForceTopK, relaxedSimdAvailable, wasmTopK, type KnnOptions, type KnnResult, type VectorSet } from './index';
import { TOPK_FMA_KERNEL_SHARED_WASM, TOPK_FMA_KERNEL_WASM, TOPK_KERNEL_SHARED_WASM, TOPK_KERNEL_WASM } from './wasm/kernel-bytes';

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
  ['wasm SIMD kernel (1 thread, plain build)', (v, o) => wasmTopK(v, { ...o, fma: false })],
  ['wasm SIMD kernel (1 thread)', (v, o) => wasmTopK(v, o)],
  ['wasm SIMD kernel (1 thread, 7-row blocks)', (v, o) => wasmTopK(v, { ...o, blockRows: 7 })],
  ['wasm SIMD kernel (2 threads)', (v, o) => wasmTopK(v, { ...o, threads: 2, spawn: spawnNodeCgThread })],
  ['wasm SIMD kernel (2 threads, plain build)', (v, o) => wasmTopK(v, { ...o, threads: 2, spawn: spawnNodeCgThread, fma: false })],
  ['wasm SIMD kernel (3 threads, 5-row blocks)', (v, o) => wasmTopK(v, { ...o, threads: 3, spawn: spawnNodeCgThread, blockRows: 5 })],
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

describe('wasmTopK on a pool of threads', () => {
  it('runs the kernel compiled from the committed topk.wat (run `node lib/cf/wasm/build.mjs` after editing it)', async () => {
    expect(Array.from((await compileKernel('local', 'topk')) as Uint8Array)).toEqual(Array.from(TOPK_KERNEL_WASM));
    expect(Array.from((await compileKernel('shared', 'topk')) as Uint8Array)).toEqual(Array.from(TOPK_KERNEL_SHARED_WASM));
    expect(Array.from((await compileKernel('local', 'topk', true)) as Uint8Array)).toEqual(Array.from(TOPK_FMA_KERNEL_WASM));
    expect(Array.from((await compileKernel('shared', 'topk', true)) as Uint8Array)).toEqual(Array.from(TOPK_FMA_KERNEL_SHARED_WASM));
  });

  /** 301 × 37 (d not a multiple of 4, n odd): rows 0..59 repeat in blocks of 3 (exact ties), the rest random. */
  function tied(): VectorSet {
    const n = 301;
    const d = 37;
    const v = fixture(n, d, 11);
    for (let i = 0; i < 60; i++) if (i % 3) v.data.copyWithin(i * d, (i - (i % 3)) * d, (i - (i % 3) + 1) * d);
    return v;
  }

  it.each([2, 3])('gives the same neighbours and scores as one thread on %i threads, ties included', async (threads) => {
    const v = tied();
    const one = await wasmTopK(v, { k: 8 });
    const many = await wasmTopK(v, { k: 8, threads, spawn: spawnNodeCgThread, blockRows: 4 });
    expect(one.threads).toBe(1);
    expect(many.threads).toBe(threads);
    expect(many.threadsNote).toBeNull();
    expect(Array.from(many.indices)).toEqual(Array.from(one.indices));
    expect(Array.from(many.scores)).toEqual(Array.from(one.scores));
  });

  it.each([
    [1, 1],
    [1, 301],
    [2, 1],
    [3, 7],
  ])('scores each pair once and merges the threads\' lists into the same result (%i threads, %i-row blocks)', async (threads, blockRows) => {
    const v = tied();
    const one = await wasmTopK(v, { k: 8, blockRows: 64 });
    const got = await wasmTopK(v, { k: 8, threads, spawn: spawnNodeCgThread, blockRows });
    expect(got.threads).toBe(threads);
    expect(Array.from(got.indices)).toEqual(Array.from(one.indices));
    expect(Array.from(got.scores)).toEqual(Array.from(one.scores));
    // s(i, j) is computed once and offered to both rows: wherever each lists the other, the scores are the same bits.
    for (let i = 0; i < v.n; i++) {
      for (let r = 0; r < 8; r++) {
        const j = got.indices[i * 8 + r];
        const back = Array.from(got.indices.subarray(j * 8, j * 8 + 8)).indexOf(i);
        if (back >= 0) expect(got.scores[j * 8 + back]).toBe(got.scores[i * 8 + r]);
      }
    }
  });

  it.skipIf(!relaxedSimdAvailable())('runs the relaxed-SIMD build where the runtime has it, the same on 1 and 3 threads', async () => {
    const v = tied();
    const one = await wasmTopK(v, { k: 8, fma: true });
    const many = await wasmTopK(v, { k: 8, fma: true, threads: 3, spawn: spawnNodeCgThread, blockRows: 4 });
    expect([one.kernel, many.kernel]).toEqual(['relaxed-simd-fma', 'relaxed-simd-fma']);
    // Opt-in only: by default the plain build runs, whose sums are the same in every runtime.
    expect((await wasmTopK(v, { k: 8 })).kernel).toBe('simd');
    expect(Array.from(many.indices)).toEqual(Array.from(one.indices));
    expect(Array.from(many.scores)).toEqual(Array.from(one.scores));
  });

  it('orders exact ties by the lower index, as the reference does', async () => {
    const v = tied();
    const got = await wasmTopK(v, { k: 4, threads: 2, spawn: spawnNodeCgThread });
    const truth = bruteForceTopK(v, { k: 4 });
    // Row 0's twins are rows 1 and 2 (score 1, tied): lower index first; row 1's are 0 and 2.
    expect(Array.from(got.indices.subarray(0, 2))).toEqual([1, 2]);
    expect(Array.from(got.indices.subarray(4, 6))).toEqual([0, 2]);
    expect(got.scores[0]).toBe(got.scores[1]);
    for (let i = 0; i < 60; i++) expect(Array.from(got.indices.subarray(i * 4, i * 4 + 2)), `row ${i}`).toEqual(Array.from(truth.indices.subarray(i * 4, i * 4 + 2)));
  });

  it('reports progress up to every row, stops when cancelled, and says when it runs on fewer threads than asked', async () => {
    const v = fixture(40, 8, 9);
    const seen: number[] = [];
    await wasmTopK(v, { k: 2, blockRows: 8, onProgress: (done) => seen.push(done) });
    // Block i scores its rows against the rows from its first on: after blocks [0, r) the share of the
    // 40·41/2 pairs done is (40r - r(r-1)/2) / 820, as rows of 40.
    expect(seen).toEqual([14, 25, 33, 38, 40]);
    const ac = new AbortController();
    ac.abort();
    await expect(wasmTopK(v, { k: 2, signal: ac.signal, threads: 2, spawn: spawnNodeCgThread })).rejects.toThrow(/cancelled/);
    const alone = await wasmTopK(v, { k: 2, threads: 2 });
    expect(alone.threads).toBe(1);
    expect(alone.threadsNote).toMatch(/2 threads requested, 1 used: no way to start threads/);
  });

  it('refuses a size beyond its 4 GiB memory before allocating, naming the sizes', async () => {
    const huge = { data: { length: 600_000 * 2048 } as unknown as Float32Array, n: 600_000, d: 2048 };
    await expect(wasmTopK(huge, { k: 10 })).rejects.toThrow(/600000 vectors × 2048 dims need 4\.\d+ GiB .*expected at most 4 GiB/);
  });
});
