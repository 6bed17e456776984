import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResNet50V2, RESNET50V2_DIM } from './resnet50v2';
import { artifactsFromFiles, converterWeightManifest, loadConverterWeights, manifestEntries, saveConverterFormat, type ConverterModelJson } from './weights';

const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../../shared/data');
const KERAS_JSON = path.join(DATA_DIR, 'models/keras-resnet50v2-topology/model.json');
const hasKeras = existsSync(KERAS_JSON);
if (!hasKeras) console.warn(`skipped: Keras ResNet50V2 manifest not found at ${KERAS_JSON} (set DATA_DIR)`);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(!hasKeras)('ResNet50V2 matches the Keras export', () => {
  const keras = hasKeras ? (JSON.parse(readFileSync(KERAS_JSON, 'utf8')) as ConverterModelJson) : null;
  let model: tf.LayersModel;
  beforeAll(() => {
    model = buildResNet50V2(tf, { seed: 1 });
  });
  afterAll(() => model?.dispose());

  it('has the same weight names, in the same order, with the same shapes', () => {
    const ours = converterWeightManifest(model);
    const theirs = manifestEntries(keras!);
    expect(theirs.length).toBe(270);
    expect(ours.map((w) => w.name)).toEqual(theirs.map((w) => w.name));
    expect(ours.map((w) => w.shape)).toEqual(theirs.map((w) => w.shape));
    expect(ours.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0)).toBe(23_564_800);
  });

  it('has the same layers, in the same order, then avg_pool to 2048-d', () => {
    const layers = (keras!.modelTopology as { model_config: { config: { layers: { name: string; class_name: string }[] } } }).model_config.config
      .layers;
    const ours = model.layers.map((l) => [l.name, l.getClassName()]);
    // The input layer's name is arbitrary in Keras (input_4 after three builds); the rest must agree.
    expect(ours.slice(1, -1)).toEqual(layers.slice(1).map((l) => [l.name, l.class_name]));
    expect(ours.at(-1)).toEqual(['avg_pool', 'GlobalAveragePooling2D']);
    expect(model.outputs[0].shape).toEqual([null, RESNET50V2_DIM]);
  });
});

describe('converter-format weights', () => {
  it('load back into a fresh model with identical outputs', async () => {
    // A 32x32 input keeps the CPU forward pass small; the weights are the full 23.5M.
    const a = buildResNet50V2(tf, { inputSize: 32, seed: 7 });
    const b = buildResNet50V2(tf, { inputSize: 32, seed: 8 });
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 3);
    try {
      const { modelJson, shards } = await saveConverterFormat(tf, a);
      expect(shards.length).toBe(23);
      expect(shards[0].path).toBe('group1-shard1of23.bin');
      // Round trip through JSON text, as files on disk would.
      const json = JSON.parse(JSON.stringify(modelJson)) as ConverterModelJson;
      const files = new Map(shards.map((s) => [s.path, s.data]));
      const ya = (await (a.predict(x) as tf.Tensor).data()) as Float32Array;
      const before = (await (b.predict(x) as tf.Tensor).data()) as Float32Array;
      expect(Array.from(before)).not.toEqual(Array.from(ya));
      loadConverterWeights(tf, b, artifactsFromFiles(json, files));
      const yb = (await (b.predict(x) as tf.Tensor).data()) as Float32Array;
      expect(yb.length).toBe(2 * RESNET50V2_DIM);
      expect(Array.from(yb)).toEqual(Array.from(ya));
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
    }
  });

  it('refuses files whose weights do not match, naming them', async () => {
    const a = buildResNet50V2(tf, { inputSize: 32, seed: 1 });
    try {
      const { modelJson, shards } = await saveConverterFormat(tf, a);
      const files = new Map(shards.map((s) => [s.path, s.data]));
      const bad = structuredClone(modelJson);
      bad.weightsManifest[0].weights[0] = { ...bad.weightsManifest[0].weights[0], name: 'conv1_conv/kernel_x' };
      expect(() => loadConverterWeights(tf, a, artifactsFromFiles(bad, files))).toThrow(/unexpected weight conv1_conv\/kernel_x.*missing weight conv1_conv\/kernel/);
      files.delete('group1-shard3of23.bin');
      expect(() => artifactsFromFiles(modelJson, files)).toThrow(/missing weight shard: group1-shard3of23.bin/);
    } finally {
      a.dispose();
    }
  });
});
