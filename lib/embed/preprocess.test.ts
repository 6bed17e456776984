import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitImage, nearestIndices, preprocessImage, scalePixels, type RgbImage } from './preprocess';

/** Made by fixtures/keras_preprocess.py with Pillow + NumPy (what Keras calls). */
const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/keras-preprocess.json'), 'utf8')) as {
  width: number;
  height: number;
  size: number;
  xOfCol: number[];
  yOfRow: number[];
  tfMode: { in: number[]; out: number[] };
};

/** The fixture's coordinate-encoding source image, RGBA like canvas getImageData. */
function codedImage(w: number, h: number): RgbImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      data[o] = x % 256;
      data[o + 1] = y % 256;
      data[o + 2] = (x >> 8) | ((y >> 8) << 2);
      data[o + 3] = 255;
    }
  return { width: w, height: h, channels: 4, data };
}

describe('Keras-identical preprocessing', () => {
  it('resizes 360x540 to 224x224 picking the same source pixels as Keras load_img (PIL NEAREST)', () => {
    expect(Array.from(nearestIndices(fixture.width, fixture.size))).toEqual(fixture.xOfCol);
    expect(Array.from(nearestIndices(fixture.height, fixture.size))).toEqual(fixture.yOfRow);
    const out = fitImage(codedImage(fixture.width, fixture.height), fixture.size, 'resize');
    for (let r = 0; r < fixture.size; r += 37)
      for (let c = 0; c < fixture.size; c += 11) {
        const o = (r * fixture.size + c) * 3;
        const x = out[o] + ((out[o + 2] & 3) << 8);
        const y = out[o + 1] + ((out[o + 2] >> 2) << 8);
        expect([x, y]).toEqual([fixture.xOfCol[c], fixture.yOfRow[r]]);
      }
  });

  it('scales like resnet_v2.preprocess_input, bit for bit in float32', () => {
    const out = scalePixels(Uint8Array.from(fixture.tfMode.in), 'tf');
    expect(Array.from(out)).toEqual(fixture.tfMode.out);
    expect(out[0]).toBe(-1);
    expect(out.at(-1)).toBe(1);
  });

  it('pads instead of squeezing when asked, centring the photo on white', () => {
    const img: RgbImage = { width: 2, height: 4, channels: 3, data: new Uint8Array(2 * 4 * 3).fill(10) };
    const out = fitImage(img, 4, 'pad');
    // 2x4 fits as 2x4 in a 4x4 square: columns 1..2 hold the photo, 0 and 3 are white.
    for (let r = 0; r < 4; r++) {
      expect(out[(r * 4 + 0) * 3]).toBe(255);
      expect(out[(r * 4 + 1) * 3]).toBe(10);
      expect(out[(r * 4 + 2) * 3]).toBe(10);
      expect(out[(r * 4 + 3) * 3]).toBe(255);
    }
    expect(preprocessImage(img, 4, 'unit', 'pad')[0]).toBe(1);
  });

  it('names the bad field', () => {
    expect(() => fitImage({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }, 4)).toThrow(/invalid data length: 5; expected 12/);
    expect(() => fitImage({ width: 0, height: 2, channels: 3, data: new Uint8Array(0) }, 4)).toThrow(/invalid width: 0/);
  });
});
