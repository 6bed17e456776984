/**
 * The WASM backend (the same kernels the browser worker uses, here in Node):
 * `tf.gather` cannot be differentiated there, and the scatter lookup can,
 * with the same gradients as the float64 reference.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { twoTowerBatches } from './batches';
import { refTwoTowerLossAndGrad, toRef } from './reference';
import { initTwoTowerWeights, TwoTowerModel } from './twotower';
import { DEFAULT_TWO_TOWER, type TwoTowerConfig, type TwoTowerData } from './types';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const data: TwoTowerData = { nUsers: 3, nItems: 5, users: Int32Array.from([0, 1, 2, 0, 1]), items: Int32Array.from([1, 2, 3, 4, 1]) };
const cfg: TwoTowerConfig = { ...DEFAULT_TWO_TOWER, dim: 4, batchSize: 5, negatives: 2, initScale: 0.5, seed: 1 };

describe('embedding lookup on the WASM backend', () => {
  it('runs on wasm', () => expect(tf.getBackend()).toBe('wasm'));

  it('plain tf.gather has no gradient on wasm (UnsortedSegmentSum is missing)', () => {
    const model = new TwoTowerModel(data, { ...cfg, lookup: 'gather' });
    const batch = twoTowerBatches(data, cfg, 0).next().value!;
    expect(() => tf.variableGrads(() => model.loss(batch), model.vars)).toThrow(/UnsortedSegmentSum/);
    model.dispose();
  });

  for (const lookup of ['scatter', 'onehot'] as const) {
    it(`the ${lookup} lookup trains on wasm with the reference gradients (duplicate ids summed)`, () => {
      const c = { ...cfg, lookup };
      const init = initTwoTowerWeights(data, c);
      const batch = twoTowerBatches(data, c, 0).next().value!;
      const ref = refTwoTowerLossAndGrad(data, c, toRef(init), batch);
      const model = new TwoTowerModel(data, c, init);
      const { value, grads } = tf.variableGrads(() => model.loss(batch), model.vars);
      expect(value.dataSync()[0]).toBeCloseTo(ref.loss, 5);
      model.vars.forEach((v, t) => {
        const g = grads[v.name].dataSync();
        ref.grads[t].forEach((x, k) => expect(Math.abs(g[k] - x)).toBeLessThan(1e-5));
      });
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    });
  }
});
