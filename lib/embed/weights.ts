/**
 * Weights in the TensorFlow.js converter's layers-model format (`model.json`
 * with a `weightsManifest`, plus binary shards), for models built with
 * `tf.layers`: the weight manifest in the converter's order, writing a model
 * in that format, and loading such files into an already-built model with
 * every name and shape checked first.
 */
import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;

/** One weight as the converter lists it. */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
}

/** The `model.json` the converter writes (the parts this code reads and writes). */
export interface ConverterModelJson {
  format: 'layers-model' | 'graph-model';
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
}

/**
 * The model's weights in the order `tensorflowjs_converter --input_format=keras`
 * writes them: layers sorted by name (the order of the groups in the Keras
 * HDF5 file), each layer's weights in the layer's own order (kernel, bias;
 * gamma, beta, moving_mean, moving_variance). Names are the unsuffixed
 * `layer/weight` names that files use.
 */
export function converterWeightManifest(model: tfType.LayersModel): WeightEntry[] {
  const layers = [...model.layers].filter((l) => l.weights.length > 0);
  layers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return layers.flatMap((l) => l.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[], dtype: w.dtype })));
}

/** Flattens a model.json's manifest groups into one ordered list. */
export function manifestEntries(json: Pick<ConverterModelJson, 'weightsManifest'>): WeightEntry[] {
  return json.weightsManifest.flatMap((g) => g.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype ?? 'float32' })));
}

/** Default shard size of the converter (4 MiB). */
export const CONVERTER_SHARD_BYTES = 4 * 1024 * 1024;

/**
 * Writes `model` in the converter's format: model.json (topology + manifest in
 * converter order) and `group1-shardKofN.bin` shards of at most `shardBytes`.
 */
export async function saveConverterFormat(
  tf: Tf,
  model: tfType.LayersModel,
  shardBytes = CONVERTER_SHARD_BYTES,
): Promise<{ modelJson: ConverterModelJson; shards: { path: string; data: ArrayBuffer }[] }> {
  if (!Number.isInteger(shardBytes) || shardBytes < 4) throw new Error(`invalid shardBytes: ${shardBytes}; expected a whole number >= 4`);
  const entries = converterWeightManifest(model);
  const byName = new Map<string, tfType.LayerVariable>();
  for (const w of model.weights) byName.set(w.originalName, w);
  const bytes = new Uint8Array(entries.reduce((s, e) => s + 4 * e.shape.reduce((a, b) => a * b, 1), 0));
  let offset = 0;
  for (const e of entries) {
    const v = byName.get(e.name);
    if (!v) throw new Error(`invalid weight: ${e.name}; not in the model`);
    const data = (await v.read().data()) as Float32Array;
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  const n = Math.max(1, Math.ceil(bytes.byteLength / shardBytes));
  const shards = Array.from({ length: n }, (_, i) => ({
    path: `group1-shard${i + 1}of${n}.bin`,
    data: bytes.slice(i * shardBytes, Math.min(bytes.byteLength, (i + 1) * shardBytes)).buffer,
  }));
  const modelJson: ConverterModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: 'atelier lib/embed/weights.ts',
    modelTopology: model.toJSON(null, false),
    weightsManifest: [{ paths: shards.map((s) => s.path), weights: entries }],
  };
  return { modelJson, shards };
}

/**
 * Builds the artifacts a load handler returns from a model.json and its shard
 * files (picked by the user, or fetched), joining the shards in manifest order.
 * Names the first missing shard.
 */
