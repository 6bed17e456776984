#!/usr/bin/env node
// image-embed: seconds per image of our backbones in headless Chromium (TF.js
// WASM backend, and WebGPU on SwiftShader labelled as emulation) against
// torchvision on CPU in the same run (bench/.venv), plus precision@10 of the
// neighbours on the real H&M photos per backbone, against the Teachable
// Machine MobileNetV2 0.35 (a plain ImageNet backbone; comparison only).
//
// Timing uses random weights for ResNet50V2 and torchvision (labelled), the
// vendored pretrained weights for the default backbone, the same batch size,
// and seeded synthetic 360x540 photos (our time includes the Keras-identical
// resize + scaling in JS; PyTorch's gets a ready tensor).
// --quick: batch 2, 1 timed run each, precision on the first 300 photos.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pageResult, withBrowserPage } from './lib/browser.mjs';
import { ensureVenv } from './lib/python.mjs';
import { alternate, report, root, writeResults } from './lib/report.mjs';
import { vendorModels } from '../scripts/vendor-models.mjs';

const BENCH = 'image-embed';
const quick = process.argv.includes('--quick');
const batch = quick ? 2 : 8;
const runs = quick ? 1 : 3;
const DEFAULT = 'mobilenet-v2-140-hub';
const DATA_DIR = process.env.DATA_DIR ?? path.resolve(root, '../shared/data');

vendorModels();
const python = await ensureVenv(['torch', 'torchvision', 'numpy']);

/** One page: build/load the backbone, warm up once, time one batch. */
async function oursOnce(backbone, backend, b) {
  const r = await withBrowserPage({ entry: 'bench/browser/embed.ts', webgpu: backend === 'webgpu' }, async (page, { url }) => {
    await page.goto(`${url}?mode=time&backend=${backend}&backbone=${backbone}&batch=${b}&runs=1&warmup=1`);
    return pageResult(page);
  });
  if (r.error) throw new Error(`ours (${backbone}, ${backend}): ${r.error}`);
  if (r.backend !== backend) throw new Error(`ours ran on ${r.backend}, expected ${backend}`);
  return r.secondsPerImage[0];
}

function peerOnce(model, b) {
  const p = spawnSync(python, [path.join(root, 'bench/py/embed_peer.py'), model, String(b), '1', '1'], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`peer ${model}: ${p.stderr}`);
  const out = JSON.parse(p.stdout.trim().split('\n').pop());
  peerOnce.version = `torch ${out.torch} + torchvision ${out.torchvision}`;
  return out.seconds_per_image[0];
}

const size = { batch, input: '224x224x3', photo: '360x540 synthetic' };
const timing = [
  { backbone: 'resnet50v2', peerModel: 'resnet50', variant: 'random-weights', note: 'ResNet50V2 (ours) vs ResNet50 v1.5 (torchvision); both random weights, 2048-d pooled output' },
  { backbone: DEFAULT, peerModel: 'mobilenet_v2', variant: 'pretrained', note: 'ours: MobileNetV2 width 1.4 (TF-Hub, pretrained, 1792-d); peer: torchvision MobileNetV2 width 1.0 (random, 1280-d)' },
];
for (const t of timing) {
  const { ours, peer, oursRuns } = await alternate({
    ours: () => oursOnce(t.backbone, 'wasm', batch),
    peer: () => peerOnce(t.peerModel, batch),
    runs,
    warmup: 0,
  });
  report({
    bench: BENCH, figure: 'seconds_per_image', dataset: 'synthetic', size, ours, peer: `${peerOnce.version} ${t.peerModel} (CPU, ${batch}/batch)`,
    peer_value: peer, better: 'lower', model: t.backbone, backend: 'wasm', variant: t.variant, note: t.note, runs: oursRuns.length,
  });
}

// WebGPU on SwiftShader (CPU emulation): one image, one timed run.
{
  const ours = await oursOnce('resnet50v2', 'webgpu', 1);
  const peer = peerOnce('resnet50', 1);
  report({
    bench: BENCH, figure: 'seconds_per_image', dataset: 'synthetic', size: { ...size, batch: 1 }, ours, peer: `${peerOnce.version} resnet50 (CPU, 1/batch)`,
    peer_value: peer, better: 'lower', model: 'resnet50v2', backend: 'webgpu-swiftshader', variant: 'emulation, random-weights',
    note: 'WebGPU emulated on the CPU by SwiftShader (no GPU here): a functional figure, not a GPU speed', runs: 1,
  });
}

// Precision@10 on the real H&M photos.
if (!existsSync(path.join(DATA_DIR, 'hm', 'images_manifest.csv'))) {
  console.error(`image-embed: precision@10 skipped: no H&M photos under ${DATA_DIR}/hm (set DATA_DIR)`);
} else {
  const ids = ['tm-mobilenet-v2-035', 'histogram', DEFAULT, 'nsfw-mobilenet-v2'];
  const args = ['--import', 'tsx', path.join(root, 'bench/node/embed-quality.ts'), ...(quick ? ['--limit', '300'] : []), ...ids];
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: root, env: { ...process.env, DATA_DIR }, maxBuffer: 1 << 26 });
  if (p.status !== 0) throw new Error(`embed-quality failed: ${p.stderr}`);
  const rows = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const peer = rows.find((r) => r.backbone === 'tm-mobilenet-v2-035');
  for (const r of rows.filter((x) => x !== peer)) {
    for (const attr of ['productType', 'colourGroup', 'graphicalAppearance']) {
      report({
        bench: BENCH, figure: 'precision_at_10', dataset: 'hm-images', size: { photos: r.n, dim: r.dim },
        ours: r.precision[attr], peer: 'Teachable Machine MobileNetV2 0.35 (ImageNet backbone, same photos)', peer_value: peer?.precision[attr] ?? null,
        better: 'higher', model: r.backbone, backend: r.backend, variant: attr,
        note: `share of the 10 nearest photos with the query's ${attr}; random neighbours give ${r.random[attr].toFixed(4)}`, runs: 1,
      });
    }
  }
  console.error('image-embed: ResNet50V2 precision@10 not measured: no Keras weights are available offline');
}

writeResults(BENCH);
