/**
 * LightGBM's rules, which the two-stage bench holds our ranker to (same
 * candidates and features, same parameters and seeds): its random streams,
 * its binning, where it sends missing values, which cut wins a tie, and
 * whole trees. The fixtures were recorded once from LightGBM 4.7.0 (Python,
 * one thread, deterministic) on the data each test builds; the bag sizes and
 * feature draws do not depend on the data.
 */
import { describe, expect, it } from 'vitest';
import { ZERO_THRESHOLD } from './binning';
import { trainGbdt } from './index';
import type { TreeEnsemble } from './model';
import { bagger, derivedSeeds, LcgRandom } from './sampling';
import { countOf } from './split';
import { syntheticRanking } from './synthetic';

/** Each tree's splits in pre-order (root, left subtree, right subtree): [feature, threshold rounded to 1e-6]. */
function splits(m: TreeEnsemble): [number, number][][] {
  return m.trees.map((t) => {
    const out: [number, number][] = [];
    const walk = (c: number): void => {
      if (c < 0) return;
      out.push([t.splitFeature[c], Math.round(t.threshold[c] * 1e6) / 1e6]);
      walk(t.left[c]);
      walk(t.right[c]);
    };
    if (t.numLeaves > 1) walk(0);
    return out;
  });
}

describe("LightGBM's random streams", () => {
  it('is the 32-bit LCG (214013, 2531011) whose 15-bit draws from seed 1 are the C runtime rand() sequence', () => {
    const r = new LcgRandom(1);
    expect(Array.from({ length: 5 }, () => r.next15())).toEqual([41, 18467, 6334, 26500, 19169]);
  });

  it("bags the rows LightGBM bags: in-bag counts of 3,750 rows at bagging 0.5, seed 1, rounds 1-8", () => {
    const bag = bagger(3750, 0.5, derivedSeeds(1).bagging);
    const buf = new Int32Array(3750);
    // LightGBM 4.7.0: the root's internal_count of the first 8 trees (num_leaves 2, bagging_freq 1).
    expect(Array.from({ length: 8 }, () => bag(buf).length)).toEqual([1866, 1892, 1915, 1853, 1855, 1817, 1867, 1889]);
  });

  it('samples k of N features without repetition, ascending', () => {
    const r = new LcgRandom(7);
    for (const [N, K] of [[44, 35], [44, 3], [10, 10], [100, 2]]) {
      const s = r.sample(N, K);
      expect(s.length).toBe(K);
      expect(new Set(s).size).toBe(K);
      expect([...s].sort((a, b) => a - b)).toEqual(s);
      expect(s.every((j) => j >= 0 && j < N)).toBe(true);
    }
  });
});

describe("LightGBM's split rules", () => {
  it('reads a missing value as 0 on a feature that had none in training (missing type None)', () => {
    // One feature, no NaN: y = 1 exactly when x > 0.5.
    const x = Float32Array.from({ length: 200 }, (_, i) => (i % 4) / 2 - 0.25); // -0.25, 0.25, 0.75, 1.25
    const y = Float32Array.from(x, (v) => (v > 0.5 ? 1 : 0));
    const m = trainGbdt({ X: x, y, nFeatures: 1 }, { numRounds: 5, minDataInLeaf: 5 });
    const [nan, zero, high] = m.predict(new Float32Array([NaN, 0, 1.25]), 1);
    expect(nan).toBe(zero);
    expect(nan).toBeLessThan(high);
  });

  it('puts a tied cut as high as it goes: across bins left empty in the leaf, the cut next to the higher value', () => {
    // Feature 0 separates the rows first; in its left part feature 1 takes only 1 and 10, while 5 (its own
    // bin) occurs only on the right. The cuts after 1 and after 5 split the left part alike: LightGBM's scan
    // from the top keeps the cut between 5 and 10 (7.5), not the one between 1 and 5 (3). LightGBM 4.7.0
    // grows exactly this tree: feature 0 at 1e-35 (zero's bin bound), then feature 1 at 7.5.
    const rows = [
      ...Array<number[]>(40).fill([0, 1, 0]), ...Array<number[]>(40).fill([0, 10, 1]), ...Array<number[]>(10).fill([1, 5, 1]),
      ...Array<number[]>(70).fill([1, 5, 0]), ...Array<number[]>(40).fill([1, 12, 0]),
    ];
    const X = Float32Array.from(rows.flatMap(([a, b]) => [a, b]));
    const y = Float32Array.from(rows.map((r) => r[2]));
    const m = trainGbdt({ X, y, nFeatures: 2 }, { numRounds: 1, numLeaves: 3, minDataInLeaf: 5 }) as TreeEnsemble;
    expect(splits(m)).toEqual([[[0, Math.round(ZERO_THRESHOLD * 1e6) / 1e6], [1, 7.5]]]);
    const t = m.trees[0];
    const onFeature1 = Array.from(t.splitFeature).map((f, node) => (f === 1 ? t.threshold[node] : null)).filter((v) => v !== null);
    expect(onFeature1).toEqual([7.5]);
  });

  it("counts a child's rows for minDataInLeaf as LightGBM does: hessian × rows per unit of hessian, rounded", () => {
    expect(countOf(2.4, 10)).toBe(24);
    expect(countOf(0.049, 10)).toBe(0);
    expect(countOf(0.05, 10)).toBe(1);
  });
});

