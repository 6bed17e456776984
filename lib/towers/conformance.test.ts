/**
 * Conformance: the TF.js fast path against the float64 reference, and the
 * reference against numerical gradients, on tiny seeded models, for every
 * loss × negative source × lookup mode.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { twoTowerBatches } from './batches';
import { initMfWeights, MfModel } from './mf';
import { refMfLossAndGrad, refTrainTwoTowerSgd, refTwoTowerLossAndGrad, toRef, type RefWeight } from './reference';
import { initTwoTowerWeights, trainTwoTower, TwoTowerModel } from './twotower';
import { DEFAULT_MF, DEFAULT_TWO_TOWER, type LookupMode, type MfConfig, type NegativeSource, type TwoTowerConfig, type TwoTowerData, type TwoTowerLoss } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny: TwoTowerData = {
  nUsers: 4,
  nItems: 6,
  users: Int32Array.from([0, 1, 2, 3, 0, 2, 1]),
  items: Int32Array.from([1, 2, 3, 4, 5, 0, 1]),
  userFeatures: [{ name: 'club', codes: Int32Array.from([0, 1, 1, 0]), cardinality: 2 }],
  itemFeatures: [{ name: 'type', codes: Int32Array.from([0, 1, 2, 0, 1, 2]), cardinality: 3 }],
};

/** Central differences of the reference loss w.r.t. every weight. */
function numericalGrads(w: RefWeight[], f: (w: RefWeight[]) => number, h = 1e-6): Float64Array[] {
  return w.map((x) =>
    Float64Array.from(x.values, (_, k) => {
      const keep = x.values[k];
      x.values[k] = keep + h;
      const up = f(w);
      x.values[k] = keep - h;
      const down = f(w);
      x.values[k] = keep;
      return (up - down) / (2 * h);
    }),
  );
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

/** Loss, negatives, and whether the item bias and the logQ correction are on. */
const cases: [TwoTowerLoss, NegativeSource, boolean][] = [
  ['bce', 'sampled', false],
  ['softmax', 'sampled', false],
  ['bce', 'in-batch', false],
  ['softmax', 'in-batch', false],
  ['bce', 'sampled', true],
  ['softmax', 'sampled', true],
  ['bce', 'in-batch', true],
  ['softmax', 'in-batch', true],
];

/** Initial weights, with a non-zero item bias so that the forward pass depends on it. */
const initWithBias = (cfg: TwoTowerConfig) =>
  initTwoTowerWeights(tiny, cfg).map((w) => (w.name === 'item.bias' ? { ...w, values: Float32Array.from(w.values, (_, i) => 0.3 * i - 0.7) } : w));

describe('two-tower gradients', () => {
  for (const [loss, negativeSource, extras] of cases) {
    const cfg: TwoTowerConfig = { ...DEFAULT_TWO_TOWER, dim: 3, batchSize: 4, negatives: 3, loss, negativeSource, l2: 0.01, initScale: 0.5, seed: 3, itemBias: extras, logQ: extras };
    const batch = twoTowerBatches(tiny, cfg, 0).next().value!;
    const label = `${loss}, ${negativeSource}${extras ? ', item bias + logQ' : ''}`;

    it(`reference matches numerical gradients (${label})`, () => {
      const w = toRef(initWithBias(cfg));
      const { grads } = refTwoTowerLossAndGrad(tiny, cfg, w, batch);
      const num = numericalGrads(w, (ww) => refTwoTowerLossAndGrad(tiny, cfg, ww, batch).loss);
      grads.forEach((g, t) => expect(maxAbsDiff(g, num[t])).toBeLessThan(1e-7));
      expect(grads.some((g) => g.some((x) => x !== 0))).toBe(true);
    });

    for (const lookup of ['scatter', 'onehot', 'gather'] as LookupMode[]) {
      it(`TF.js (${lookup}) matches the reference loss and gradients (${label})`, () => {
        const c = { ...cfg, lookup };
        const init = initWithBias(c);
        const ref = refTwoTowerLossAndGrad(tiny, c, toRef(init), batch);
        const model = new TwoTowerModel(tiny, c, init);
        const { value, grads } = tf.variableGrads(() => model.loss(batch), model.vars);
        expect(value.dataSync()[0]).toBeCloseTo(ref.loss, 5);
        model.vars.forEach((v, t) => expect(maxAbsDiff(grads[v.name].dataSync(), ref.grads[t])).toBeLessThan(1e-5));
        tf.dispose([value, ...Object.values(grads)]);
        model.dispose();
      });
    }
  }
});

describe('two-tower training conformance', () => {
  it('TF.js SGD follows the reference SGD over the same seeded batches', async () => {
    const cfg: TwoTowerConfig = { ...DEFAULT_TWO_TOWER, dim: 4, batchSize: 3, negatives: 2, optimizer: 'sgd', learningRate: 0.5, epochs: 3, initScale: 0.3, seed: 9 };
    const init = initTwoTowerWeights(tiny, cfg);
    const ref = refTrainTwoTowerSgd(tiny, cfg, init);
    const { model, history } = await trainTwoTower(tiny, cfg);
    const ws = await model.weights();
    ws.forEach((w, t) => expect(maxAbsDiff(w.values, ref.weights[t].values)).toBeLessThan(1e-4));
    history.forEach((h, e) => expect(h.trainLoss).toBeCloseTo(ref.losses[e], 4));
    model.dispose();
  });
});

describe('MF with dense towers gradients', () => {
  const cfg: MfConfig = { ...DEFAULT_MF, dim: 3, hidden: 4, seed: 5 };
  const data = { nUsers: 3, nItems: 4, users: Int32Array.from([0, 1, 2, 0]), items: Int32Array.from([1, 2, 3, 0]), targets: Float32Array.from([1, 3, 2, 5]) };
  const batch = { users: data.users, items: data.items, targets: data.targets };
  // Larger embeddings than Keras' default so that some ReLUs are active and some are not.
  const init = initMfWeights(data, cfg).map((w, t) => (t < 2 ? { ...w, values: w.values.map((x) => x * 20) } : w));

  it('reference matches numerical gradients', () => {
    const w = toRef(init);
    const { grads } = refMfLossAndGrad(cfg, w, batch);
    const num = numericalGrads(w, (ww) => refMfLossAndGrad(cfg, ww, batch).loss);
    grads.forEach((g, t) => expect(maxAbsDiff(g, num[t])).toBeLessThan(1e-6));
    expect(grads[2].some((x) => x !== 0)).toBe(true);
  });

  it('TF.js matches the reference loss and gradients', () => {
    const ref = refMfLossAndGrad(cfg, toRef(init), batch);
    const model = new MfModel(data, cfg, init);
    const { value, grads } = tf.variableGrads(() => model.loss(batch), model.vars);
    expect(value.dataSync()[0]).toBeCloseTo(ref.loss, 4);
    model.vars.forEach((v, t) => expect(maxAbsDiff(grads[v.name].dataSync(), ref.grads[t])).toBeLessThan(1e-4));
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });
});
