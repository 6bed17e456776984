/**
 * Seeded pseudo-random numbers for the data generator and samplers. Every
 * stochastic function in lib/data takes a seed and draws from one of these.
 */

import type { Rng } from '../util/random';

export { mulberry32, type Rng } from '../util/random';

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
