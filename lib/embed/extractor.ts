/**
 * Turns a backbone spec plus its files into an embedding function over
 * preprocessed batches. Files arrive as a TF.js IOHandler (tf.io.http for a
 * URL, tf.io.browserFiles or tf.io.fromMemory for picked files); the caller
 * chose the backend.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { BackboneSpec } from './backbones';
import { colourTextureHistogram } from './histogram';
import { preprocessImage, type FitMode, type RgbImage } from './preprocess';
import { buildResNet50V2 } from './resnet50v2';
import { foldResNet50V2 } from './resnet50v2-folded';
import { loadConverterWeights } from './weights';

type Tf = typeof tfType;

/** A loaded backbone. */
export interface Extractor {
  spec: BackboneSpec;
  /** True when the network runs on random weights (tests and benchmarks only). */
  randomWeights: boolean;
  /** Embeds decoded images: returns images.length x spec.dim, row-major. */
  embed(images: readonly RgbImage[], fit?: FitMode): Promise<Float32Array>;
  dispose(): void;
}

/** Raised when ResNet50V2 is asked for without weights. */
export class MissingWeightsError extends Error {
  constructor(spec: BackboneSpec) {
    super(
      `${spec.label} needs weights: pick the model.json and shards that scripts/keras_to_tfjs.py (or tensorflowjs_converter) wrote, or give their URL. ` +
        'Without them the embeddings would be noise.',
    );
    this.name = 'MissingWeightsError';
  }
}

/**
 * Loads `spec`. `files` is required except for the histogram; for ResNet50V2,
 * `allowRandomWeights` builds it untrained instead (labelled by `randomWeights`),
 * and the network runs with its BatchNorms folded (lib/embed/resnet50v2-folded.ts)
 * unless `fold` is false (the layers model as built: benchmarks and tests compare the two).
 */
export async function loadExtractor(
  tf: Tf,
  spec: BackboneSpec,
  files: tfType.io.IOHandler | null,
  options: { allowRandomWeights?: boolean; seed?: number; fold?: boolean } = {},
): Promise<Extractor> {
  const f = spec.format;
  switch (f.kind) {
    case 'histogram':
      return {
        spec,
        randomWeights: false,
        embed: async (images, fit = 'resize') => {
          const out = new Float32Array(images.length * spec.dim);
          images.forEach((img, i) => out.set(colourTextureHistogram(img, spec.inputSize, fit), i * spec.dim));
          return out;
        },
        dispose: () => {},
      };
    case 'resnet50v2': {
      if (!files && !options.allowRandomWeights) throw new MissingWeightsError(spec);
      const model = buildResNet50V2(tf, { inputSize: spec.inputSize, seed: options.seed ?? 0 });
      try {
        if (files) {
          if (!files.load) throw new Error('invalid weights source: it cannot load (a save-only handler)');
          loadConverterWeights(tf, model, await files.load());
        }
      } catch (e) {
        model.dispose();
        throw e;
      }
      if (options.fold === false) return networkExtractor(tf, spec, !files, (x) => model.predict(x) as tfType.Tensor2D, () => model.dispose());
      let net;
      try {
        net = await foldResNet50V2(tf, model);
      } finally {
        model.dispose();
      }
      return networkExtractor(tf, spec, !files, net.predict, net.dispose);
    }
    case 'layers': {
      if (!files) throw new MissingWeightsError(spec);
      const full = await tf.loadLayersModel(files);
      const layer = typeof f.featureLayer === 'number' ? full.layers[f.featureLayer] : full.getLayer(f.featureLayer);
      const sub = tf.model({ inputs: full.inputs, outputs: layer.output as tfType.SymbolicTensor });
      return networkExtractor(tf, spec, false, (x) => sub.predict(x) as tfType.Tensor2D, () => full.dispose());
    }
    case 'graph': {
      if (!files) throw new MissingWeightsError(spec);
      const g = await tf.loadGraphModel(files);
      return networkExtractor(tf, spec, false, (x) => g.execute(x, f.featureNode) as tfType.Tensor2D, () => g.dispose());
    }
    default: {
      const never: never = f;
      throw new Error(`invalid backbone format: ${JSON.stringify(never)}`);
    }
  }
}

function networkExtractor(
  tf: Tf,
  spec: BackboneSpec,
  randomWeights: boolean,
  forward: (x: tfType.Tensor4D) => tfType.Tensor2D,
  dispose: () => void,
): Extractor {
  const s = spec.inputSize;
  return {
    spec,
    randomWeights,
    async embed(images, fit = 'resize') {
      const batch = new Float32Array(images.length * s * s * 3);
      images.forEach((img, i) => batch.set(preprocessImage(img, s, spec.scale, fit), i * s * s * 3));
      const y = tf.tidy(() => {
        const out = forward(tf.tensor4d(batch, [images.length, s, s, 3]));
        // Flatten whatever trailing shape the layer has (e.g. [b, 1, 1, c]).
        return tf.reshape(out, [images.length, -1]);
      });
      const data = (await y.data()) as Float32Array;
      y.dispose();
      if (data.length !== images.length * spec.dim) {
        throw new Error(`invalid embedding width: ${data.length / images.length}; expected ${spec.dim} for ${spec.id}`);
      }
      return data;
    },
    dispose,
  };
}
