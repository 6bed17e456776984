/**
 * The folded ResNet50V2 (BatchNorms folded into the convolutions, the rest
 * fused with their ReLU) against the layers model it was folded from, on real
 * H&M photos, TF.js WASM backend (the app's CPU backend).
 *
 * Weights: the builder's seeded Glorot kernels; every BN's moving mean and
 * variance measured on 8 of the photos (as training leaves them) and seeded
 * random gamma and beta (the builder's defaults 1, 0, 0, 1 would make the
 * folding nearly trivial). No trained weights exist offline.
 *
 * Tolerance: both sides are float32 and compute the same sums; folding only
 * moves where the BN's multiply-add is rounded (into the kernel: one rounding
 * of w·s per weight, then the convolution sums in XNNPACK's order), so the
 * outputs differ by accumulated float32 rounding, ~1e-7 relative per layer
 * over ~50 layers. Asserted: max |folded − layers| ≤ 1e-4 × max |layers|,
 * cosine ≥ 0.99999 per photo, also of the photo-dependent part (embedding
 * minus the mean over the photos, which a random network's large shared
 * component would otherwise hide), and each photo's 10 nearest photos the
 * same, in the same order. Measured values are printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/random';
import { backbone } from './backbones';
import { loadExtractor } from './extractor';
import { bruteForceTopK } from './knn';
import { preprocessImage, type RgbImage } from './preprocess';
import { buildResNet50V2, RESNET50V2_BLOCKS, RESNET50V2_DIM } from './resnet50v2';
import { foldResNet50V2, type FoldedResNet50V2 } from './resnet50v2-folded';
import { centreDim, compareRows } from '../../test/keras/peer';

const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../../shared/data');
const HM = path.join(DATA_DIR, 'hm');
const hasPhotos = existsSync(path.join(HM, 'images_manifest.csv'));
if (!hasPhotos) console.warn(`skipped: no H&M photos under ${HM} (set DATA_DIR)`);
/** Photos compared (the manifest's first ones) and the batch they run in. */
const N = 32;
const BATCH = 8;
const K = 10;

function photo(file: string): RgbImage {
  const img = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, channels: 4, data: img.data };
}

/**
 * Gives every BatchNormalization a trained network's kind of statistics: its
 * moving mean and variance are those of its input over `x` (set layer by
 * layer, in order, so each sees the already-normalised layers before it), and
 * gamma and beta are seeded random. With the builder's defaults instead
 * (0 and 1), a random ResNet maps every photo to nearly the same direction
 * (cosines tied in float32), and neighbours would be a test of nothing.
 */
function calibrateBatchNorms(model: tf.LayersModel, x: tf.Tensor4D, seed: number): void {
  const r = mulberry32(seed);
  const u = (n: number, lo: number, hi: number) => tf.tensor1d(Float32Array.from({ length: n }, () => lo + (hi - lo) * r()));
  const uses = new Map<string, number>();
  const inbound = (l: tf.layers.Layer) => l.inboundNodes[0].inboundLayers;
  for (const l of model.layers) for (const p of inbound(l)) uses.set(p.name, (uses.get(p.name) ?? 0) + 1);
  const values = new Map<string, tf.Tensor>();
  for (const l of model.layers) {
    const ins = inbound(l).map((p) => values.get(p.name)!);
    if (l.getClassName() === 'BatchNormalization') {
      const n = ins[0].shape[3]!;
      const w = tf.tidy(() => {
        const m = tf.moments(ins[0], [0, 1, 2]);
        return [u(n, 0.5, 1.5), u(n, -0.5, 0.5), m.mean, m.variance];
      });
      l.setWeights(w);
      tf.dispose(w);
    }
    values.set(l.name, ins.length === 0 ? tf.clone(x) : (l.apply(ins.length === 1 ? ins[0] : ins) as tf.Tensor));
    for (const p of inbound(l)) {
      const left = uses.get(p.name)! - 1;
      uses.set(p.name, left);
      if (left === 0) values.get(p.name)!.dispose();
    }
  }
  for (const [name, t] of values) if (uses.get(name) === undefined) t.dispose();
}

