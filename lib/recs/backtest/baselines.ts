/**
 * The strong simple baselines as backtest strategies: popularity, trending
 * (time-decayed, trend-weighted), repurchase, repurchase ranked by trend
 * value (Kaggle's trending notebook), popularity per age band and
 * bought-together. Every list is completed to k pool articles with the
 * view's popularity fallback.
 */
import { mulberry32 } from '../../util/random';
import { boughtBy } from '../history';
import { completeList, type AsOfView } from './asof';
import type { Strategy } from './backtest';
import { boughtTogetherCounts, boughtTogetherScores, rankPool, trendingScores, trendValues } from './signals';

/** The same list for everyone: the pool's best sellers of the last 7 days. */
export function popularityStrategy(): Strategy {
  return { name: 'popularity', baseline: true, fit: (v) => (users, k) => users.map(() => completeList(v, [], k)) };
}

/** The same list for everyone: articles by summed trend value over the last `weeks` weeks. */
export function trendingStrategy(o: { weeks?: number } = {}): Strategy {
  const weeks = o.weeks ?? 4;
  return {
    name: 'trending',
    baseline: true,
    params: { weeks },
    fit: (v) => {
      const top = rankPool(v, trendingScores(v, weeks)).slice(0, 64);
      return (users, k) => users.map(() => completeList(v, top, k));
    },
  };
}

/** Own purchases on sale, most recent first, filled with popularity. */
export function repurchaseStrategy(): Strategy {
  return { name: 'repurchase', baseline: true, fit: (v) => (users, k) => users.map((u) => completeList(v, boughtBy(v.history, u), k)) };
}

/**
 * Kaggle's "trending products" notebook: a customer's own purchases of the last `weeks` weeks
 * ranked by their summed trend value, filled with the trending list.
 */
export function repurchaseTrendingStrategy(o: { weeks?: number } = {}): Strategy {
  const weeks = o.weeks ?? 4;
  return {
    name: 'repurchase-trending',
    baseline: true,
    params: { weeks },
    fit: (v) => {
      const val = trendValues(v, weeks);
      const own = new Map<number, Map<number, number>>();
      for (let r = 0; r < val.length; r++) {
        if (!(val[r] > 0)) continue;
        const u = v.log.user[r];
        let m = own.get(u);
        if (!m) own.set(u, (m = new Map()));
        m.set(v.log.item[r], (m.get(v.log.item[r]) ?? 0) + val[r]);
      }
      const top = rankPool(v, trendingScores(v, weeks)).slice(0, 64);
      return (users, k) =>
        users.map((u) => {
          const mine = [...(own.get(u) ?? [])].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
          return completeList(v, mine, k, top);
        });
    },
  };
}

/** Age band of an age in years (−1 unknown): <25, 25–34, 35–44, 45–54, 55+. */
export function ageBand(age: number): number {
  if (!Number.isFinite(age)) return -1;
  return age < 25 ? 0 : age < 35 ? 1 : age < 45 ? 2 : age < 55 ? 3 : 4;
}

/** Best sellers of the last `weeks` weeks among customers of the same age band; unknown ages get the fallback. */
export function agePopularityStrategy(o: { weeks?: number } = {}): Strategy {
  const weeks = o.weeks ?? 4;
  return {
    name: 'age-popularity',
    baseline: true,
    params: { weeks },
    fit: (v) => {
      const ages = v.ages;
      const counts = Array.from({ length: 5 }, () => new Float64Array(v.log.nItems));
      if (ages) {
        for (let r = 0; r < v.log.day.length; r++) {
          const b = ageBand(ages[v.log.user[r]]);
          if (b >= 0 && v.log.day[r] >= v.cutoff - 7 * weeks) counts[b][v.log.item[r]]++;
        }
      }
      const lists = counts.map((c) => rankPool(v, c).filter((i) => c[i] > 0).slice(0, 64));
      return (users, k) => users.map((u) => completeList(v, ages ? (lists[ageBand(ages[u])] ?? []) : [], k));
    },
  };
}

/**
 * Bought-together neighbours (customers who bought both within `windowDays`, last `weeks` weeks)
 * of the customer's `recent` most recent purchases, by summed count; filled with popularity.
 */
export function boughtTogetherStrategy(o: { weeks?: number; windowDays?: number; recent?: number } = {}): Strategy {
  const weeks = o.weeks ?? 12;
  const windowDays = o.windowDays ?? 7;
  const recent = o.recent ?? 5;
  return {
    name: 'bought-together',
    baseline: true,
    params: { weeks, windowDays, recent },
    fit: (v) => {
      const counts = boughtTogetherCounts(v, weeks, windowDays);
      return (users, k) =>
        users.map((u) => {
          const s = boughtTogetherScores(counts, boughtBy(v.history, u).subarray(0, recent));
          return completeList(v, [...s].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((e) => e[0]), k);
        });
    },
  };
}

/** Every baseline with default settings. */
export function baselineStrategies(): Strategy[] {
  return [popularityStrategy(), trendingStrategy(), repurchaseStrategy(), repurchaseTrendingStrategy(), agePopularityStrategy(), boughtTogetherStrategy()];
}

/** A seeded random list of pool articles per customer (the floor any real strategy must beat). */
export function randomStrategy(seed = 0): Strategy {
  return {
    name: 'random',
    params: { seed },
    fit: (v: AsOfView) => (users, k) =>
      users.map((u) => {
        const rand = mulberry32((seed * 1000003 + u * 7919 + v.cutoff) >>> 0);
        const pick = [...v.poolItems];
        for (let j = 0; j < Math.min(k, pick.length); j++) {
          const r = j + Math.floor(rand() * (pick.length - j));
          [pick[j], pick[r]] = [pick[r], pick[j]];
        }
        return pick.slice(0, k);
      }),
  };
}
