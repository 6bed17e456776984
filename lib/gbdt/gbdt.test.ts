/** Behaviour of the public API on tiny seeded fixtures. */
import { describe, expect, it } from 'vitest';
import { ndcgOne } from '../metrics';
import { CancelledError } from '../util/cancel';
import { mulberry32 } from '../util/random';
import { DEFAULT_GBDT_PARAMS, gbdtFromJSON, trainGbdt } from './index';
import { sliceQueries, syntheticRanking, type SyntheticRanking } from './synthetic';

/** Rank-based AUC (ties count half). */
function auc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let k = 0; k < idx.length; ) {
    let e = k;
    while (e + 1 < idx.length && scores[idx[e + 1]] === scores[idx[k]]) e++;
    for (let t = k; t <= e; t++) if (y[idx[t]] === 1) {
      pos++;
      rankSum += (k + e) / 2 + 1;
    }
    k = e + 1;
  }
  const neg = y.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean NDCG@10 over the queries with a positive, ranking each query's rows by `scores`. */
function meanNdcg(d: SyntheticRanking, scores: ArrayLike<number>): number {
  let start = 0;
  let sum = 0;
  let m = 0;
  for (const size of d.groups) {
    const rows = Array.from({ length: size }, (_, k) => start + k);
    const relevant = new Set(rows.filter((r) => d.y[r] > 0));
    if (relevant.size > 0) {
      sum += ndcgOne([...rows].sort((a, b) => scores[b] - scores[a]), relevant, 10);
      m++;
    }
    start += size;
  }
  return sum / m;
}

const all = syntheticRanking({ queries: 40, nFeatures: 10, minGroup: 20, maxGroup: 60, seed: 11 });
const train = sliceQueries(all, 0, 30);
const test = sliceQueries(all, 30, 40);
const quick = { numRounds: 30, minDataInLeaf: 10 };

