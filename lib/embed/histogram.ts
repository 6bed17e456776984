/**
 * The colour-and-texture baseline: what product photos share without a CNN.
 * 72 colour bins (8 hue x 3 saturation x 3 value, HSV) over the garment's
 * pixels (near-white studio background left out), then 24 texture bins
 * (8 gradient orientations x 3 gradient strengths on the grey image). Each
 * part is L1-normalised and square-rooted (Hellinger), so cosine similarity
 * compares distributions; the whole vector has unit length.
 */
import { fitImage, type FitMode, type RgbImage } from './preprocess';

export const HISTOGRAM_DIM = 96;
const HUE = 8;
const SAT = 3;
const VAL = 3;
const ORIENT = 8;
const STRENGTH = 3;

/** Background: bright and nearly grey (the H&M studio backdrop). */
function isBackground(r: number, g: number, b: number): boolean {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  return max > 225 && max - min < 18;
}

/** The 96-d histogram of an image, fitted to `size` first (same fit as the CNNs). */
export function colourTextureHistogram(img: RgbImage, size = 224, fit: FitMode = 'resize'): Float32Array {
  const px = fitImage(img, size, fit);
  const colour = new Float64Array(HUE * SAT * VAL);
  const texture = new Float64Array(ORIENT * STRENGTH);
  const grey = new Float32Array(size * size);
  let fg = 0;
  for (let i = 0, p = 0; i < size * size; i++, p += 3) {
    const r = px[p];
    const g = px[p + 1];
    const b = px[p + 2];
    grey[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    if (isBackground(r, g, b)) continue;
    fg++;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const v = max / 255;
    const s = max === 0 ? 0 : (max - min) / max;
    let h = 0;
    if (max !== min) {
      const d = max - min;
      if (max === r) h = ((g - b) / d + 6) % 6;
      else if (max === g) h = (b - r) / d + 2;
      else h = (r - g) / d + 4;
      h /= 6;
    }
    const hb = Math.min(HUE - 1, Math.floor(h * HUE));
    const sb = Math.min(SAT - 1, Math.floor(s * SAT));
    const vb = Math.min(VAL - 1, Math.floor(v * VAL));
    colour[(hb * SAT + sb) * VAL + vb]++;
  }
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x;
      const gx = grey[i + 1] - grey[i - 1];
      const gy = grey[i + size] - grey[i - size];
      const mag = Math.hypot(gx, gy);
      if (mag < 8) continue; // flat areas carry no texture
      const ang = (Math.atan2(gy, gx) + Math.PI) % Math.PI; // orientation, not direction
      const ob = Math.min(ORIENT - 1, Math.floor((ang / Math.PI) * ORIENT));
      const sb = mag < 32 ? 0 : mag < 96 ? 1 : 2;
      texture[ob * STRENGTH + sb]++;
    }
  }
  const out = new Float32Array(HISTOGRAM_DIM);
  const put = (h: Float64Array, offset: number) => {
    const total = h.reduce((a, b) => a + b, 0);
    for (let i = 0; i < h.length; i++) out[offset + i] = total > 0 ? Math.sqrt(h[i] / total) : 0;
  };
  put(colour, 0);
  put(texture, colour.length);
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0 || fg === 0) {
    // An empty (all-background, flat) photo: a fixed direction, so it still has neighbours.
    out.fill(0);
    out[0] = 1;
    return out;
  }
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}
