/**
 * Puts Keras MobileNetV2 (alpha 1.4) weights into the default backbone's own
 * files: the TF-Hub `mobilenet_v2_140_224/feature_vector` graph model that the
 * app ships (nsfwjs's copy). That graph has every BatchNormalization folded
 * into its convolution (`Conv2D_weights` + `Conv2D_bn_offset`), so each Keras
 * conv + BN pair is folded the same way: W·γ/√(σ²+ε) per output channel and
 * β − μ·γ/√(σ²+ε) (ε = 1e-3, Keras MobileNetV2's). Weights outside the
 * feature path (nsfwjs's 5-class head) keep their bytes. Test code only.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { ConverterModelJson, WeightEntry } from '../../lib/embed/weights';

const BN_EPSILON = 1e-3;
const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** Keras layer names (conv, BN) for a TF-Hub scope under `MobilenetV2/`. */
export function kerasLayersFor(scope: string): [string, string] | null {
  if (scope === 'Conv') return ['Conv1', 'bn_Conv1'];
  if (scope === 'Conv_1') return ['Conv_1', 'Conv_1_bn'];
  const m = /^expanded_conv(?:_(\d+))?\/(expand|depthwise|project)$/.exec(scope);
  if (!m) return null;
  const base = m[1] ? `block_${m[1]}_${m[2]}` : `expanded_conv_${m[2]}`;
  return [base, `${base}_BN`];
}

/** Returns graph-model artifacts: the hub graph with the Keras weights folded in (float32). */
export function hubGraphWithKerasWeights(
  hub: ConverterModelJson,
  hubData: ArrayBuffer,
  keras: ConverterModelJson,
  kerasData: ArrayBuffer,
): { artifacts: tfType.io.ModelArtifacts; replaced: number; kept: string[] } {
  // Keras values by name.
  const kv = new Map<string, Float32Array>();
  let o = 0;
  for (const w of keras.weightsManifest.flatMap((g) => g.weights)) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    kv.set(w.name, new Float32Array(kerasData.slice(o, o + 4 * n)));
    o += 4 * n;
  }
  const get = (name: string) => {
    const v = kv.get(name);
    if (!v) throw new Error(`invalid Keras file: no weight ${name}`);
    return v;
  };
  const specs: tfType.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  const kept: string[] = [];
  let replaced = 0;
  let off = 0;
  for (const w of hub.weightsManifest.flatMap((g) => g.weights) as (WeightEntry & { quantization?: { dtype: string } })[]) {
    const bytes = BYTES[w.quantization?.dtype ?? w.dtype] * w.shape.reduce((a, b) => a * b, 1);
    const original = new Uint8Array(hubData, off, bytes);
    off += bytes;
    const m = /\/MobilenetV2\/(.+)\/(Conv2D|depthwise)_(weights|bn_offset)$/.exec(w.name);
    const layers = m ? kerasLayersFor(m[1]) : null;
    if (!m || !layers) {
      specs.push(w as tfType.io.WeightsManifestEntry);
      parts.push(original);
      kept.push(w.name);
      continue;
    }
    const [conv, bn] = layers;
    const gamma = get(`${bn}/gamma`);
    const beta = get(`${bn}/beta`);
    const mean = get(`${bn}/moving_mean`);
    const variance = get(`${bn}/moving_variance`);
    const scale = Float64Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + BN_EPSILON));
    let out: Float32Array;
    if (m[3] === 'bn_offset') out = Float32Array.from(beta, (b, c) => b - mean[c] * scale[c]);
    else {
      const k = get(`${conv}/kernel`);
      // Output channel: the last axis of a conv kernel [h, w, in, out]; the channel axis (2) of a depthwise [h, w, c, 1].
      const channels = scale.length;
      const stride = m[2] === 'depthwise' ? w.shape[3] : 1;
      out = Float32Array.from(k, (v, i) => v * scale[Math.floor(i / stride) % channels]);
    }
    if (out.length * 4 !== w.shape.reduce((a, b) => a * b, 4)) throw new Error(`invalid shape for ${w.name}: Keras ${conv} has ${out.length} values`);
    specs.push({ name: w.name, shape: w.shape, dtype: 'float32' });
    parts.push(new Uint8Array(out.buffer));
    replaced++;
  }
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const weightData = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    weightData.set(part, p);
    p += part.byteLength;
  }
  return {
    artifacts: { format: 'graph-model', modelTopology: hub.modelTopology as tfType.io.ModelArtifacts['modelTopology'], weightSpecs: specs, weightData: weightData.buffer },
    replaced,
    kept,
  };
}
