/**
 * Every seeded helper of the project: the generator, stream seeds, draws and samplers. Every
 * stochastic function takes a seed and draws from one of these.
 */

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

/** Derives an independent stream seed from a base seed and a label (FNV-1a over the label). */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Integer in [0, n). */
export const randInt = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** Standard normal draw (Box–Muller). */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Pareto(alpha) draw ≥ 1: the heavy tail behind power-law popularity. */
export const pareto = (rng: Rng, alpha: number): number => Math.pow(1 - rng(), -1 / alpha);

/** Picks one element uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('invalid items: []; expected at least one element to pick from');
  return items[randInt(rng, items.length)];
}

/** Fisher–Yates shuffle in place; returns the array. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/**
 * Walker's alias table: O(1) draws from a fixed discrete distribution. Used
 * for customers (1.37M at hm-scale) where a binary search per draw adds up.
 */
export class AliasSampler {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error('invalid weights: []; expected at least one weight');
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`invalid weight at ${i}: ${w}; expected a finite number ≥ 0`);
      sum += w;
    }
    if (sum <= 0) throw new Error('invalid weights: all zero; expected a positive sum');
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / sum;
      (scaled[i] < 1 ? small : large).push(i);
    }
    while (small.length && large.length) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** One draw: an index into the weights. */
  sample(rng: Rng): number {
    const n = this.prob.length;
    const i = Math.floor(rng() * n);
    return rng() < this.prob[i] ? i : this.alias[i];
  }
}

/** Cumulative-sum sampler (binary search) for small or many short distributions. */
export class CdfSampler {
  readonly cdf: Float64Array;

  constructor(weights: ArrayLike<number>) {
    this.cdf = new Float64Array(weights.length);
    let s = 0;
    for (let i = 0; i < weights.length; i++) {
      s += weights[i];
      this.cdf[i] = s;
    }
    if (!(s > 0)) throw new Error(`invalid weights: sum ${s}; expected a positive sum`);
  }

  sample(rng: Rng): number {
    const x = rng() * this.cdf[this.cdf.length - 1];
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * Derives an independent 32-bit seed for (seed, epoch, stream): the per-epoch streams of the
 * towers trainers (shuffles, negatives, initial weights).
 */
export function epochSeed(seed: number, epoch: number, stream: number): number {
  let h = (seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const r = mulberry32(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
