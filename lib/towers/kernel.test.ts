/**
 * Conformance of the two-tower step kernel (kernel.ts, wasm/step.wat): its loss and
 * updates against TF.js's (same model, Adam and SGD) and against the float64
 * reference, for each loss with side features, item bias and L2; training through
 * trainTwoTower on either engine; checkpoints that cross engines.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { twoTowerBatches } from './batches';
import { kernelApplies, TwoTowerKernel } from './kernel';
import { makeOptimizer } from './loop';
import { refTwoTowerLossAndGrad, toRef } from './reference';
import { initTwoTowerWeights, trainTwoTower, TwoTowerModel, type TwoTowerCheckpoint } from './twotower';
import { DEFAULT_TWO_TOWER, type TwoTowerConfig, type TwoTowerData, type TwoTowerLoss } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data: TwoTowerData = {
  nUsers: 5,
  nItems: 9,
  users: Int32Array.from([0, 1, 2, 3, 4, 0, 2, 1, 3, 4, 2]),
  items: Int32Array.from([1, 2, 3, 4, 5, 0, 1, 8, 7, 6, 6]),
  userFeatures: [{ name: 'club', codes: Int32Array.from([0, 1, 1, 0, 2]), cardinality: 3 }],
  itemFeatures: [
    { name: 'type', codes: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2]), cardinality: 3 },
    { name: 'colour', codes: Int32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]), cardinality: 2 },
  ],
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

/** dim 6 is not a multiple of 4: the kernel pads rows to 8 floats. */
const config = (loss: TwoTowerLoss, extra: Partial<TwoTowerConfig> = {}): TwoTowerConfig => ({
  ...DEFAULT_TWO_TOWER,
  dim: 6,
  batchSize: 4,
  negatives: 3,
  loss,
  l2: 0.01,
  initScale: 0.5,
  seed: 11,
  itemBias: true,
  learningRate: 0.05,
  ...extra,
});

/** Non-zero item biases, so that the scores depend on them. */
const init = (cfg: TwoTowerConfig) => initTwoTowerWeights(data, cfg).map((w) => (w.name === 'item.bias' ? { ...w, values: Float32Array.from(w.values, (_, i) => 0.2 * i - 0.5) } : w));

