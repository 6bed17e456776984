import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { bundleForPage } from './helpers';
import { compareRows, HM_DIR, kerasPeer, kerasReference, parityPhotos, type Peer } from '../test/keras/peer';

/**
 * Keras parity on WebGPU (SwiftShader) in Chromium, for one real H&M photo (as decoded by Chromium and by PIL: a batch of 2)
 * (issue 13; the WASM parity over four photos is test/integration/keras-parity.test.ts).
 * The same Keras files (tensorflow-cpu, seeded random weights) load by URL
 * (tf.io.http, as the cell's "ResNet50V2 model.json URL"), and the photos are
 * decoded by the ML worker's own readPhoto (createImageBitmap), so this is the
 * app's path end to end. Tolerances: on PIL's pixels, max |ours − Keras| ≤
 * 1e-3 × max |Keras| and cosine ≥ 0.9999 (SwiftShader sums in another order);
 * from the files as Chromium decodes them, cosine ≥ 0.999 (the decoders' pixel
 * differences are printed).
 * Runs in the `webgpu` project (its name ends in webgpu.spec.ts). No app server
 * is needed: page.route serves everything on a localhost origin.
 */
const root = path.resolve(__dirname, '..');
const hasHm = existsSync(path.join(HM_DIR, 'images_manifest.csv'));
const PHOTOS = 1;

test('ResNet50V2 with Keras’s weights gives Keras’s embeddings on WebGPU (SwiftShader), photos decoded by the app', async ({ page }) => {
  test.skip(!hasHm, `needs the H&M photos in ${HM_DIR} (set DATA_DIR)`);
  const peer: Peer = kerasPeer();
  test.skip('skip' in peer, `Keras peer unavailable: ${'skip' in peer ? peer.skip : ''}`);
  const files = parityPhotos();
  const ref = kerasReference((peer as { python: string }).python, 'resnet50v2', 42, files);

  const bundle = await bundleForPage(path.join(root, 'test/keras/browser-parity.ts'));
  // localhost is a secure context (WebGPU needs one); nothing listens there, page.route answers.
  const origin = 'http://localhost:47917';
  const pixelBytes = ref.pixels;
  await page.route(`${origin}/**`, async (route) => {
    const p = new URL(route.request().url()).pathname;
    if (p === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="/parity.js"></script>' });
    if (p === '/parity.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
    if (p === '/reference.json') return route.fulfill({ body: readFileSync(path.join(ref.dir, 'reference.json')) });
    if (p.startsWith('/model/')) return route.fulfill({ body: readFileSync(path.join(ref.modelDir, path.basename(p))) });
    if (p.startsWith('/pixels/')) return route.fulfill({ body: Buffer.from(pixelBytes[Number(path.basename(p))]) });
    const photo = files.find((f) => path.basename(f) === path.basename(p));
    if (p.startsWith('/photos/') && photo) return route.fulfill({ contentType: 'image/jpeg', body: readFileSync(photo) });
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(`${origin}/?backend=webgpu&photos=${PHOTOS}`);
  await page.waitForFunction(() => (window as { parityResult?: unknown }).parityResult !== undefined, null, { timeout: 0 });
  const r = (await page.evaluate(() => (window as { parityResult?: unknown }).parityResult)) as {
    error?: string;
    backend: string;
    adapter: string | null;
    seconds: number;
    chromium: number[];
    pil: number[];
    pixels: { maxAbs: number; meanAbs: number; differingShare: number };
  };
  expect(r.error).toBeUndefined();
  expect(r.backend).toBe('webgpu');
  expect(r.adapter).toBe('swiftshader');

  const keras = ref.embeddings.subarray(0, PHOTOS * 2048);
  const onPil = compareRows(Float32Array.from(r.pil), keras, 2048);
  const onChromium = compareRows(Float32Array.from(r.chromium), keras, 2048);
  console.log(
    `keras-parity webgpu (swiftshader, ${PHOTOS} photos x 2 in ${r.seconds.toFixed(0)} s): PIL pixels: max|ours-keras| ${onPil.maxAbs.toExponential(2)} ` +
      `(relative ${(onPil.maxAbs / onPil.refMaxAbs).toExponential(2)}), cosines ${onPil.cosines.map((c) => c.toFixed(8)).join(' ')}; ` +
      `Chromium decode vs PIL: max |Δ| ${r.pixels.maxAbs}, mean |Δ| ${r.pixels.meanAbs.toFixed(3)}, ${(100 * r.pixels.differingShare).toFixed(1)}% of bytes differ; ` +
      `embeddings from Chromium's pixels: relative max diff ${(onChromium.maxAbs / onChromium.refMaxAbs).toExponential(2)}, cosines ${onChromium.cosines.map((c) => c.toFixed(6)).join(' ')}`,
  );
  expect(onPil.maxAbs).toBeLessThanOrEqual(1e-3 * onPil.refMaxAbs);
  for (const c of onPil.cosines) expect(c).toBeGreaterThanOrEqual(0.9999);
  for (const c of onChromium.cosines) expect(c).toBeGreaterThanOrEqual(0.999);
});
