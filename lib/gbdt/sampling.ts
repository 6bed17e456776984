/**
 * LightGBM's random streams, so that one seed draws the same bags and the
 * same feature subsets here as in LightGBM (the bench holds our ranker to
 * LightGBM on the same data, and seed-to-seed noise would otherwise swamp
 * the comparison):
 * - the generator: a 32-bit linear congruential generator (multiplier
 *   214013, increment 2531011); 15-bit draws take bits 16..30 of the state,
 *   31-bit draws bits 0..30, a float is a 15-bit draw / 32768;
 * - the seeds: `seed` starts a generator whose first six 15-bit draws (mod
 *   32767) seed, in order, the data sample, bagging, dropout, the feature
 *   fraction, the objective and the extra trees;
 * - bagging (every round): rows in blocks of 1024, block b drawing from its
 *   own generator seeded (bagging seed + b); a row is in the bag when its
 *   block's next float is below baggingFraction;
 * - feature fraction (every tree): round(k × fraction) of the k usable
 *   features (those a split could use at all), drawn by LightGBM's sampler
 *   from one generator seeded with the feature-fraction seed, which draws
 *   once more when the learner is set up, before the first tree.
 */

/** LightGBM's generator (its Random class): same seed, same draws. */
export class LcgRandom {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0;
  }
  private step(): number {
    this.x = (Math.imul(214013, this.x) + 2531011) >>> 0;
    return this.x;
  }
  /** A 15-bit draw, 0..32767. */
  next15(): number {
    return (this.step() >>> 16) & 0x7fff;
  }
  /** A 31-bit draw, 0..2^31−1. */
  next31(): number {
    return this.step() & 0x7fffffff;
  }
  /** An integer in [lo, hi) from a 15-bit draw (modulo, as LightGBM). */
  nextShort(lo: number, hi: number): number {
    return (this.next15() % (hi - lo)) + lo;
  }
  /** An integer in [lo, hi) from a 31-bit draw. */
  nextInt(lo: number, hi: number): number {
    return (this.next31() % (hi - lo)) + lo;
  }
  /** A float in [0, 1) with 15 bits. */
  nextFloat(): number {
    return this.next15() / 32768;
  }
  /** K of 0..N−1, ascending, by LightGBM's rule (a pass with a running probability when K is large, Floyd's method when small). */
  sample(N: number, K: number): number[] {
    const out: number[] = [];
    if (K > N || K <= 0) return out;
    if (K === N) {
      for (let i = 0; i < N; i++) out.push(i);
    } else if (K > 1 && K > N / Math.log2(K)) {
      for (let i = 0; i < N; i++) if (this.nextFloat() < (K - out.length) / (N - i)) out.push(i);
    } else {
      const chosen = new Set<number>();
      for (let r = N - K; r < N; r++) {
        const v = this.nextInt(0, r);
        if (chosen.has(v)) chosen.add(r);
        else chosen.add(v);
      }
      out.push(...[...chosen].sort((a, b) => a - b));
    }
    return out;
  }
}

/** The seeds LightGBM derives from `seed`. */
export function derivedSeeds(seed: number): { dataSample: number; bagging: number; drop: number; featureFraction: number; objective: number; extra: number } {
  const r = new LcgRandom(seed);
  const next = () => r.nextShort(0, 32767);
  return { dataSample: next(), bagging: next(), drop: next(), featureFraction: next(), objective: next(), extra: next() };
}

/** Rows in blocks of this many share one bagging generator. */
export const BAGGING_BLOCK = 1024;

/** LightGBM's bagging: `draw(buf)` writes this round's in-bag rows (ascending) into `buf` and returns them. */
export function bagger(n: number, fraction: number, baggingSeed: number): (buf: Int32Array) => Int32Array {
  const blocks = Array.from({ length: Math.ceil(n / BAGGING_BLOCK) }, (_, b) => new LcgRandom(baggingSeed + b));
  return (buf) => {
    let m = 0;
    for (let i = 0; i < n; i++) if (blocks[(i / BAGGING_BLOCK) | 0].nextFloat() < fraction) buf[m++] = i;
    return buf.subarray(0, m);
  };
}

/** LightGBM's per-tree feature sampler over the `usable` features (ascending): `draw()` gives one tree's features, ascending. */
export function featureSampler(usable: Int32Array, fraction: number, featureFractionSeed: number): () => Int32Array {
  if (fraction >= 1) return () => usable;
  const r = new LcgRandom(featureFractionSeed);
  const k = Math.max(Math.min(1, usable.length), Math.floor(usable.length * fraction + 0.5));
  const draw = () => Int32Array.from(r.sample(usable.length, k), (j) => usable[j]);
  draw(); // LightGBM draws once when the learner is set up
  return draw;
}