export function artifactsFromFiles(json: ConverterModelJson, files: ReadonlyMap<string, ArrayBuffer>): tfType.io.ModelArtifacts {
  // Files from older converters lack `format`; the topology tells.
  const topo = json?.modelTopology as { node?: unknown; model_config?: unknown; class_name?: unknown } | undefined;
  const format = json?.format ?? (topo?.node ? 'graph-model' : topo?.model_config || topo?.class_name ? 'layers-model' : undefined);
  if (format !== 'layers-model' && format !== 'graph-model') {
    throw new Error(`invalid format: ${String(json?.format)}; expected a TF.js model.json (tensorflowjs_converter --input_format=keras)`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new Error('invalid weightsManifest: missing; expected the converter manifest');
  const parts: ArrayBuffer[] = [];
  for (const g of json.weightsManifest) {
    for (const p of g.paths) {
      const base = p.split('/').pop() ?? p;
      const data = files.get(p) ?? files.get(base);
      if (!data) throw new Error(`missing weight shard: ${p}; pick it together with model.json`);
      parts.push(data);
    }
  }
  const total = parts.reduce((s, b) => s + b.byteLength, 0);
  checkWeightBytes(json.weightsManifest.flatMap((g) => g.weights) as tfType.io.WeightsManifestEntry[], total, parts.length);
  const joined = new Uint8Array(total);
  let o = 0;
  for (const b of parts) {
    joined.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return { format, modelTopology: json.modelTopology as tfType.io.ModelArtifacts['modelTopology'], weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tfType.io.WeightsManifestEntry[], weightData: joined.buffer };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Bytes one weight takes in the shards (quantized weights take their quantized size); null when unknown. */
function weightBytes(w: tfType.io.WeightsManifestEntry): number | null {
  const per = BYTES[w.quantization?.dtype ?? w.dtype];
  return per === undefined ? null : per * w.shape.reduce((a, b) => a * b, 1);
}

/**
 * Checks that the shards hold exactly the bytes the manifest describes; a
 * short total names the first weight that is cut off.
 */
export function checkWeightBytes(specs: readonly tfType.io.WeightsManifestEntry[], total: number, shards: number): void {
  let need = 0;
  let firstCut: tfType.io.WeightsManifestEntry | null = null;
  for (const w of specs) {
    const b = weightBytes(w);
    if (b === null) return; // strings or unknown dtypes: TF.js checks those itself
    need += b;
    if (!firstCut && need > total) firstCut = w;
  }
  if (total === need) return;
  if (firstCut) {
    throw new Error(
      `invalid weight data: ${total} bytes in ${shards} shard(s), the manifest needs ${need}: weight ${firstCut.name} [${firstCut.shape.join(',')}] ` +
        'and the ones after it are cut off (a shard is truncated, or belongs to another model.json)',
    );
  }
  throw new Error(`invalid weight data: ${total} bytes in ${shards} shard(s), the manifest needs ${need}: the shards belong to another model.json`);
}

/**
 * Checks that `specs` (from a file) name exactly the model's weights with the
 * same shapes; returns the problems (empty when they match).
 */
export function compareManifest(model: tfType.LayersModel, specs: readonly WeightEntry[]): string[] {
  const want = new Map(converterWeightManifest(model).map((e) => [e.name, e.shape]));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    seen.add(s.name);
    const shape = want.get(s.name);
    if (!shape) problems.push(`unexpected weight ${s.name} [${s.shape.join(',')}]`);
    else if (shape.join(',') !== s.shape.join(',')) problems.push(`weight ${s.name}: shape [${s.shape.join(',')}], expected [${shape.join(',')}]`);
  }
  for (const name of want.keys()) if (!seen.has(name)) problems.push(`missing weight ${name}`);
  return problems;
}

/**
 * Loads converter-format weights into `model` (built by this code). Every
 * weight must be present with the model's shape; otherwise throws naming the
 * first problems, and the model is left unchanged.
 */
export function loadConverterWeights(tf: Tf, model: tfType.LayersModel, artifacts: tfType.io.ModelArtifacts): void {
  const specs = artifacts.weightSpecs;
  if (artifacts.format === 'graph-model') {
    throw new Error(`invalid weights: a graph model (format graph-model); ${model.name} needs the layers format that tensorflowjs_converter --input_format=keras writes`);
  }
  if (!specs || !artifacts.weightData) throw new Error('invalid weights: the files hold no weights manifest or no weight data');
  const entries = specs.map((s) => ({ name: s.name, shape: [...s.shape], dtype: s.dtype }));
  const want = converterWeightManifest(model);
  const wanted = new Set(want.map((w) => w.name));
  const known = entries.filter((e) => wanted.has(e.name)).length;
  if (known < want.length / 2) {
    // Not a near miss: a different network's file (e.g. a MobileNet model.json given as ResNet50V2 weights).
    const e = entries[0];
    throw new Error(
      `invalid weights: not ${model.name} weights: ${known} of the file's ${entries.length} weights are ${model.name}'s ` +
        `(its first is ${e ? `${e.name} [${e.shape.join(',')}]` : 'none'}; expected ${want[0].name} [${want[0].shape.join(',')}] and ${want.length - 1} more)`,
    );
  }
  const problems = compareManifest(model, entries);
  if (problems.length > 0) {
    throw new Error(`invalid weights: ${problems.length} mismatches with ${model.name}: ${problems.slice(0, 5).join('; ')}`);
  }
  const named = tf.io.decodeWeights(artifacts.weightData, specs);
  try {
    model.loadWeights(named, true);
  } finally {
    tf.dispose(Object.values(named));
  }
}
