/**
 * The Keras peer of the parity tests: a Python virtual environment with
 * tensorflow-cpu (and Pillow for `load_img`) from PyPI, created on first use
 * under `.data/keras-venv` (ignored by git; `KERAS_VENV` overrides) and reused,
 * and the reference files keras_peer.py writes, cached per model, seed and
 * photo set under `.data/keras-parity/`. Node only; the app never imports it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const DATA_DIR = process.env.DATA_DIR ?? path.resolve(ROOT, '../shared/data');
export const HM_DIR = path.join(DATA_DIR, 'hm');
const VENV = process.env.KERAS_VENV ?? path.join(ROOT, '.data', 'keras-venv');
const PYTHON = path.join(VENV, 'bin', 'python');
/** What the test's setup installs (tensorflow-cpu brings Keras 3; load_img needs Pillow). */
export const PEER_PACKAGES = ['tensorflow-cpu', 'pillow'];

/** The venv's python, or why the peer cannot be had here (the test is skipped with that reason). */
export type Peer = { python: string; installSeconds: number } | { skip: string };

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Creates the venv and installs the peer packages when missing (minutes on the
 * first run: tensorflow-cpu is a ~250 MB wheel), serialised by a lock file.
 */
export function kerasPeer(): Peer {
  mkdirSync(path.dirname(VENV), { recursive: true });
  const lock = `${VENV}.lock`;
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (i > 3600) return { skip: `${lock} held for an hour; delete it if no install is running` };
      sleep(1000);
    }
  }
  const t0 = Date.now();
  try {
    if (!existsSync(PYTHON)) {
      const v = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
      if (v.status !== 0) return { skip: `python3 -m venv failed (${(v.stderr || v.error?.message || '').trim().split('\n').pop()})` };
    }
    const probe = spawnSync(PYTHON, ['-c', 'import tensorflow, keras, PIL'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      const pip = spawnSync(PYTHON, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...PEER_PACKAGES], { encoding: 'utf8' });
      if (pip.status !== 0) {
        const why = (pip.stderr || pip.error?.message || '').trim().split('\n').slice(-2).join(' ');
        return { skip: `pip could not install the Keras peer (${PEER_PACKAGES.join(' ')}): ${why}` };
      }
    }
  } finally {
    unlinkSync(lock);
  }
  return { python: PYTHON, installSeconds: (Date.now() - t0) / 1000 };
}

/** The photos the tests embed: every 600th of the manifest (4 of 2,522), as absolute paths. */
export function parityPhotos(count = 4, step = 600): string[] {
  const lines = readFileSync(path.join(HM_DIR, 'images_manifest.csv'), 'utf8').trim().split('\n').slice(1);
  return Array.from({ length: count }, (_, i) => path.join(HM_DIR, lines[i * step].split(',')[1]));
}

/** What keras_peer.py wrote. */
export interface KerasReference {
  dir: string;
  modelDir: string;
  meta: {
    model: string;
    seed: number;
    tensorflow: string;
    keras: string;
    pillow: string;
    converter: string;
    weights: number;
    params: number;
    dim: number;
    photos: { file: string; width: number; height: number }[];
    predictSeconds: number;
  };
  /** PIL's decoded RGB bytes of each photo at full size. */
  pixels: Uint8Array[];
  /** Keras's network inputs (load_img + preprocess_input), photos x 224*224*3. */
  inputs: Float32Array;
  /** Keras's embeddings, photos x dim. */
  embeddings: Float32Array;
  /** Seconds keras_peer.py took (0 when the files were cached). */
  seconds: number;
}

function floats(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Runs keras_peer.py (or reuses its cached output) for `model`, `seed` and `photos`. */
export function kerasReference(python: string, model: 'resnet50v2' | 'mobilenetv2-140', seed: number, photos: string[]): KerasReference {
  const script = path.join(ROOT, 'test/keras/keras_peer.py');
  const hash = createHash('sha256')
    .update(readFileSync(script))
    .update(readFileSync(path.join(ROOT, 'scripts/keras_to_tfjs.py')))
    .update(photos.map((p) => path.basename(p)).join(','))
    .digest('hex')
    .slice(0, 12);
  const dir = path.join(ROOT, '.data', 'keras-parity', `${model}-${seed}-${hash}`);
  let seconds = 0;
  if (!existsSync(path.join(dir, 'reference.json'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const t0 = Date.now();
    execFileSync(python, [script, dir, model, String(seed), ...photos], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 26 });
    seconds = (Date.now() - t0) / 1000;
  }
  const meta = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8')) as KerasReference['meta'];
  const all = readFileSync(path.join(dir, 'pixels.bin'));
  const pixels: Uint8Array[] = [];
  let o = 0;
  for (const p of meta.photos) {
    const n = p.width * p.height * 3;
    pixels.push(new Uint8Array(all.buffer.slice(all.byteOffset + o, all.byteOffset + o + n)));
    o += n;
  }
  return { dir, modelDir: path.join(dir, 'model'), meta, pixels, inputs: floats(path.join(dir, 'inputs.bin')), embeddings: floats(path.join(dir, 'embeddings.bin')), seconds };
}

/** The converter's files in a folder, as the person would pick them. */
export function pickedFiles(dir: string): { name: string; data: ArrayBuffer }[] {
  return readdirSync(dir)
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((name) => {
      const b = readFileSync(path.join(dir, name));
      return { name, data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
    });
}

/** Largest absolute difference, the largest |reference| and the cosine of each row. */
/** `rows` minus the per-column mean of `basis` over its rows (photos): the photo-dependent part. */
export function centreDim(rows: Float32Array, basis: Float32Array, dim: number): Float32Array {
  const n = basis.length / dim;
  const out = new Float32Array(rows.length);
  for (let j = 0; j < dim; j++) {
    let m = 0;
    for (let r = 0; r < n; r++) m += basis[r * dim + j];
    m /= n;
    for (let r = 0; r < rows.length / dim; r++) out[r * dim + j] = rows[r * dim + j] - m;
  }
  return out;
}

export function compareRows(ours: Float32Array, ref: Float32Array, dim: number): { maxAbs: number; refMaxAbs: number; cosines: number[] } {
  if (ours.length !== ref.length) throw new Error(`invalid lengths: ${ours.length} vs ${ref.length}`);
  let maxAbs = 0;
  let refMaxAbs = 0;
  const cosines: number[] = [];
  for (let r = 0; r < ours.length / dim; r++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(ours[j] - ref[j]));
      refMaxAbs = Math.max(refMaxAbs, Math.abs(ref[j]));
      dot += ours[j] * ref[j];
      na += ours[j] * ours[j];
      nb += ref[j] * ref[j];
    }
    cosines.push(dot / Math.sqrt(na * nb));
  }
  return { maxAbs, refMaxAbs, cosines };
}