function embedAll(forward: (x: tf.Tensor4D) => tf.Tensor, inputs: Float32Array[]): Float32Array {
  const s = 224;
  const out = new Float32Array(inputs.length * RESNET50V2_DIM);
  for (let i = 0; i < inputs.length; i += BATCH) {
    const part = inputs.slice(i, i + BATCH);
    const batch = new Float32Array(part.length * s * s * 3);
    part.forEach((x, j) => batch.set(x, j * s * s * 3));
    const y = tf.tidy(() => forward(tf.tensor4d(batch, [part.length, s, s, 3])));
    out.set(y.dataSync() as Float32Array, i * RESNET50V2_DIM);
    y.dispose();
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe.skipIf(!hasPhotos)('folded ResNet50V2 on real photos', () => {
  let model: tf.LayersModel;
  let folded: FoldedResNet50V2;
  let layersOut: Float32Array;
  let foldedOut: Float32Array;
  beforeAll(async () => {
    const files = readFileSync(path.join(HM, 'images_manifest.csv'), 'utf8').trim().split('\n').slice(1, N + 1).map((l) => path.join(HM, l.split(',')[1]));
    const inputs = files.map((f) => preprocessImage(photo(f), 224, 'tf', 'resize'));
    model = buildResNet50V2(tf, { seed: 11 });
    const calibration = tf.tensor4d(inputs.slice(0, BATCH).flatMap((x) => Array.from(x)), [BATCH, 224, 224, 3]);
    calibrateBatchNorms(model, calibration, 12);
    calibration.dispose();
    folded = await foldResNet50V2(tf, model);
    layersOut = embedAll((x) => model.predict(x) as tf.Tensor, inputs);
    foldedOut = embedAll((x) => folded.predict(x), inputs);
  });
  afterAll(() => {
    folded?.dispose();
    model?.dispose();
  });

  it('folds the 32 BatchNorms that follow a convolution and fuses the other 17 with their ReLU', () => {
    expect(folded.folded).toEqual(RESNET50V2_BLOCKS.flatMap((b) => [`${b.name}_1_bn`, `${b.name}_2_bn`]));
    expect(folded.fusedWithRelu).toEqual([...RESNET50V2_BLOCKS.map((b) => `${b.name}_preact_bn`), 'post_bn']);
  });

  it('gives the layers model’s 2048-d embeddings to float32 rounding', () => {
    const { maxAbs: maxDiff, refMaxAbs: maxAbs, cosines: cos } = compareRows(foldedOut, layersOut, RESNET50V2_DIM);
    const cosCentred = compareRows(centreDim(foldedOut, layersOut, RESNET50V2_DIM), centreDim(layersOut, layersOut, RESNET50V2_DIM), RESNET50V2_DIM).cosines;
    console.log(
      `resnet50v2-folded: ${N} photos, max |Δ| ${maxDiff.toExponential(3)} of max |y| ${maxAbs.toFixed(3)} (${(maxDiff / maxAbs).toExponential(2)}); ` +
        `min cosine ${Math.min(...cos).toFixed(9)}, photo-dependent part ${Math.min(...cosCentred).toFixed(9)}`,
    );
    expect(maxAbs).toBeGreaterThan(0);
    expect(maxDiff).toBeLessThanOrEqual(1e-4 * maxAbs);
    for (const c of cos) expect(c).toBeGreaterThanOrEqual(0.99999);
    for (const c of cosCentred) expect(c).toBeGreaterThanOrEqual(0.99999);
  });

  it('keeps every photo’s 10 nearest photos, in order', () => {
    const a = bruteForceTopK({ data: layersOut, n: N, d: RESNET50V2_DIM }, { k: K, excludeSelf: true });
    const b = bruteForceTopK({ data: foldedOut, n: N, d: RESNET50V2_DIM }, { k: K, excludeSelf: true });
    // How far apart consecutive neighbours are, next to how much folding moved the scores.
    let minGap = Infinity;
    let maxMove = 0;
    for (let i = 0; i < N * K; i++) {
      if (i % K !== K - 1) minGap = Math.min(minGap, a.scores[i] - a.scores[i + 1]);
      maxMove = Math.max(maxMove, Math.abs(a.scores[i] - b.scores[i]));
    }
    console.log(
      `resnet50v2-folded: top-${K} of ${N} photos: neighbour cosines ${Math.min(...a.scores).toFixed(4)}..${Math.max(...a.scores).toFixed(4)}, ` +
        `smallest gap between consecutive neighbours ${minGap.toExponential(2)}, largest score change ${maxMove.toExponential(2)}`,
    );
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
  });
});

describe('loadExtractor runs ResNet50V2 folded', () => {
  it('gives the unfolded embeddings, and the folded net outlives the layers model it came from', async () => {
    const spec = backbone('resnet50v2');
    const r = mulberry32(3);
    const img: RgbImage = { width: 90, height: 135, channels: 3, data: Uint8Array.from({ length: 90 * 135 * 3 }, () => Math.floor(r() * 256)) };
    const plain = await loadExtractor(tf, spec, null, { allowRandomWeights: true, seed: 4, fold: false });
    const fast = await loadExtractor(tf, spec, null, { allowRandomWeights: true, seed: 4 });
    try {
      const before = tf.memory().numTensors;
      const [a, b] = [await plain.embed([img, img]), await fast.embed([img, img])];
      expect(tf.memory().numTensors).toBe(before);
      expect(b.length).toBe(2 * RESNET50V2_DIM);
      expect(Math.min(...compareRows(b, a, RESNET50V2_DIM).cosines)).toBeGreaterThanOrEqual(0.99999);
    } finally {
      plain.dispose();
      fast.dispose();
    }
  });
});
