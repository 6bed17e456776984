/**
 * embed.load as the worker runs it, with files the person picked that do not
 * fit ResNet50V2: a non-ResNet model.json, a missing shard, a truncated shard,
 * a wrong shape, a graph model. Each error names the file or tensor and what
 * was expected, and the default backbone still loads afterwards (the cell keeps
 * working with it).
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResNet50V2 } from '../../lib/embed/resnet50v2';
import { saveConverterFormat, type ConverterModelJson } from '../../lib/embed/weights';
import type { HandlerContext } from '../../lib/rpc/server';
import { pickedFiles } from '../../test/keras/peer';
import { vendorModels } from '../../scripts/vendor-models.mjs';
import { embedHandlers } from './embed';

const ctx: HandlerContext = { signal: new AbortController().signal, progress: () => {}, log: () => {} };
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).buffer as ArrayBuffer;

let good: { json: ConverterModelJson; shards: { path: string; data: ArrayBuffer }[] };
let defaultFiles: { name: string; data: ArrayBuffer }[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const m = buildResNet50V2(tf, { seed: 5 });
  const { modelJson, shards } = await saveConverterFormat(tf, m);
  m.dispose();
  good = { json: modelJson, shards };
  vendorModels();
  defaultFiles = pickedFiles(path.resolve(__dirname, '../../public/vendor/models/mobilenet-v2-140-hub'));
});
afterAll(() => tf.disposeVariables());

/** embed.load of ResNet50V2 from picked files. */
function loadResNet(json: ConverterModelJson, shards: { path: string; data: ArrayBuffer }[]) {
  const files = [{ name: 'model.json', data: enc(json) }, ...shards.map((s) => ({ name: s.path, data: s.data }))];
  return embedHandlers['embed.load']({ backbone: 'resnet50v2', source: { kind: 'files', files } }, ctx);
}

describe('ResNet50V2 files that do not fit are refused, naming what is wrong', () => {
  it('loads the right files', async () => {
    const r = await loadResNet(good.json, good.shards);
    expect(r).toMatchObject({ backbone: 'resnet50v2', dim: 2048, randomWeights: false });
  });

  it('a non-ResNet model.json (the default MobileNet given as ResNet50V2 weights)', async () => {
    const json = JSON.parse(new TextDecoder().decode(defaultFiles.find((f) => f.name === 'model.json')!.data)) as ConverterModelJson;
    const files = [...defaultFiles];
    await expect(embedHandlers['embed.load']({ backbone: 'resnet50v2', source: { kind: 'files', files } }, ctx)).rejects.toThrow(
      /invalid weights: a graph model \(format graph-model\); resnet50v2 needs the layers format/,
    );
    // The same weights declared as a layers model: named as another network's.
    const asLayers = { ...json, format: 'layers-model' as const };
    const shards = defaultFiles.filter((f) => f.name.endsWith('.bin')).map((f) => ({ path: f.name, data: f.data }));
    await expect(loadResNet(asLayers, shards)).rejects.toThrow(
      new RegExp(`not resnet50v2 weights: 0 of the file's ${json.weightsManifest[0].weights.length}\\b.*expected conv1_conv/kernel \\[7,7,3,64\\] and 269 more`),
    );
  });

  it('a missing shard, named', async () => {
    await expect(loadResNet(good.json, good.shards.filter((s) => s.path !== 'group1-shard7of23.bin'))).rejects.toThrow(
      /missing weight shard: group1-shard7of23.bin; pick it together with model.json/,
    );
  });

  it('a truncated shard: the first weight cut off, by name and shape', async () => {
    const shards = good.shards.map((s) => (s.path === 'group1-shard23of23.bin' ? { ...s, data: s.data.slice(0, 1000) } : s));
    await expect(loadResNet(good.json, shards)).rejects.toThrow(/invalid weight data: \d+ bytes in 23 shard\(s\), the manifest needs 94259200: weight \S+ \[[\d,]+\] and the ones after it are cut off/);
  });

  it('a weight of the wrong shape: the tensor, its shape and the expected one', async () => {
    const json = structuredClone(good.json);
    const w = json.weightsManifest[0].weights.find((e) => e.name === 'conv1_conv/kernel')!;
    w.shape = [3, 7, 7, 64];
    await expect(loadResNet(json, good.shards)).rejects.toThrow(/weight conv1_conv\/kernel: shape \[3,7,7,64\], expected \[7,7,3,64\]/);
  });

  it('after a refused file the default backbone still loads', async () => {
    await expect(loadResNet(good.json, good.shards.slice(1))).rejects.toThrow(/missing weight shard/);
    const r = await embedHandlers['embed.load']({ backbone: 'mobilenet-v2-140-hub', source: { kind: 'files', files: defaultFiles } }, ctx);
    expect(r).toMatchObject({ backbone: 'mobilenet-v2-140-hub', dim: 1792, randomWeights: false });
  });
});
