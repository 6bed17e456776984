/**
 * Bootstrap intervals for per-customer metrics: the mean of one strategy's
 * values, and the paired difference of two strategies scored on the same
 * customers. Resampling is by cluster (a customer who bought in several
 * test weeks is drawn with all their weeks), seeded, percentile intervals.
 */
import { mulberry32 } from '../util/random';

/** A mean with its bootstrap interval. */
export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/** better / not distinguishable / worse: where the paired difference's interval lies against zero. */
export type Verdict = 'better' | 'not distinguishable' | 'worse';

/** A paired difference (a − b) with its interval and verdict. */
export interface PairedDifference extends Interval {
  verdict: Verdict;
}

export interface BootstrapOptions {
  /** Resamples; default 2000. */
  samples?: number;
  /** Seed of the resampling; default 0. */
  seed?: number;
  /** Interval level; default 0.95. */
  level?: number;
  /** Cluster id per value (e.g. the customer); default every value its own cluster. */
  clusters?: ArrayLike<number>;
}

function clusterSums(values: readonly ArrayLike<number>[], clusters: ArrayLike<number> | undefined) {
  const n = values[0].length;
  for (const v of values) if (v.length !== n) throw new Error(`invalid values: lengths ${values.map((x) => x.length).join(', ')}; expected equal lengths`);
  if (clusters && clusters.length !== n) throw new Error(`invalid clusters length: ${clusters.length}; expected ${n}`);
  const ids = new Map<number, number>();
  const of = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const c = clusters ? clusters[j] : j;
    let id = ids.get(c);
    if (id === undefined) ids.set(c, (id = ids.size));
    of[j] = id;
  }
  const m = ids.size;
  const sums = values.map((v) => {
    const s = new Float64Array(m);
    for (let j = 0; j < n; j++) s[of[j]] += v[j];
    return s;
  });
  const counts = new Float64Array(m);
  for (let j = 0; j < n; j++) counts[of[j]]++;
  return { m, sums, counts };
}

function percentile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function check(o: BootstrapOptions) {
  const samples = o.samples ?? 2000;
  const level = o.level ?? 0.95;
  if (!(Number.isInteger(samples) && samples >= 10)) throw new Error(`invalid samples: ${samples}; expected a whole number ≥ 10`);
  if (!(level > 0 && level < 1)) throw new Error(`invalid level: ${level}; expected a number in (0, 1)`);
  return { samples, level, seed: o.seed ?? 0 };
}

/** Mean of the (a − b) values under cluster resampling; `b` null gives the mean of `a`. */
function resample(a: ArrayLike<number>, b: ArrayLike<number> | null, o: BootstrapOptions): Interval {
  const { samples, level, seed } = check(o);
  if (a.length === 0) throw new Error('invalid values: none; expected at least one value');
  const { m, sums, counts } = clusterSums(b ? [a, b] : [a], o.clusters);
  const diff = b ? sums[0].map((x, c) => x - sums[1][c]) : sums[0];
  let total = 0;
  let n = 0;
  for (let c = 0; c < m; c++) (total += diff[c]), (n += counts[c]);
  const rand = mulberry32(seed);
  const stats = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let t = 0;
    let k = 0;
    for (let j = 0; j < m; j++) {
      const c = Math.floor(rand() * m);
      t += diff[c];
      k += counts[c];
    }
    stats[s] = t / k;
  }
  stats.sort();
  const tail = (1 - level) / 2;
  return { mean: total / n, low: percentile(stats, tail), high: percentile(stats, 1 - tail) };
}

/** The mean of `values` with its percentile bootstrap interval. */
export function bootstrapMean(values: ArrayLike<number>, o: BootstrapOptions = {}): Interval {
  return resample(values, null, o);
}

/**
 * The paired difference mean(a) − mean(b) over the same units (a[j] and b[j]
 * belong to the same customer-week), with its interval and verdict.
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, o: BootstrapOptions = {}): PairedDifference {
  const r = resample(a, b, o);
  return { ...r, verdict: verdictOf(r) };
}

/** The verdict of an interval of a difference: above zero better, below worse, else not distinguishable. */
export function verdictOf(i: Pick<Interval, 'low' | 'high'>): Verdict {
  return i.low > 0 ? 'better' : i.high < 0 ? 'worse' : 'not distinguishable';
}
