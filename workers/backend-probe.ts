/**
 * The short probe of the real work on the backend TF.js is set to: one batch
 * of the default backbone (vendored MobileNetV2 1.4, seeded synthetic
 * 360×540 photos through the same preprocessing) and one two-tower training
 * step (the default config on a seeded synthetic set). A warm-up runs first so
 * shader compilation does not count against a GPU. Probe results are cached
 * per browser in IndexedDB, keyed by user agent + GPU identity.
 */
import * as tf from '@tensorflow/tfjs';
import { backbone as specOf, DEFAULT_BACKBONE } from '../lib/embed/backbones';
import { loadExtractor } from '../lib/embed/extractor';
import type { RgbImage } from '../lib/embed/preprocess';
import { trainTwoTower } from '../lib/towers/twotower';
import { DEFAULT_TWO_TOWER } from '../lib/towers/types';
import { mulberry32 } from '../lib/util/random';
import type { BackendCandidate, ProbeTiming } from './protocol/backend';
import { idbStore } from './ml/idb';

/** Photos in the timed batch (after a one-photo warm-up). */
const PROBE_BATCH = 4;
/** A backend slower than this on the probe is out (a GPU emulated on the CPU takes minutes). */
export const PROBE_LIMIT_MS = 30_000;

function syntheticPhoto(seed: number): RgbImage {
  const rand = mulberry32(seed);
  const width = 360;
  const height = 540;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i & 3) === 3 ? 255 : Math.floor(rand() * 256);
  return { width, height, channels: 4, data };
}

async function probeEmbed(): Promise<number> {
  const spec = specOf(DEFAULT_BACKBONE);
  if (!spec.vendoredUrl) throw new Error(`the default backbone ${spec.id} has no vendored weights`);
  const ex = await loadExtractor(tf, spec, tf.io.http(new URL(spec.vendoredUrl, self.location.href).href));
  try {
    await ex.embed([syntheticPhoto(1)]);
    const photos = Array.from({ length: PROBE_BATCH }, (_, i) => syntheticPhoto(2 + i));
    const t0 = performance.now();
    await ex.embed(photos);
    return (performance.now() - t0) / PROBE_BATCH;
  } finally {
    ex.dispose();
  }
}

async function probeTrainStep(): Promise<number> {
  // TF.js ops on the backend probed (the default kernel engine would not touch the backend).
  const cfg = { ...DEFAULT_TWO_TOWER, epochs: 1, engine: 'tfjs' as const };
  const rand = mulberry32(7);
  const n = cfg.batchSize;
  const data = {
    nUsers: 2000,
    nItems: 2000,
    users: Int32Array.from({ length: n }, () => Math.floor(rand() * 2000)),
    items: Int32Array.from({ length: n }, () => Math.floor(rand() * 2000)),
  };
  // Warm-up step (kernel compilation), then the timed one.
  (await trainTwoTower(data, cfg)).model.dispose();
  const t0 = performance.now();
  (await trainTwoTower(data, cfg)).model.dispose();
  return performance.now() - t0;
}

/** Probes the current backend; never throws (a failure is a result). */
export async function probeCurrentBackend(): Promise<ProbeTiming | { error: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`slower than ${PROBE_LIMIT_MS / 1000} s: out`)), PROBE_LIMIT_MS);
  });
  try {
    const work = (async () => ({ embedMsPerImage: await probeEmbed(), trainStepMs: await probeTrainStep() }))();
    return await Promise.race([work, limit]);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

// ---- the per-browser cache ----

/** Bumped when the probe's work changes (old numbers would mislead). */
const PROBE_VERSION = 1;
const probes = idbStore('atelier-backend', 'probes');

/** Cached candidates (with their probes) for this browser and GPU, if any. */
export async function cachedProbes(key: string): Promise<BackendCandidate[] | null> {
  try {
    const got = await probes.request<{ version: number; candidates: BackendCandidate[] } | undefined>('readonly', (s) => s.get(key));
    return got && got.version === PROBE_VERSION ? got.candidates : null;
  } catch {
    // A broken cache only costs a new probe.
    return null;
  }
}

export async function storeProbes(key: string, candidates: BackendCandidate[]): Promise<void> {
  try {
    await probes.write((s) => void s.put({ version: PROBE_VERSION, candidates, at: Date.now() }, key));
  } catch (e) {
    console.warn(`backend probe cache not written: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Deletes every cached probe (the System cell's "measure again"). */
export async function clearProbes(): Promise<void> {
  await probes.write((s) => void s.clear());
}