describe("LightGBM's trees", () => {
  const d = syntheticRanking({ queries: 40, nFeatures: 8, minGroup: 30, maxGroup: 60, missing: 0.15, seed: 11 });
  const params = { numRounds: 6, learningRate: 0.1, numLeaves: 8, minDataInLeaf: 10, featureFraction: 0.6, baggingFraction: 0.7, lambdaL2: 1, seed: 3 };

  it('grows the binary trees LightGBM grows, with bagging and feature fraction', () => {
    // LightGBM 4.7.0, objective binary, the same parameters (bagging_freq 1, max_bin 255, min_data_in_bin 3).
    const lightgbm = [
      [[0, 0.468148], [1, 0.557971], [4, 0.725], [0, 1.372766], [1, 0.436471], [3, 0.640722], [0, 1.61642]],
      [[0, 0.280881], [6, 0.821466], [4, 0.675], [0, 0.505038], [3, 0.598753], [3, 0.371365], [0, 1.348996]],
      [[1, 0.557971], [5, 0.10371], [7, 0.21014], [7, -0.803333], [7, 0.099307], [3, 0.781529], [2, 0.161851]],
      [[4, 0.775], [5, 0.639902], [5, 0.10371], [5, 0.116534], [7, -1.168774], [7, 0.147255], [3, 0.142932]],
      [[6, 0.966937], [4, 0.675], [7, 1.019605], [5, 0.505673], [7, 1.57734], [4, 0.725], [3, 0.243246]],
      [[0, 0.280881], [1, 0.557971], [0, 0.810484], [4, 0.375], [4, 0.675], [2, 0.65538], [1, 0.87403]],
    ];
    expect(splits(trainGbdt(d, { ...params, objective: 'binary' }) as TreeEnsemble)).toEqual(lightgbm);
  });

  it('grows the lambdarank trees LightGBM grows, with bagging and feature fraction', () => {
    const lightgbm = [
      [[0, 0.468148], [0, -0.204778], [1, 0.277451], [4, 0.225], [1, 0.557971], [4, 0.775], [0, 2.315844]],
      [[6, 0.794439], [0, 1.412736], [6, 0.591104], [0, -0.377082], [0, 1.348996], [3, 0.628342], [0, 0.657548]],
      [[1, 0.557971], [7, 0.944285], [1, 0.361104], [1, 0.137788], [7, -0.345432], [1, 0.230687], [1, 0.974227]],
      [[4, 0.775], [5, 0.639902], [7, 0.147255], [7, -1.110929], [3, 0.301624], [7, -0.534881], [3, 0.331832]],
      [[6, 0.809138], [3, 0.464385], [6, 0.245007], [6, 0.330359], [4, 0.775], [6, 0.852235], [7, 0.524842]],
      [[0, 0.572704], [0, -0.093688], [0, 0.020182], [1, 0.292317], [2, 0.121309], [1, 0.557971], [2, 0.173835]],
    ];
    expect(splits(trainGbdt(d, { ...params, objective: 'lambdarank' }) as TreeEnsemble)).toEqual(lightgbm);
  });
});
