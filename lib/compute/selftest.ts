/**
 * A small deterministic computation used to check that a TF.js backend gives
 * the same numbers as the reference `cpu` backend: softmax(A·B) for seeded
 * n×n inputs, then row sums of squares. Uses tfjs-core ops only; the caller
 * has already chosen the backend.
 */
import type * as tfType from '@tensorflow/tfjs';
import { uniformArray } from '../util/random';

/** Returns an n-vector; identical inputs for a seed on every backend. */
export async function selfTest(tf: typeof tfType, n: number, seed: number): Promise<Float32Array> {
  if (!Number.isInteger(n) || n < 1 || n > 2048) throw new Error(`invalid n: ${n}; expected a whole number in 1..2048`);
  const out = tf.tidy(() => {
    const a = tf.tensor2d(uniformArray(n * n, seed, -1, 1), [n, n]);
    const b = tf.tensor2d(uniformArray(n * n, seed + 1, -1, 1), [n, n]);
    const p = tf.softmax(tf.matMul(a, b));
    return tf.sum(tf.square(p), 1);
  });
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}
