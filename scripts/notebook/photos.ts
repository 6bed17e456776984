/**
 * Product photos for the headless runner's Image embeddings cell: the ML
 * worker's handlers with a Node photo reader. The demo's drawings go through
 * lib/data/demo/raster as in the browser's worker; photo files (`file:` URLs,
 * the --data folder's `images/`) are decoded by sharp (libvips with
 * libjpeg-turbo), which gave Chromium's bytes exactly (createImageBitmap +
 * getImageData) on the H&M photos compared (see README).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { rasteriseSvg, svgOfDataUrl } from '@/lib/data/demo/raster';
import type { RgbImage } from '@/lib/embed/preprocess';

/** Reads one photo: a demo drawing, or a `file:` URL; 'missing' when there is none. */
export async function nodeReadPhoto(url: string | null): Promise<RgbImage | 'missing'> {
  if (!url) return 'missing';
  const svg = svgOfDataUrl(url);
  if (svg !== null) return rasteriseSvg(svg);
  if (!url.startsWith('file:')) throw new Error(`invalid photo URL: ${url.slice(0, 60)}; the headless runner reads demo drawings and file: URLs`);
  const file = fileURLToPath(url);
  if (!existsSync(file)) return 'missing';
  let out;
  try {
    // RGBA as a canvas gives it: grey photos as RGB, alpha 255 where the file has none.
    out = await sharp(file).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error(`not a decodable image (${path.basename(file)}): ${(e as Error).message}`);
  }
  const { width, height, channels } = out.info;
  if (channels !== 4) throw new Error(`${path.basename(file)}: decoded to ${channels} channels; expected 4`);
  return { width, height, channels: 4, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength) };
}

/** Photos under `dir` (any depth) by 10-digit article id, as the browser's picker maps them (images/0xx/0xxxxxxxxx.jpg). */
export function photoFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const m = /(\d{10})\.jpe?g$/i.exec(e.name);
        if (m) out.set(m[1], p);
      }
    }
  };
  walk(dir);
  return out;
}

/** The catalogue's image URL resolver over photo files. */
export function fileResolver(photos: Map<string, string>): (articleId: string) => string | null {
  return (id) => {
    const p = photos.get(id);
    return p ? pathToFileURL(p).href : null;
  };
}
