import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selfTest } from './selftest';

describe('selfTest', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is deterministic for a seed and bounded like a softmax', async () => {
    const a = await selfTest(tf, 16, 7);
    const b = await selfTest(tf, 16, 7);
    expect(Array.from(a)).toEqual(Array.from(b));
    // Σ p² of a probability row lies in [1/n, 1].
    for (const v of a) {
      expect(v).toBeGreaterThanOrEqual(1 / 16 - 1e-6);
      expect(v).toBeLessThanOrEqual(1 + 1e-6);
    }
    const c = await selfTest(tf, 16, 8);
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('rejects sizes it cannot run', async () => {
    await expect(selfTest(tf, 0, 1)).rejects.toThrow(/invalid n: 0/);
  });
});