describe('two-tower step kernel', () => {
  it('applies to sampled negatives with engine kernel only', () => {
    expect(kernelApplies(config('bce'))).toBe(true);
    expect(kernelApplies(config('bce', { engine: 'tfjs' }))).toBe(false);
    expect(kernelApplies(config('bce', { negativeSource: 'in-batch' }))).toBe(false);
  });

  for (const loss of ['bce', 'softmax'] as TwoTowerLoss[]) {
    it(`loss and one SGD step match the float64 reference (${loss}, features, item bias, L2)`, () => {
      const cfg = config(loss, { optimizer: 'sgd' });
      const w0 = init(cfg);
      const batch = twoTowerBatches(data, cfg, 0).next().value!;
      const ref = refTwoTowerLossAndGrad(data, cfg, toRef(w0), batch);
      const kernel = new TwoTowerKernel(data, cfg, w0, cfg.batchSize);
      expect(kernel.loss(batch)).toBeCloseTo(ref.loss, 5);
      expect(kernel.step(batch)).toBeCloseTo(ref.loss, 5);
      kernel.weights().forEach((w, t) => {
        const expected = Float64Array.from(w0[t].values, (x, k) => x - cfg.learningRate * ref.grads[t][k]);
        expect(maxAbsDiff(w.values, expected)).toBeLessThan(1e-6);
      });
      // Every table moved (the gradient reached every one of them).
      kernel.weights().forEach((w, t) => expect(maxAbsDiff(w.values, w0[t].values)).toBeGreaterThan(0));
    });

    it(`five Adam steps match TF.js's Adam on the same batches (${loss})`, () => {
      const cfg = config(loss);
      const w0 = init(cfg);
      const kernel = new TwoTowerKernel(data, cfg, w0, cfg.batchSize);
      const model = new TwoTowerModel(data, { ...cfg, engine: 'tfjs' }, w0);
      const opt = makeOptimizer('adam', cfg.learningRate);
      const batches = [...twoTowerBatches(data, cfg, 0), ...twoTowerBatches(data, cfg, 1)].slice(0, 5);
      for (const b of batches) {
        const kLoss = kernel.step(b);
        const tLoss = opt.minimize(() => model.loss(b), true, model.vars)!;
        expect(kLoss).toBeCloseTo(tLoss.dataSync()[0], 5);
        tLoss.dispose();
      }
      const kw = kernel.weights();
      model.vars.forEach((v, t) => expect(maxAbsDiff(v.dataSync(), kw[t].values)).toBeLessThan(1e-5));
      opt.dispose();
      model.dispose();
    });
  }

  it('BCE stays exact where scores are large (softplus and sigmoid by polynomials in the kernel)', () => {
    const cfg = config('bce', { optimizer: 'sgd', initScale: 2.5, l2: 0 });
    const w0 = init(cfg);
    const batch = twoTowerBatches(data, cfg, 0).next().value!;
    const ref = refTwoTowerLossAndGrad(data, cfg, toRef(w0), batch);
    const kernel = new TwoTowerKernel(data, cfg, w0, cfg.batchSize);
    expect(Math.abs(kernel.step(batch) - ref.loss) / ref.loss).toBeLessThan(1e-5);
    kernel.weights().forEach((w, t) => {
      const expected = Float64Array.from(w0[t].values, (x, k) => x - cfg.learningRate * ref.grads[t][k]);
      expect(maxAbsDiff(w.values, expected)).toBeLessThan(1e-5);
    });
  });

  it('embeddings are the tower outputs TF.js computes from the same weights (bias column included)', async () => {
    const cfg = config('bce');
    const w0 = init(cfg);
    const kernel = new TwoTowerKernel(data, cfg, w0, cfg.batchSize);
    const model = new TwoTowerModel(data, cfg, w0);
    const a = kernel.embeddings();
    const b = await model.embeddings();
    expect(a.dim).toBe(b.dim);
    expect(a.biasColumn).toBe(true);
    expect(maxAbsDiff(a.users, b.users)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.items, b.items)).toBeLessThan(1e-6);
    model.dispose();
  });

  it('trainTwoTower on either engine gives the same model up to float rounding, deterministic per seed', async () => {
    const cfg = config('bce', { epochs: 4, batchSize: 3 });
    const validation = { ...data, users: data.users.subarray(0, 4), items: data.items.subarray(0, 4) };
    const k1 = await trainTwoTower(data, cfg, { validation });
    const k2 = await trainTwoTower(data, cfg, { validation });
    const t = await trainTwoTower(data, { ...cfg, engine: 'tfjs' }, { validation });
    const [w1, w2, wt] = await Promise.all([k1.model.weights(), k2.model.weights(), t.model.weights()]);
    w1.forEach((w, i) => {
      expect(Array.from(w.values)).toEqual(Array.from(w2[i].values));
      expect(maxAbsDiff(w.values, wt[i].values)).toBeLessThan(1e-4);
    });
    k1.history.forEach((h, e) => {
      expect(h.trainLoss).toBeCloseTo(t.history[e].trainLoss, 4);
      expect(h.validationLoss!).toBeCloseTo(t.history[e].validationLoss!, 4);
    });
    for (const r of [k1, k2, t]) r.model.dispose();
  });

  it('a checkpoint of either engine resumes on the other and continues the same run', async () => {
    const cfg = config('softmax', { epochs: 4, batchSize: 4 });
    for (const [from, to] of [
      ['kernel', 'tfjs'],
      ['tfjs', 'kernel'],
    ] as const) {
      const checkpoints: TwoTowerCheckpoint[] = [];
      const full = await trainTwoTower(data, { ...cfg, engine: from }, { onCheckpoint: (cp) => void checkpoints.push(cp) });
      const resumed = await trainTwoTower(data, { ...cfg, engine: to }, { resume: checkpoints[1] });
      const [a, b] = await Promise.all([full.model.weights(), resumed.model.weights()]);
      a.forEach((w, i) => expect(maxAbsDiff(w.values, b[i].values)).toBeLessThan(1e-4));
      expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
      full.model.dispose();
      resumed.model.dispose();
    }
  });

  it('rejects a batch larger than its layout', () => {
    const cfg = config('bce');
    const kernel = new TwoTowerKernel(data, cfg, init(cfg), 2);
    const batch = twoTowerBatches(data, cfg, 0).next().value!;
    expect(() => kernel.step(batch)).toThrow(/invalid batch: 4 positives; the kernel was laid out for at most 2/);
  });
});
