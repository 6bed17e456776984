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
// Both sides are timed on one thread and on every core (`threads` on each line),
// interleaved. ResNet50V2 runs with its BatchNorms folded into the convolutions
// (lib/embed/resnet50v2-folded.ts, what the app runs); --unfolded adds, in the
// same rounds (ours folded, peer, ours unfolded), the layers model as built
// (the code before folding), each line with its ratio to the same peer runs.
// --cpu-time: instead, only ResNet50V2 on one thread timed by CPU time, which the load of
// other processes barely moves: ours in Node (bench/node/cnn-profile.ts --json: the
// same V8 and TF.js WASM SIMD binary as Chromium; folded, then unfolded) and
// PyTorch's process time, alternating.
// --quick: batch 2, 1 timed run each, precision on the first 300
// photos. --timing-only: only those timing lines (no Keras, WebGPU or precision
// sections, so tensorflow-cpu is not installed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pageResult, withBrowserPage } from './lib/browser.mjs';
import { ensureVenv } from './lib/python.mjs';
import { report, root, writeResults } from './lib/report.mjs';
import { vendorModels } from '../scripts/vendor-models.mjs';

const BENCH = 'image-embed';
const quick = process.argv.includes('--quick');
const timingOnly = process.argv.includes('--timing-only');
const unfolded = process.argv.includes('--unfolded');
const cpuTime = process.argv.includes('--cpu-time');
const batch = quick ? 2 : 8;
const runs = quick ? 1 : 3;
const DEFAULT = 'mobilenet-v2-140-hub';
const DATA_DIR = process.env.DATA_DIR ?? path.resolve(root, '../shared/data');

vendorModels();
const python = await ensureVenv(timingOnly || cpuTime ? ['torch', 'torchvision', 'numpy'] : ['torch', 'torchvision', 'numpy', 'tensorflow-cpu', 'pillow']);

/**
 * One page: build/load the backbone, warm up once, time one batch (on `threads` WASM threads, default every CPU;
 * `fold` false: ResNet50V2 as the unfolded layers model).
 */
async function oursOnce(backbone, backend, b, threads = 0, fold = true) {
  const r = await withBrowserPage({ entry: 'bench/browser/embed.ts', webgpu: backend === 'webgpu' }, async (page, { url }) => {
    await page.goto(`${url}?mode=time&backend=${backend}&backbone=${backbone}&batch=${b}&runs=1&warmup=1${threads ? `&threads=${threads}` : ''}${fold ? '' : '&fold=0'}`);
    return pageResult(page);
  });
  if (r.error) throw new Error(`ours (${backbone}, ${backend}): ${r.error}`);
  if (r.backend !== backend) throw new Error(`ours ran on ${r.backend}, expected ${backend}`);
  if (threads && r.threads !== threads) throw new Error(`ours ran on ${r.threads} WASM threads, expected ${threads}`);
  return r.secondsPerImage[0];
}

function peerOnce(model, b, threads = os.cpus().length) {
  const p = spawnSync(python, [path.join(root, 'bench/py/embed_peer.py'), model, String(b), '1', '1', String(threads)], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`peer ${model}: ${p.stderr}`);
  const out = JSON.parse(p.stdout.trim().split('\n').pop());
  peerOnce.version = `torch ${out.torch} + torchvision ${out.torchvision}`;
  return out.seconds_per_image[0];
}

