/**
 * ResNet50V2 for inference: the weights of a loaded `buildResNet50V2` model,
 * rearranged once at load time into fewer, fused ops, run as a plain function
 * of TF.js ops (no LayersModel on the hot path).
 *
 * - Every BatchNormalization that directly follows a convolution is folded
 *   into it: inside each bottleneck `_1_conv → _1_bn → relu` and
 *   `_2_conv → _2_bn → relu` become one convolution with bias and fused ReLU
 *   (kernel × s per output channel, bias (b − mean)·s + beta, with
 *   s = gamma / sqrt(variance + epsilon)). 32 of the 49 BNs.
 * - The other 17 (each block's `preact_bn` and the final `post_bn`) follow an
 *   add (or the stem's max pool), and a ReLU sits between them and the next
 *   convolution, so no weight can absorb them. Each becomes a 1x1 depthwise
 *   convolution with bias and fused ReLU (a per-channel multiply-add and clamp,
 *   one pass over the tensor) instead of a BatchNorm pass plus a ReLU pass.
 * - The ZeroPadding2D before each 3x3 and the stem's 7x7 becomes the
 *   convolution's own padding (same zeros, no padded copy). `pool1_pad` stays:
 *   a zero-padded max pool differs from a max pool that ignores the border.
 *
 * Float32 throughout; only the rounding of the folded products differs from
 * the layers model (see resnet50v2-folded.test.ts for the measured gap).
 */
import type * as tfType from '@tensorflow/tfjs';
import { RESNET50V2_BLOCKS } from './resnet50v2';

type Tf = typeof tfType;
type T4 = tfType.Tensor4D;

/** A convolution with its (folded) bias and fused activation. */
interface ConvOp {
  kernel: T4;
  bias: tfType.Tensor1D;
  stride: number;
  pad: number;
  relu: boolean;
}

/** A BatchNormalization + ReLU as a 1x1 depthwise convolution: relu(x·scale + shift). */
interface ScaleShiftRelu {
  filter: T4;
  bias: tfType.Tensor1D;
}

/** The folded network. */
export interface FoldedResNet50V2 {
  /** [batch, size, size, 3] → [batch, 2048] (the layers model's `avg_pool`). */
  predict(x: T4): tfType.Tensor2D;
  /** The BatchNormalization layers folded into the convolution before them. */
  folded: string[];
  /** The ones kept, each fused with its ReLU into one per-channel multiply-add. */
  fusedWithRelu: string[];
  dispose(): void;
}

/**
 * Folds `model` (from buildResNet50V2 with `pooling` on, weights loaded).
 * The model is left as it was; dispose it when only the folded one is needed.
 * Async because the BN statistics and biases are read back (WebGPU has no cheap sync read).
 */
export async function foldResNet50V2(tf: Tf, model: tfType.LayersModel): Promise<FoldedResNet50V2> {
  // Every BN's [gamma, beta, mean, variance] and every conv bias, read once.
  const values = new Map<string, Float32Array[]>();
  for (const l of model.layers) {
    const cls = l.getClassName();
    if (cls !== 'BatchNormalization' && cls !== 'Conv2D') continue;
    const ws = l.getWeights();
    values.set(l.name, await Promise.all((cls === 'Conv2D' ? ws.slice(1) : ws).map(async (w) => (await w.data()) as Float32Array)));
  }
  const owned: tfType.Tensor[] = [];
  const keep = <T extends tfType.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const folded: string[] = [];
  const fusedWithRelu: string[] = [];

  /** s = gamma / sqrt(var + eps) and shift = beta − mean·s per channel, in float64. */
  const affine = (bnName: string) => {
    const layer = model.getLayer(bnName);
    const eps = (layer.getConfig() as { epsilon: number }).epsilon;
    const [gamma, beta, mean, variance] = values.get(bnName)!;
    const s = new Float64Array(gamma.length);
    const shift = new Float64Array(gamma.length);
    for (let c = 0; c < s.length; c++) {
      s[c] = gamma[c] / Math.sqrt(variance[c] + eps);
      shift[c] = beta[c] - mean[c] * s[c];
    }
    return { s, shift };
  };

  const conv = (convName: string, opts: { stride?: number; pad?: number; bn?: string }): ConvOp => {
    const weights = model.getLayer(convName).getWeights();
    const kernel = weights[0] as T4;
    const out = kernel.shape[3];
    const bias = values.get(convName)![0] ?? new Float32Array(out);
    const op = { stride: opts.stride ?? 1, pad: opts.pad ?? 0, relu: !!opts.bn };
    if (!opts.bn) return { ...op, kernel: keep(tf.clone(kernel)), bias: keep(tf.tensor1d(bias)) };
    const { s, shift } = affine(opts.bn);
    folded.push(opts.bn);
    const b = new Float32Array(out);
    for (let c = 0; c < out; c++) b[c] = bias[c] * s[c] + shift[c];
    return { ...op, kernel: keep(tf.tidy(() => tf.mul(kernel, tf.tensor1d(Float32Array.from(s))))), bias: keep(tf.tensor1d(b)) };
  };

  const scaleShiftRelu = (bnName: string): ScaleShiftRelu => {
    const { s, shift } = affine(bnName);
    fusedWithRelu.push(bnName);
    return { filter: keep(tf.tensor4d(Float32Array.from(s), [1, 1, s.length, 1])), bias: keep(tf.tensor1d(Float32Array.from(shift))) };
  };

  let plan;
  try {
    plan = {
      stem: conv('conv1_conv', { stride: 2, pad: 3 }),
      blocks: RESNET50V2_BLOCKS.map((b) => ({
        ...b,
        preact: scaleShiftRelu(`${b.name}_preact_bn`),
        shortcut: b.convShortcut ? conv(`${b.name}_0_conv`, { stride: b.stride }) : null,
        c1: conv(`${b.name}_1_conv`, { bn: `${b.name}_1_bn` }),
        c2: conv(`${b.name}_2_conv`, { stride: b.stride, pad: 1, bn: `${b.name}_2_bn` }),
        c3: conv(`${b.name}_3_conv`, {}),
      })),
      post: scaleShiftRelu('post_bn'),
    };
  } catch (e) {
    tf.dispose(owned);
    throw e;
  }

  const run = (x: T4, c: ConvOp): T4 =>
    tf.fused.conv2d({ x, filter: c.kernel, bias: c.bias, strides: c.stride, pad: c.pad, activation: c.relu ? 'relu' : 'linear' });
  const ssr = (x: T4, a: ScaleShiftRelu): T4 =>
    tf.fused.depthwiseConv2d({ x, filter: a.filter, bias: a.bias, strides: 1, pad: 'valid', activation: 'relu' });

  return {
    folded,
    fusedWithRelu,
    predict: (input) =>
      tf.tidy(() => {
        let x = run(input, plan.stem);
        x = tf.maxPool(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, 'valid');
        for (const b of plan.blocks) {
          const pre = ssr(x, b.preact);
          const shortcut = b.shortcut ? run(pre, b.shortcut) : b.stride > 1 ? tf.maxPool(x, 1, b.stride, 'valid') : x;
          const y = run(run(run(pre, b.c1), b.c2), b.c3);
          x = tf.add(shortcut, y);
        }
        return tf.mean(ssr(x, plan.post), [1, 2]) as tfType.Tensor2D;
      }),
    dispose: () => tf.dispose(owned),
  };
}