describe('trainGbdt', () => {
  it('learns a learnable function (held-out AUC well above 0.5)', () => {
    const model = trainGbdt(train, { ...quick, objective: 'binary' });
    const p = model.predict(test.X, test.nFeatures);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
    expect(auc(p, test.y)).toBeGreaterThan(0.75);
  });

  it('lambdarank orders held-out queries better than a random order', () => {
    const model = trainGbdt(train, { ...quick, objective: 'lambdarank' });
    const rand = mulberry32(1);
    const random = Float64Array.from(test.y, () => rand());
    const ours = meanNdcg(test, model.predict(test.X, test.nFeatures));
    expect(ours).toBeGreaterThan(meanNdcg(test, random) + 0.15);
  });

  it('puts the most gain on an informative feature and none on absent splits', () => {
    const model = trainGbdt(train, { ...quick, objective: 'binary' });
    const gain = model.featureImportance('gain');
    const split = model.featureImportance('split');
    expect(gain.length).toBe(train.nFeatures);
    const top = gain.indexOf(Math.max(...gain));
    expect(top).toBeLessThan(7); // the first seven features carry the signal
    split.forEach((s, f) => expect(s === 0).toBe(gain[f] === 0));
  });

  it('is deterministic for a seed, and the seed matters with bagging and feature fraction', () => {
    const params = { ...quick, objective: 'binary' as const, baggingFraction: 0.7, featureFraction: 0.6 };
    const a = trainGbdt(train, { ...params, seed: 4 }).predict(test.X, test.nFeatures);
    const b = trainGbdt(train, { ...params, seed: 4 }).predict(test.X, test.nFeatures);
    const c = trainGbdt(train, { ...params, seed: 5 }).predict(test.X, test.nFeatures);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('round-trips through JSON to identical predictions', () => {
    for (const objective of ['binary', 'lambdarank'] as const) {
      const model = trainGbdt(train, { ...quick, objective });
      const back = gbdtFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(Array.from(back.predict(test.X, test.nFeatures))).toEqual(Array.from(model.predict(test.X, test.nFeatures)));
      expect(Array.from(back.featureImportance('gain'))).toEqual(Array.from(model.featureImportance('gain')));
    }
  });

  it('sends missing values to a learned side', () => {
    // y = 1 exactly where feature 0 is missing: only the missing-value routing can learn it.
    const n = 400;
    const rand = mulberry32(3);
    const X = new Float32Array(n * 2);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rand() < 0.3 ? 1 : 0;
      X[2 * i] = y[i] ? NaN : rand();
      X[2 * i + 1] = rand();
    }
    const p = trainGbdt({ X, nFeatures: 2, y }, { numRounds: 20 }).predict(X, 2);
    expect(auc(p, y)).toBe(1);
  });

  it('reports progress and stops with CancelledError when aborted', () => {
    const seen: number[] = [];
    const ctrl = new AbortController();
    const run = () =>
      trainGbdt(train, { ...quick, numRounds: 10 }, {
        signal: ctrl.signal,
        onProgress: (done, total) => {
          seen.push(done);
          expect(total).toBe(10);
          if (done === 3) ctrl.abort();
        },
      });
    expect(run).toThrow(CancelledError);
    expect(seen).toEqual([1, 2, 3]);
    expect(run).toThrow(CancelledError); // already aborted: no round runs
    expect(seen).toEqual([1, 2, 3]);
  });

  it('has LightGBM defaults', () => {
    expect(DEFAULT_GBDT_PARAMS).toMatchObject({ numRounds: 100, learningRate: 0.1, numLeaves: 31, maxDepth: -1, minDataInLeaf: 20, featureFraction: 1, baggingFraction: 1, lambdaL2: 0, maxBin: 255 });
  });
});

describe('input validation', () => {
  const X = new Float32Array(6);
  const y = new Float32Array([0, 1, 0]);
  const bad: [string, () => unknown, string][] = [
    ['numLeaves', () => trainGbdt({ X, nFeatures: 2, y }, { numLeaves: 0 }), 'invalid numLeaves: 0; expected'],
    ['learningRate', () => trainGbdt({ X, nFeatures: 2, y }, { learningRate: -1 }), 'invalid learningRate: -1'],
    ['featureFraction', () => trainGbdt({ X, nFeatures: 2, y }, { featureFraction: 1.5 }), 'invalid featureFraction: 1.5'],
    ['maxDepth', () => trainGbdt({ X, nFeatures: 2, y }, { maxDepth: 0 }), 'invalid maxDepth: 0'],
    ['unknown parameter', () => trainGbdt({ X, nFeatures: 2, y }, { numLeafs: 3 } as never), 'invalid parameter: "numLeafs"'],
    ['objective', () => trainGbdt({ X, nFeatures: 2, y }, { objective: 'regression' as never }), 'invalid objective: "regression"'],
    ['X length', () => trainGbdt({ X, nFeatures: 3, y }, {}), 'invalid X.length: 6; expected y.length × nFeatures = 3 × 3 = 9'],
    ['binary labels', () => trainGbdt({ X, nFeatures: 2, y: new Float32Array([0, 2, 1]) }, {}), 'invalid y[1]: 2; expected 0 or 1'],
    ['groups missing', () => trainGbdt({ X, nFeatures: 2, y }, { objective: 'lambdarank' }), 'invalid groups: undefined'],
    ['groups sum', () => trainGbdt({ X, nFeatures: 2, y, groups: new Int32Array([1, 1]) }, { objective: 'lambdarank' }), 'invalid groups: "sizes summing to 2"; expected sizes summing to the 3 rows'],
    ['predict width', () => trainGbdt({ X, nFeatures: 2, y }, { numRounds: 1 }).predict(X, 3), 'invalid nFeatures: 3; expected 2'],
    ['JSON format', () => gbdtFromJSON({ format: 'xgboost' }), 'invalid format: xgboost'],
    ['JSON tree', () => gbdtFromJSON({ ...(trainGbdt({ X, nFeatures: 2, y }, { numRounds: 1 }).toJSON() as object), trees: [{ numLeaves: 2, splitFeature: [5], threshold: [0], defaultLeft: [0], left: [-1], right: [-2], splitGain: [1], leafValue: [0, 0] }] }), 'invalid trees[0].splitFeature[0]: 5'],
  ];
  for (const [name, f, message] of bad) it(`names the field: ${name}`, () => expect(f).toThrow(message));
});
