/** A uniform generator on [0, 1). */
export type Rng = () => number;

/** Seeded pseudo-random numbers (mulberry32): fast, 32-bit state (period 2^32), reproducible everywhere. */
export function mulberry32(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`invalid seed: ${seed}; expected a finite number`);
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform floats in [lo, hi) from `seed`. */
export function uniformArray(n: number, seed: number, lo = 0, hi = 1): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/**
 * `max` of the indices 0..n-1, drawn uniformly without replacement with a seed (partial
 * Fisher–Yates), in ascending order. Assumes 1 ≤ max ≤ n.
 */
export function sampleIndices(n: number, max: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const order = Array.from({ length: n }, (_, j) => j);
  for (let j = 0; j < max; j++) {
    const r = j + Math.floor(rand() * (n - j));
    [order[j], order[r]] = [order[r], order[j]];
  }
  return order.slice(0, max).sort((a, b) => a - b);
}
