/**
 * Image embeddings: backbones (Keras-identical ResNet50V2, pretrained
 * MobileNets, a histogram baseline), preprocessing, converter-format weights,
 * exact top-k cosine neighbours and their quality against metadata.
 */
export { BACKBONES, DEFAULT_BACKBONE, backbone, isBackboneId, type BackboneId, type BackboneSpec, type BackboneFormat } from './backbones';
export { loadExtractor, MissingWeightsError, type Extractor } from './extractor';
export { colourTextureHistogram, HISTOGRAM_DIM } from './histogram';
export { blockedTopK, bruteForceTopK, defaultBlockRows, type KnnOptions, type KnnResult, type VectorSet } from './knn';
export { fitImage, nearestIndices, preprocessImage, scalePixels, type FitMode, type RgbImage, type ScaleMode } from './preprocess';
export { precisionAtK, QUALITY_ATTRIBUTES, randomPrecision, type QualityAttribute } from './quality';
export { buildResNet50V2, KERAS_SHORTCUT_POOL_NAMES, RESNET50V2_DIM, type ResNet50V2Options } from './resnet50v2';
export {
  artifactsFromFiles,
  compareManifest,
  converterWeightManifest,
  loadConverterWeights,
  manifestEntries,
  saveConverterFormat,
  type ConverterModelJson,
  type WeightEntry,
} from './weights';
