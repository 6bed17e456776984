/**
 * Inputs and peers of bench/recs (Node only): the H&M sample as an
 * InteractionLog (price as value), department/index, ages, image neighbours
 * from the colour-and-texture histogram of the photos (cached in
 * bench/results), the LightGBM ranker (bench/py/recs_peer.py) behind the
 * two-stage `RankerFit`, and implicit's ALS lists per cutoff.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GbdtParams } from '../../lib/gbdt';
import type { InteractionLog } from '../../lib/data/dataset';
import { neighboursByItem, type CatalogView, type ItemNeighbours, type RankerData, type RankerFit } from '../../lib/recs';
import { HM_DIR, hmPhotoNeighbours, loadHmCatalog, loadHmSampleLog } from './hm';

/** Ranker settings: lib/gbdt's GbdtParams without the seed (LightGBM gets the same; seeds are averaged). */
export type RankerParams = Omit<GbdtParams, 'seed'>;

export const RANKER_DEFAULTS: RankerParams = {
  objective: 'binary', numRounds: 200, learningRate: 0.05, maxDepth: 6, numLeaves: 31, minDataInLeaf: 20,
  featureFraction: 0.8, baggingFraction: 0.8, lambdaL2: 1, maxBin: 255, minDataInBin: 3,
};

export interface RecsBenchInput {
  log: InteractionLog;
  catalog: CatalogView;
  ages: Float32Array;
  image: ItemNeighbours | null;
  photos: number;
  photoSeconds: number;
}

export async function loadRecsBench(maxPhotos: number, cacheDir: string): Promise<RecsBenchInput> {
  const log = loadHmSampleLog({ price: true });
  const catalog = await loadHmCatalog(log);
  const ageOf = new Map(readFileSync(path.join(HM_DIR, 'customers_sample.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map((c) => [c[0], c[5] === '' ? NaN : Number(c[5])]));
  const ages = Float32Array.from(log.userKeys, (k) => ageOf.get(k) ?? NaN);

  // Photos → 96-d histograms → exact top-20 cosine neighbours (cached: decoding 2.5k JPEGs is the slow part).
  const cache = path.join(cacheDir, `recs-image-knn-${Number.isFinite(maxPhotos) ? maxPhotos : 'all'}.json`);
  let rows: number[];
  let knn: { n: number; k: number; indices: Int32Array; scores: Float32Array };
  let photoSeconds = 0;
  if (existsSync(cache)) {
    const c = JSON.parse(readFileSync(cache, 'utf8'));
    rows = c.rows;
    knn = { n: c.n, k: c.k, indices: Int32Array.from(c.indices), scores: Float32Array.from(c.scores) };
    photoSeconds = c.seconds;
  } else {
    const p = hmPhotoNeighbours(log, maxPhotos, 20);
    ({ rows, knn } = p);
    photoSeconds = p.seconds;
    writeFileSync(cache, JSON.stringify({ rows, n: knn.n, k: knn.k, indices: Array.from(knn.indices), scores: Array.from(knn.scores), seconds: photoSeconds }));
  }
  const image = rows.length ? neighboursByItem(log.nItems, rows, knn as Parameters<typeof neighboursByItem>[2], 20) : null;
  return { log, catalog, ages, image, photos: rows.length, photoSeconds };
}

const PEER = path.resolve(__dirname, '../py/recs_peer.py');

/** LightGBM as a two-stage ranker: one booster per seed, predictions averaged. `seconds` collects training times. */
export function lightgbmFit(python: string, params: RankerParams, seeds: number[], seconds: number[], threads: number): RankerFit {
  return async (d: RankerData) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'recs-lgbm-'));
    const env = { ...process.env, BENCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    writeFileSync(path.join(dir, 'X.f32'), Buffer.from(d.X.buffer, d.X.byteOffset, d.X.byteLength));
    writeFileSync(path.join(dir, 'y.f32'), Buffer.from(d.y.buffer, d.y.byteOffset, d.y.byteLength));
    writeFileSync(path.join(dir, 'groups.i32'), Buffer.from(d.groups.buffer, d.groups.byteOffset, d.groups.byteLength));
    writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ nFeatures: d.nFeatures, params, seeds, featureNames: d.featureNames }));
    const fit = JSON.parse(execFileSync(python, [PEER, 'lgbm-fit', dir], { env, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim().split('\n').pop()!);
    seconds.push(fit.seconds);
    return {
      predict(X: Float32Array, nFeatures: number) {
        if (nFeatures !== d.nFeatures) throw new Error(`invalid nFeatures: ${nFeatures}; the booster has ${d.nFeatures}`);
        writeFileSync(path.join(dir, 'P.f32'), Buffer.from(X.buffer, X.byteOffset, X.byteLength));
        execFileSync(python, [PEER, 'lgbm-predict', dir], { env, stdio: ['ignore', 'ignore', 'inherit'] });
        const b = readFileSync(path.join(dir, 'pred.f64'));
        const out = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        rmSync(dir, { recursive: true, force: true });
        return out;
      },
    };
  };
}

/** implicit's ALS top-n per fit (one fit per cutoff), on the confidences 1 + alpha·w our ALS sees. */
export function implicitLists(
  python: string,
  fits: { weights: { indptr: Int32Array; indices: Int32Array; data: Float32Array }; users: number[] }[],
  shape: { nUsers: number; nItems: number },
  params: { factors: number; regularization: number; alpha: number; iterations: number; seed: number },
  n: number,
  threads: number,
): { version: string; lists: number[][][] } {
  const input = {
    ...shape, params, n,
    fits: fits.map((f) => ({ indptr: Array.from(f.weights.indptr), indices: Array.from(f.weights.indices), data: Array.from(f.weights.data, (x) => 1 + params.alpha * x), users: f.users })),
  };
  const out = execFileSync(python, [PEER, 'als'], {
    input: JSON.stringify(input), maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads) },
  }).toString();
  return JSON.parse(out.trim().split('\n').pop()!);
}
