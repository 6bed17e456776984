/**
 * Keras ResNet50V2 (`keras.applications.ResNet50V2(include_top=False)`) built
 * with `tf.layers`, layer for layer: the same layer names, the same weight
 * names and shapes, so weights converted from Keras with
 * `tensorflowjs_converter --input_format=keras` load unchanged. A
 * GlobalAveragePooling2D named `avg_pool` follows `post_relu`, as Keras adds
 * with `pooling='avg'`, giving 2048-d embeddings.
 *
 * Mirrors keras/applications/resnet.py (`ResNet`, `stack2`, `block2`) with
 * `preact=True, use_bias=True`. Uses tfjs ops only; the caller picks the backend.
 */
import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;
type Sym = tfType.SymbolicTensor;

/** Options for {@link buildResNet50V2}. */
export interface ResNet50V2Options {
  /** Input height and width in pixels; Keras's default (and the manifest's) is 224. */
  inputSize?: number;
  /** Append GlobalAveragePooling2D `avg_pool` (2048-d output). Default true. */
  pooling?: boolean;
  /**
   * Names of the three shortcut MaxPooling2D layers (Keras names them
   * automatically; the reference manifest has these).
   */
  shortcutPoolNames?: readonly [string, string, string];
  /** Seed for the (random) initial weights, so tests and benchmarks are reproducible. */
  seed?: number;
}

/** Layer names of the auto-named shortcut pools in the reference Keras export. */
export const KERAS_SHORTCUT_POOL_NAMES = ['max_pooling2d_3', 'max_pooling2d_4', 'max_pooling2d_5'] as const;

/** Keras BatchNormalization epsilon in ResNet (1.001e-5, not the default 1e-3). */
const BN_EPSILON = 1.001e-5;

/** Embedding width of ResNet50V2 after average pooling. */
export const RESNET50V2_DIM = 2048;

/** One pre-activation bottleneck (keras `block2`) of ResNet50V2. */
export interface ResNet50V2Block {
  /** Layer-name prefix, e.g. `conv3_block2`. */
  name: string;
  /** Width of the bottleneck; the block's output has 4x as many channels. */
  filters: number;
  /** Stride of the 3x3 convolution (and of the shortcut). */
  stride: number;
  /** True for a stack's first block: the shortcut is the 1x1 convolution `_0_conv` of the pre-activation. */
  convShortcut: boolean;
  /** Which shortcut MaxPooling2D (1x1, strided) the block has, or null (identity shortcut). */
  poolIndex: number | null;
}

/**
 * The 16 blocks in order: keras `stack2` for (64, 3), (128, 4), (256, 6), (512, 3)
 * blocks; a stack's first block projects, its last one strides (2, except conv5's 1).
 */
export const RESNET50V2_BLOCKS: readonly ResNet50V2Block[] = (() => {
  const out: ResNet50V2Block[] = [];
  let pool = 0;
  for (const [stack, filters, blocks, stride1] of [['conv2', 64, 3, 2], ['conv3', 128, 4, 2], ['conv4', 256, 6, 2], ['conv5', 512, 3, 1]] as const) {
    for (let i = 1; i <= blocks; i++) {
      const stride = i === blocks ? stride1 : 1;
      out.push({ name: `${stack}_block${i}`, filters, stride, convShortcut: i === 1, poolIndex: i > 1 && stride > 1 ? pool++ : null });
    }
  }
  return out;
})();

/**
 * Builds ResNet50V2 with random (seeded Glorot-uniform) weights. Load real
 * weights with `loadConverterWeights` before using the embeddings.
 */
export function buildResNet50V2(tf: Tf, options: ResNet50V2Options = {}): tfType.LayersModel {
  const size = options.inputSize ?? 224;
  if (!Number.isInteger(size) || size < 32) throw new Error(`invalid inputSize: ${size}; expected a whole number >= 32`);
  const poolNames = options.shortcutPoolNames ?? KERAS_SHORTCUT_POOL_NAMES;
  let seed = (options.seed ?? 0) >>> 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });

  const conv = (x: Sym, filters: number, kernel: number, stride: number, useBias: boolean, name: string): Sym =>
    tf.layers
      .conv2d({ filters, kernelSize: kernel, strides: stride, padding: 'valid', useBias, name, kernelInitializer: init() })
      .apply(x) as Sym;
  const bn = (x: Sym, name: string): Sym =>
    tf.layers.batchNormalization({ axis: 3, epsilon: BN_EPSILON, momentum: 0.99, name }).apply(x) as Sym;
  const relu = (x: Sym, name: string): Sym => tf.layers.activation({ activation: 'relu', name }).apply(x) as Sym;
  const pad = (x: Sym, p: number, name: string): Sym =>
    tf.layers.zeroPadding2d({ padding: [[p, p], [p, p]], name }).apply(x) as Sym;

  /** keras block2: pre-activation bottleneck. */
  const block2 = (x: Sym, b: ResNet50V2Block): Sym => {
    const { name, filters, stride } = b;
    let preact = bn(x, `${name}_preact_bn`);
    preact = relu(preact, `${name}_preact_relu`);
    let shortcut: Sym;
    if (b.convShortcut) shortcut = conv(preact, 4 * filters, 1, stride, true, `${name}_0_conv`);
    else if (b.poolIndex !== null) {
      shortcut = tf.layers.maxPooling2d({ poolSize: 1, strides: stride, padding: 'valid', name: poolNames[b.poolIndex] }).apply(x) as Sym;
    } else shortcut = x;
    let y = conv(preact, filters, 1, 1, false, `${name}_1_conv`);
    y = relu(bn(y, `${name}_1_bn`), `${name}_1_relu`);
    y = pad(y, 1, `${name}_2_pad`);
    y = conv(y, filters, 3, stride, false, `${name}_2_conv`);
    y = relu(bn(y, `${name}_2_bn`), `${name}_2_relu`);
    y = conv(y, 4 * filters, 1, 1, true, `${name}_3_conv`);
    return tf.layers.add({ name: `${name}_out` }).apply([shortcut, y]) as Sym;
  };

  const input = tf.input({ shape: [size, size, 3], name: 'input_1' });
  let x = pad(input, 3, 'conv1_pad');
  x = conv(x, 64, 7, 2, true, 'conv1_conv');
  x = pad(x, 1, 'pool1_pad');
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'pool1_pool' }).apply(x) as Sym;
  for (const b of RESNET50V2_BLOCKS) x = block2(x, b);
  x = relu(bn(x, 'post_bn'), 'post_relu');
  if (options.pooling ?? true) x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: x, name: 'resnet50v2' });
}
