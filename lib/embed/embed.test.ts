import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKBONES, backbone, DEFAULT_BACKBONE } from './backbones';
import { loadExtractor, MissingWeightsError } from './extractor';
import { colourTextureHistogram, HISTOGRAM_DIM } from './histogram';
import type { KnnResult } from './knn';
import type { RgbImage } from './preprocess';
import { precisionAtK, randomPrecision } from './quality';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A 30x45 studio shot: white backdrop, a block of `rgb` with stripes of period `stripe` (0 = plain). */
function garment(rgb: [number, number, number], stripe = 0): RgbImage {
  const w = 30;
  const h = 45;
  const data = new Uint8Array(w * h * 3).fill(245);
  for (let y = 8; y < 38; y++)
    for (let x = 6; x < 24; x++) {
      const dark = stripe > 0 && Math.floor(y / stripe) % 2 === 1;
      const o = (y * w + x) * 3;
      data[o] = dark ? rgb[0] >> 2 : rgb[0];
      data[o + 1] = dark ? rgb[1] >> 2 : rgb[1];
      data[o + 2] = dark ? rgb[2] >> 2 : rgb[2];
    }
  return { width: w, height: h, channels: 3, data };
}
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('colour-and-texture histogram', () => {
  it('is a unit vector that ignores the backdrop and ranks by colour and texture', () => {
    const red = colourTextureHistogram(garment([200, 30, 30]), 64);
    const red2 = colourTextureHistogram(garment([190, 40, 35]), 64);
    const blue = colourTextureHistogram(garment([30, 40, 200]), 64);
    const redStriped = colourTextureHistogram(garment([200, 30, 30], 3), 64);
    expect(red.length).toBe(HISTOGRAM_DIM);
    expect(cos(red, red)).toBeCloseTo(1, 5);
    expect(cos(red, red2)).toBeGreaterThan(cos(red, blue));
    expect(cos(redStriped, red)).toBeGreaterThan(cos(redStriped, blue));
    expect(cos(red, red2)).toBeGreaterThan(cos(red, redStriped));
  });

  it('gives an all-backdrop photo a fixed direction instead of NaN', () => {
    const blank: RgbImage = { width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(250) };
    const h = colourTextureHistogram(blank, 8);
    expect(Array.from(h).every(Number.isFinite)).toBe(true);
    expect(h[0]).toBe(1);
  });
});

describe('precision@k', () => {
  const knn: KnnResult = { n: 4, k: 2, indices: Int32Array.from([1, 2, 0, 3, 3, 0, 2, 1]), scores: new Float32Array(8) };
  it('averages the share of neighbours with the query label, skipping unlabelled queries', () => {
    // row0: [1,2] labels a,b vs a -> 0.5; row1: [0,3] a,null vs a -> 0.5; row2: [3,0] vs b -> 0; row3 null: skipped.
    expect(precisionAtK(knn, ['a', 'a', 'b', null], 2)).toBeCloseTo(1 / 3, 10);
    expect(precisionAtK(knn, ['a', 'a', 'b', null], 1)).toBeCloseTo(2 / 3, 10);
    expect(() => precisionAtK(knn, ['a'], 2)).toThrow(/invalid labels length: 1; expected 4/);
  });
  it('has a random floor of Σ p²', () => {
    expect(randomPrecision(['a', 'a', 'b', 'b'])).toBeCloseTo(2 * 0.5 * (1 / 3), 10);
  });
});

describe('extractors', () => {
  it('lists shippable backbones with their sources, and a shipped default', () => {
    expect(BACKBONES[DEFAULT_BACKBONE].shippable).toBe(true);
    expect(BACKBONES[DEFAULT_BACKBONE].vendoredUrl).toMatch(/^\/vendor\/models\//);
    expect(BACKBONES['tm-mobilenet-v2-035'].shippable).toBe(false);
    expect(() => backbone('vgg16')).toThrow(/invalid backbone: vgg16/);
  });

  it('refuses ResNet50V2 without weights, and labels random weights when allowed', async () => {
    await expect(loadExtractor(tf, backbone('resnet50v2'), null)).rejects.toThrow(MissingWeightsError);
    const spec = { ...backbone('resnet50v2'), inputSize: 32 };
    const ex = await loadExtractor(tf, spec, null, { allowRandomWeights: true, seed: 3 });
    try {
      expect(ex.randomWeights).toBe(true);
      const e = await ex.embed([garment([200, 30, 30]), garment([30, 40, 200])]);
      expect(e.length).toBe(2 * 2048);
      expect(Array.from(e).every(Number.isFinite)).toBe(true);
    } finally {
      ex.dispose();
    }
  });

  it('embeds with the histogram backbone', async () => {
    const ex = await loadExtractor(tf, backbone('histogram'), null);
    const e = await ex.embed([garment([200, 30, 30])]);
    expect(e.length).toBe(HISTOGRAM_DIM);
  });
});