const size = { batch, input: '224x224x3', photo: '360x540 synthetic' };
const timing = [
  { backbone: 'resnet50v2', peerModel: 'resnet50', variant: 'random-weights', note: 'ResNet50V2 (ours) vs ResNet50 v1.5 (torchvision; no ResNet50V2 there); both random weights, 2048-d pooled output' },
  { backbone: DEFAULT, peerModel: 'mobilenet_v2_140', variant: 'pretrained', note: 'the same network on both sides: MobileNetV2 width 1.4, 1792-d (ours: TF-Hub pretrained weights; peer: torchvision mobilenet_v2(width_mult=1.4), random weights)' },
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (cpuTime) {
  const node = (fold) => {
    const p = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/cnn-profile.ts'), 'resnet50v2', String(batch), '--json', ...(fold ? [] : ['--unfolded'])], { encoding: 'utf8', cwd: root });
    if (p.status !== 0) throw new Error(`cnn-profile: ${p.stderr}`);
    return JSON.parse(p.stdout.trim().split('\n').pop()).cpuSecondsPerImage;
  };
  const torchCpu = () => {
    const p = spawnSync(python, [path.join(root, 'bench/py/embed_peer.py'), 'resnet50', String(batch), '1', '1', '1'], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`peer resnet50: ${p.stderr}`);
    const out = JSON.parse(p.stdout.trim().split('\n').pop());
    peerOnce.version = `torch ${out.torch} + torchvision ${out.torchvision}`;
    return out.cpu_seconds_per_image[0];
  };
  const r = { folded: [], peer: [], unfolded: [] };
  for (let i = 0; i < runs; i++) {
    r.folded.push(node(true));
    r.peer.push(torchCpu());
    r.unfolded.push(node(false));
  }
  for (const [variant, xs] of [['cpu-time, random-weights', r.folded], ['cpu-time, random-weights, unfolded', r.unfolded]]) {
    report({
      bench: BENCH, figure: 'seconds_per_image', dataset: 'synthetic', size, ours: median(xs), peer: `${peerOnce.version} resnet50 (CPU, ${batch}/batch), process CPU time`,
      peer_value: median(r.peer), better: 'lower', model: 'resnet50v2', backend: 'wasm-node', variant, runs,
      note: `CPU seconds per image on one thread (ours: the Node process, TF.js WASM SIMD as in Chromium; ${variant.endsWith('unfolded') ? 'the layers model, BatchNorms not folded' : 'BatchNorms folded, as the app runs it'}); PyTorch runs ResNet50 v1.5`,
      threads: { ours: 1, peer: 1 }, fields: { load_average: os.loadavg()[0] },
    });
  }
  writeResults(BENCH);
  process.exit(0);
}
// Interleaved: for each thread count, ours and the peer alternate (1 thread, then every core); with
// --unfolded, ResNet50V2's layers model runs in the same rounds, after the peer.
const threadCounts = [...new Set([1, os.cpus().length])];
for (const t of timing) {
  for (const threads of threadCounts) {
    const withUnfolded = unfolded && t.backbone === 'resnet50v2';
    const r = { ours: [], peer: [], unfolded: [] };
    for (let i = 0; i < runs; i++) {
      r.ours.push(await oursOnce(t.backbone, 'wasm', batch, threads));
      r.peer.push(peerOnce(t.peerModel, batch, threads));
      if (withUnfolded) r.unfolded.push(await oursOnce(t.backbone, 'wasm', batch, threads, false));
    }
    const line = (ours, variant, note) =>
      report({
        bench: BENCH, figure: 'seconds_per_image', dataset: 'synthetic', size, ours, peer: `${peerOnce.version} ${t.peerModel} (CPU, ${batch}/batch)`,
        peer_value: median(r.peer), better: 'lower', model: t.backbone, backend: 'wasm', variant, note, runs,
        threads: { ours: threads, peer: threads }, fields: { load_average: os.loadavg()[0] },
      });
    const folded = t.backbone === 'resnet50v2' ? '; ours with its BatchNorms folded into the convolutions, as the app runs it' : '';
    line(median(r.ours), t.variant, `${t.note}${folded}`);
    if (withUnfolded) line(median(r.unfolded), `${t.variant}, unfolded`, `${t.note}; ours as the layers model, BatchNorms not folded (as before the folding)`);
  }
}
if (timingOnly) {
  writeResults(BENCH);
  process.exit(0);
}

// ResNet50V2 with the same (seeded random) weights: ours on WASM in Node against Keras CPU (the
// seeds' framework) and PyTorch CPU, batch 1 and 16, plus peak memory of each process. The weights
// are written once by the Keras parity test's peer (test/keras/keras_peer.py) and read by all three
// sides except PyTorch: torchvision has no ResNet50V2, so its ResNet50 (v1.5, post-activation, 25.6M
// parameters vs 23.6M, random weights) stands in. Peers get ours's thread count.
{
  const weightsDir = path.join(root, '.data', 'keras-parity', 'bench-resnet50v2-42');
  if (!existsSync(path.join(weightsDir, 'model', 'model.json'))) {
    const w = spawnSync(python, [path.join(root, 'test/keras/keras_peer.py'), weightsDir, 'resnet50v2', '42'], { encoding: 'utf8' });
    if (w.status !== 0) throw new Error(`keras_peer: ${w.stderr}`);
  }
  const modelDir = path.join(weightsDir, 'model');
  const lastJson = (p, who) => {
    if (p.status !== 0) throw new Error(`${who}: ${p.stderr}`);
    return JSON.parse(p.stdout.trim().split('\n').pop());
  };
  const oursNode = (b, r, w) =>
    lastJson(spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/keras-embed.ts'), modelDir, String(b), String(r), String(w)], { encoding: 'utf8', cwd: root }), 'ours (node wasm)');
  const kerasRun = (b, r, w, t) => lastJson(spawnSync(python, [path.join(root, 'bench/py/keras_embed_peer.py'), modelDir, String(b), String(r), String(w), String(t)], { encoding: 'utf8' }), 'keras peer');
  const torchRun = (b, r, w, t) => lastJson(spawnSync(python, [path.join(root, 'bench/py/embed_peer.py'), 'resnet50', String(b), String(r), String(w), String(t)], { encoding: 'utf8' }), 'torch peer');
  for (const b of quick ? [1, 2] : [1, 16]) {
    const r = quick ? 1 : 3;
    // One process per side, alternating, each with a warm-up pass first.
    const o = oursNode(b, r, 1);
    const threads = o.threads === 'multi' ? os.cpus().length : 1;
    const k = kerasRun(b, r, 1, threads);
    const t = torchRun(b, r, 1, threads);
    const size = { batch: b, input: '224x224x3', photo: '360x540 synthetic (ours includes the resize)', threads };
    const common = { bench: BENCH, dataset: 'synthetic', model: 'resnet50v2', backend: 'wasm-node', variant: 'keras-random-weights', runs: r };
    report({ ...common, figure: 'seconds_per_image', size, ours: median(o.secondsPerImage), peer: `Keras ${k.keras} (TensorFlow ${k.tensorflow} CPU) ResNet50V2, same weights`, peer_value: median(k.seconds_per_image), better: 'lower',
      note: 'ours: the app\'s ResNet50V2 with the Keras-written files, TF.js wasm in Node' });
    report({ ...common, figure: 'seconds_per_image', size, ours: median(o.secondsPerImage), peer: `torch ${t.torch} + torchvision ${t.torchvision} resnet50 (CPU; stands in: torchvision has no ResNet50V2)`, peer_value: median(t.seconds_per_image), better: 'lower',
      note: 'PyTorch runs ResNet50 v1.5 with random weights: the nearest torchvision model, not the same network' });
    report({ ...common, figure: 'peak_memory_bytes', size, ours: o.peakRssBytes, peer: `Keras ${k.keras} (TensorFlow ${k.tensorflow} CPU), peak RSS of its process`, peer_value: k.peak_rss_bytes, better: 'lower',
      note: 'peak resident memory of each whole process (Node + TF.js wasm vs Python + TensorFlow)' });
    report({ ...common, figure: 'peak_memory_bytes', size, ours: o.peakRssBytes, peer: `torch ${t.torch} resnet50 (CPU), peak RSS of its process`, peer_value: t.peak_rss_bytes, better: 'lower',
      note: 'peak resident memory of each whole process; PyTorch runs ResNet50 v1.5' });
  }
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
