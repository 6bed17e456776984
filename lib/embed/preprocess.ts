/**
 * Image preprocessing identical to Keras's for each backbone.
 *
 * Fitting a 360x540 H&M photo to the 224x224 input: `resize` (the default)
 * does what Keras's `load_img(path, target_size=(224, 224))` does, a NEAREST
 * resize that squeezes the portrait photo to a square (PIL's rule: source
 * coordinate floor((i + 0.5) * in / out)). `pad` keeps the aspect ratio: the
 * photo is resized (same nearest rule) to fit the square and centred on a
 * white background (the photos' own background), which distorts nothing but
 * spends a third of the input on padding.
 *
 * Scaling: `tf` maps [0, 255] to [-1, 1] as `x / 127.5 - 1` in float32
 * (Keras `preprocess_input` of resnet_v2, mobilenet_v2, inception_v3);
 * `unit` maps to [0, 1] as `x / 255` (TF-Hub image models).
 */

/** Decoded pixels: RGB or RGBA bytes, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  /** 3 or 4 bytes per pixel; alpha is ignored. */
  channels: 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** How a non-square photo is fitted to the square input. */
export type FitMode = 'resize' | 'pad';
/** How bytes become network inputs. */
export type ScaleMode = 'tf' | 'unit';

/** Source index for each of `outSize` outputs along an axis of `inSize` (PIL NEAREST). */
export function nearestIndices(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) idx[i] = Math.min(inSize - 1, Math.floor((i + 0.5) * scale));
  return idx;
}

function checkImage(img: RgbImage): void {
  if (!Number.isInteger(img.width) || img.width < 1) throw new Error(`invalid width: ${img.width}; expected a whole number >= 1`);
  if (!Number.isInteger(img.height) || img.height < 1) throw new Error(`invalid height: ${img.height}; expected a whole number >= 1`);
  if (img.channels !== 3 && img.channels !== 4) throw new Error(`invalid channels: ${String(img.channels)}; expected 3 or 4`);
  const want = img.width * img.height * img.channels;
  if (img.data.length !== want) throw new Error(`invalid data length: ${img.data.length}; expected ${want} for ${img.width}x${img.height}x${img.channels}`);
}

/** Fits `img` into a `size`x`size` RGB byte image (see the module comment). */
export function fitImage(img: RgbImage, size: number, fit: FitMode = 'resize'): Uint8Array {
  checkImage(img);
  if (!Number.isInteger(size) || size < 1) throw new Error(`invalid size: ${size}; expected a whole number >= 1`);
  const out = new Uint8Array(size * size * 3);
  let w = size;
  let h = size;
  if (fit === 'pad') {
    out.fill(255);
    const s = size / Math.max(img.width, img.height);
    w = Math.max(1, Math.round(img.width * s));
    h = Math.max(1, Math.round(img.height * s));
  } else if (fit !== 'resize') throw new Error(`invalid fit: ${String(fit)}; expected resize or pad`);
  const x0 = (size - w) >> 1;
  const y0 = (size - h) >> 1;
  const xs = nearestIndices(img.width, w);
  const ys = nearestIndices(img.height, h);
  const c = img.channels;
  for (let r = 0; r < h; r++) {
    const srow = ys[r] * img.width;
    let o = ((y0 + r) * size + x0) * 3;
    for (let q = 0; q < w; q++) {
      const s = (srow + xs[q]) * c;
      out[o++] = img.data[s];
      out[o++] = img.data[s + 1];
      out[o++] = img.data[s + 2];
    }
  }
  return out;
}

/** Scales bytes to network inputs, in float32 exactly as Keras/NumPy compute them. */
export function scalePixels(bytes: Uint8Array, mode: ScaleMode): Float32Array {
  const out = new Float32Array(bytes.length);
  switch (mode) {
    case 'tf':
      // Keras: x /= 127.5; x -= 1 (two float32 roundings).
      for (let i = 0; i < bytes.length; i++) out[i] = Math.fround(bytes[i] / 127.5) - 1;
      return out;
    case 'unit':
      for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
      return out;
    default: {
      const never: never = mode;
      throw new Error(`invalid scale mode: ${String(never)}; expected tf or unit`);
    }
  }
}

/** Fit + scale: one image as a size*size*3 float32 NHWC slice. */
export function preprocessImage(img: RgbImage, size: number, scale: ScaleMode, fit: FitMode = 'resize'): Float32Array {
  return scalePixels(fitImage(img, size, fit), scale);
}
