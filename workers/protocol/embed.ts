/**
 * Request and response types of the `embed.*` methods of the ML worker
 * (Image embeddings cell, issue 5). The method table itself is in
 * workers/protocol/ml.ts.
 */
import type { BackboneId } from '../../lib/embed/backbones';
import type { FitMode, RgbImage } from '../../lib/embed/preprocess';

/** Where a backbone's files come from. */
export type EmbedSource =
  /** The app's own copy under public/ (spec.vendoredUrl), or any model.json URL. */
  | { kind: 'url'; url: string }
  /** model.json and shards picked by the person (names as in the manifest). */
  | { kind: 'files'; files: { name: string; data: ArrayBuffer }[] }
  /** No files: the histogram, or ResNet50V2 with random weights when allowed. */
  | { kind: 'none' };

export interface EmbedLoadRequest {
  backbone: BackboneId;
  source: EmbedSource;
  /** ResNet50V2 only: build with random weights when no files are given (tests and benchmarks; labelled). */
  allowRandomWeights?: boolean;
  seed?: number;
}

export interface EmbedLoadResult {
  backbone: BackboneId;
  dim: number;
  inputSize: number;
  randomWeights: boolean;
  ms: number;
}

export interface EmbedImagesRequest {
  backbone: BackboneId;
  /**
   * Keys the cache together with the backbone (e.g. article ids); null url = no photo. `image`: pixels the page
   * decoded already (the demo's SVG drawings, which a worker cannot decode), used instead of fetching `url`.
   */
  items: { key: string; url: string | null; image?: RgbImage }[];
  batchSize: number;
  fit: FitMode;
  /** Read and write the per-article IndexedDB cache (default true). */
  useCache?: boolean;
}

export interface EmbedImagesResult {
  backbone: BackboneId;
  dim: number;
  /** Indices (into items) of the rows of `embeddings`, ascending. */
  rows: Int32Array;
  /** rows.length x dim, row-major. */
  embeddings: Float32Array;
  /** Items without a photo (no url, or the server had none: HTTP 404). */
  missing: Int32Array;
  /** Items whose file could not be read or decoded, with the reason. */
  corrupt: { index: number; key: string; reason: string }[];
  /** Rows served from the cache. */
  cached: number;
  /** Seconds spent computing (excluding cache hits), and images computed. */
  computeSeconds: number;
  computed: number;
  /** Items whose key (content) equals an earlier item's: embedded once, copied. */
  shared: number;
}

export interface EmbedKnnRequest {
  vectors: Float32Array;
  n: number;
  d: number;
  k: number;
  blockRows?: number;
}

export interface EmbedKnnResult {
  indices: Int32Array;
  scores: Float32Array;
  k: number;
  seconds: number;
}
