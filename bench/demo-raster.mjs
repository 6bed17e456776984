#!/usr/bin/env node
// demo-raster: photos per second of rasterising the demo's product drawings
// in headless Chromium. Ours: lib/data/demo/raster (plain JavaScript; the ML
// worker and the headless runner run it, so both get the same pixels). Peer:
// Chromium's own SVG renderer along the path the Image embeddings cell used
// before (Image.decode + canvas + PNG blob + createImageBitmap +
// getImageData). Same drawings, same page, alternately (bench/browser/demo-raster.ts).
// Also reports how far the two renderings' pixels are apart.
// --quick: 100 drawings, 1 timed run.
import { pageResult, withBrowserPage } from './lib/browser.mjs';
import { median, report, writeResults } from './lib/report.mjs';

const BENCH = 'demo-raster';
const quick = process.argv.includes('--quick');
const n = quick ? 100 : 891;
const runs = quick ? 1 : 3;

const r = await withBrowserPage({ entry: 'bench/browser/demo-raster.ts' }, async (page, { url }) => {
  await page.goto(`${url}?n=${n}&runs=${runs}`);
  return pageResult(page);
});
if (r.error) throw new Error(r.error);
const size = { drawings: r.drawings, pixels: '120x180' };
report({
  bench: BENCH, figure: 'photos_per_second', dataset: 'demo-small (seed 42), distinct drawings', size,
  ours: median(r.oursPhotosPerSecond), peer: 'Chromium SVG renderer (Image.decode + canvas + PNG + createImageBitmap)', peer_value: median(r.peerPhotosPerSecond),
  better: 'higher', runs, note: `pixels vs Chromium's: mean |diff| ${r.meanAbsDiff.toFixed(3)} per byte, ${(100 * r.bytesDiffering).toFixed(1)}% of bytes differ`,
});
writeResults(BENCH);
