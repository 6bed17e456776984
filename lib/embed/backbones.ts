/**
 * The image backbones the embeddings cell offers, as plain data: input size,
 * the scaling the model was trained with, the embedding layer or node, where
 * the files come from and whether the project may ship them.
 */
import type { ScaleMode } from './preprocess';

export type BackboneId =
  | 'resnet50v2'
  | 'mobilenet-v2-140-hub'
  | 'nsfw-mobilenet-v2'
  | 'nsfw-inception-v3'
  | 'tm-mobilenet-v2-035'
  | 'histogram';

/** How the model files are read and where the embedding is taken. */
export type BackboneFormat =
  /** Our tf.layers ResNet50V2 + converter weights (lib/embed/resnet50v2.ts). */
  | { kind: 'resnet50v2' }
  /** A TF.js layers model; the embedding is the output of this layer (name, or index into model.layers). */
  | { kind: 'layers'; featureLayer: string | number }
  /** A TF.js graph model; the embedding is this node's output. */
  | { kind: 'graph'; featureNode: string }
  /** No network: colour-and-texture histogram (lib/embed/histogram.ts). */
  | { kind: 'histogram' };

export interface BackboneSpec {
  id: BackboneId;
  label: string;
  /** Square input side in pixels. */
  inputSize: number;
  /** Pixel scaling the model was trained with. */
  scale: ScaleMode;
  /** Embedding width. */
  dim: number;
  format: BackboneFormat;
  /** model.json under the app's public/ folder (written by scripts/vendor-models.mjs), if shipped. */
  vendoredUrl: string | null;
  /** Where the weights come from, and their licence. */
  source: string;
  /** False for models used only in tests and comparisons. */
  shippable: boolean;
}

const HUB_NODE =
  'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';

export const BACKBONES: Readonly<Record<BackboneId, BackboneSpec>> = {
  resnet50v2: {
    id: 'resnet50v2',
    label: 'ResNet50V2 (Keras weights, 2048-d)',
    inputSize: 224,
    scale: 'tf',
    dim: 2048,
    format: { kind: 'resnet50v2' },
    vendoredUrl: null,
    source: 'weights you convert from Keras with scripts/keras_to_tfjs.py (or tensorflowjs_converter); not shipped: none are available offline',
    shippable: true,
  },
  'mobilenet-v2-140-hub': {
    id: 'mobilenet-v2-140-hub',
    label: 'MobileNetV2 1.4 (TF-Hub ImageNet feature vector, 1792-d)',
    inputSize: 224,
    scale: 'unit',
    dim: 1792,
    format: { kind: 'graph', featureNode: HUB_NODE },
    vendoredUrl: '/vendor/models/mobilenet-v2-140-hub/model.json',
    source: 'npm nsfwjs 4.3.0 (MIT), dist/models/mobilenet_v2_mid: TF-Hub imagenet/mobilenet_v2_140_224/feature_vector, uint8-quantised',
    shippable: true,
  },
  'nsfw-mobilenet-v2': {
    id: 'nsfw-mobilenet-v2',
    label: 'MobileNetV2 1.0 (ImageNet, fine-tuned by nsfwjs, 1280-d)',
    inputSize: 224,
    scale: 'unit',
    dim: 1280,
    format: { kind: 'layers', featureLayer: 'flatten_1' },
    vendoredUrl: '/vendor/models/nsfw-mobilenet-v2/model.json',
    source: 'npm nsfwjs 4.3.0 (MIT), dist/models/mobilenet_v2, uint8-quantised',
    shippable: true,
  },
  'nsfw-inception-v3': {
    id: 'nsfw-inception-v3',
    label: 'InceptionV3 (ImageNet, fine-tuned by nsfwjs, 2048-d)',
    inputSize: 299,
    scale: 'unit',
    dim: 2048,
    format: { kind: 'layers', featureLayer: 'flatten_1' },
    vendoredUrl: '/vendor/models/nsfw-inception-v3/model.json',
    source: 'npm nsfwjs 4.3.0 (MIT), dist/models/inception_v3, uint8-quantised',
    shippable: true,
  },
  'tm-mobilenet-v2-035': {
    id: 'tm-mobilenet-v2-035',
    label: 'MobileNetV2 0.35 (Teachable Machine ImageNet backbone, 1280-d; comparison only)',
    inputSize: 224,
    scale: 'tf',
    dim: 1280,
    format: { kind: 'layers', featureLayer: 0 },
    vendoredUrl: null,
    source: 'shared/data/models/mobilenet_v2_0.35_224_teachablemachine (no licence: tests and comparisons only)',
    shippable: false,
  },
  histogram: {
    id: 'histogram',
    label: 'Colour + texture histogram (baseline, 96-d)',
    inputSize: 224,
    scale: 'unit',
    dim: 96,
    format: { kind: 'histogram' },
    vendoredUrl: null,
    source: 'computed here (lib/embed/histogram.ts)',
    shippable: true,
  },
};

/** The default backbone of the demo: pretrained, offline, shipped. */
export const DEFAULT_BACKBONE: BackboneId = 'mobilenet-v2-140-hub';

export function isBackboneId(v: unknown): v is BackboneId {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(BACKBONES, v);
}

/** The spec for `id`, or an error naming it. */
export function backbone(id: string): BackboneSpec {
  if (!isBackboneId(id)) throw new Error(`invalid backbone: ${id}; expected one of ${Object.keys(BACKBONES).join(', ')}`);
  return BACKBONES[id];
}
