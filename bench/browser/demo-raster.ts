// Browser entry of the demo-raster benchmark (bundled and served by
// bench/lib/browser.mjs). Query: n=N (distinct drawings of the small demo),
// runs=R. For each run, times the same drawings through
//   ours: lib/data/demo/raster (plain JavaScript, what the ML worker now runs), and
//   peer: Chromium's own SVG renderer, the path the Image embeddings cell used before
//         (Image.decode + canvas + PNG blob, then createImageBitmap + OffscreenCanvas.getImageData),
// one drawing after another on the page's thread, and compares the pixels.
// -> {oursPhotosPerSecond: number[], peerPhotosPerSecond: number[], drawings, meanAbsDiff, bytesDiffering}
import { generateDemoTables } from '../../lib/data/demo';
import { articleImageDataUrl, lookOf } from '../../lib/data/demo/images';
import { rasteriseSvg, svgOfDataUrl } from '../../lib/data/demo/raster';

declare global {
  interface Window {
    benchResult?: unknown;
  }
}

const q = new URLSearchParams(location.search);
const n = Number(q.get('n') ?? 200);
const runs = Number(q.get('runs') ?? 3);

function drawings(): string[] {
  const a = generateDemoTables('small', 42).articles;
  const col = (name: string) => {
    const c = a.columns[name];
    return c && c.type === 'string' ? c.values : [];
  };
  const [type, group, colour, look] = ['product_type_name', 'product_group_name', 'colour_group_name', 'graphical_appearance_name'].map(col);
  const urls = new Set<string>();
  for (let r = 0; r < a.length && urls.size < n; r++) {
    urls.add(articleImageDataUrl(lookOf({ productTypeName: type[r], productGroupName: group[r], colourGroupName: colour[r], appearanceName: look[r] })));
  }
  return [...urls];
}

async function viaChromium(url: string): Promise<Uint8ClampedArray> {
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth || 120;
  canvas.height = img.naturalHeight || 180;
  canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'));
  const bmp = await createImageBitmap(blob);
  const off = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = off.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bmp, 0, 0);
  bmp.close();
  return ctx.getImageData(0, 0, off.width, off.height).data;
}

async function main() {
  const urls = drawings();
  const ours: number[] = [];
  const peer: number[] = [];
  let diff = 0;
  let differing = 0;
  let bytes = 0;
  for (let r = 0; r <= runs; r++) {
    let t0 = performance.now();
    const mine = urls.map((u) => rasteriseSvg(svgOfDataUrl(u)!).data);
    const oursS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const theirs: Uint8ClampedArray[] = [];
    for (const u of urls) theirs.push(await viaChromium(u));
    const peerS = (performance.now() - t0) / 1000;
    if (r === 0) {
      // Warm-up round: pixels compared here, not timed.
      mine.forEach((m, i) => {
        for (let j = 0; j < m.length; j++) {
          const d = Math.abs(m[j] - theirs[i][j]);
          diff += d;
          if (d) differing++;
        }
        bytes += m.length;
      });
      continue;
    }
    ours.push(urls.length / oursS);
    peer.push(urls.length / peerS);
  }
  return { oursPhotosPerSecond: ours, peerPhotosPerSecond: peer, drawings: urls.length, meanAbsDiff: diff / bytes, bytesDiffering: differing / bytes };
}

window.benchResult = main().catch((e: Error) => ({ error: e.message }));
