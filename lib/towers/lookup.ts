/**
 * Differentiable embedding lookup that trains on every TF.js backend. The
 * gradient of `tf.gather` is an UnsortedSegmentSum, which the WASM backend
 * does not register; `scatter` gathers rows with gatherND (fast on WASM) and gives it a
 * custom backward, a ScatterNd that sums the rows of dy into the table's
 * shape (duplicate ids add up), which WASM, WebGPU, WebGL and CPU all have.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNever } from '../util/assert';
import type { LookupMode } from './types';

/** Rows `ids` of `table` ([n, d] → [ids.length, d]), differentiable w.r.t. `table`. */
export function lookup(table: tf.Tensor2D, ids: tf.Tensor1D, mode: LookupMode): tf.Tensor2D {
  switch (mode) {
    case 'gather':
      return tf.gather(table, ids);
    case 'onehot':
      // Cast rather than ask oneHot for float32: the WASM OneHot kernel ignores the dtype and yields zeros.
      return tf.matMul(tf.cast(tf.oneHot(ids, table.shape[0]), 'float32'), table);
    case 'scatter': {
      // The ids go in as an input and are saved, because the forward pass runs
      // in its own scope and tensors it merely closes over are gone by backward.
      const f = tf.customGrad((t, idsIn, save) => {
        const tt = t as tf.Tensor2D;
        const ii = idsIn as tf.Tensor1D;
        (save as tf.GradSaveFunc)([ii]);
        return {
          // gatherND, not gather: the same rows, but TF.js WASM's Gather kernel costs ~15 ms per 10k
          // rows of 32 floats whatever the table size, GatherNd ~1 ms (it copies whole rows).
          value: tf.gatherND(tt, tf.expandDims(ii, 1)) as tf.Tensor2D,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.scatterND(tf.expandDims(saved[0], 1), dy, tt.shape), tf.zerosLike(saved[0])],
        };
      });
      return f(table, ids) as tf.Tensor2D;
    }
    default:
      return assertNever(mode, 'lookup mode');
  }
}
