/**
 * Inputs of bench/hybrid on the H&M sample (Node only): the interaction log
 * and catalogue (department, index), a 7-day test split, image neighbours
 * from the colour-and-texture histogram of the photos (no CNN in Node), and
 * an ALS model fitted with the plain-TypeScript CG solver on the weights the
 * peer gets too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { cgSolver, fitAls, prepareInteractions, type AlsModel } from '../../lib/cf';
import type { InteractionLog, ItemCatalog } from '../../lib/data/dataset';
import { buildInteractionLog } from '../../lib/data/interactions';
import { splitLastDays } from '../../lib/data/split';
import { parseIsoDay } from '../../lib/data/table';
import { colourTextureHistogram } from '../../lib/embed/histogram';
import { bruteForceTopK } from '../../lib/embed/knn';
import type { KnnResult } from '../../lib/embed/knn/types';
import { decodeJpeg, HM_DIR } from './hm';

export const ALS_PARAMS = { factors: 64, regularization: 0.05, alpha: 10, iterations: 15, cgSteps: 3, seed: 42 };

export interface HybridBenchInput {
  log: InteractionLog;
  catalog: Pick<ItemCatalog, 'department' | 'index'>;
  cutoff: number;
  test: InteractionLog;
  photos: { rows: Int32Array; knn: KnnResult; seconds: number };
  als: { model: AlsModel; confidence: { indptr: number[]; indices: number[]; data: number[] } };
}

export async function loadHybridBench(maxPhotos: number): Promise<HybridBenchInput> {
  const lines = readFileSync(path.join(HM_DIR, 'transactions_sample.csv'), 'utf8').trim().split('\n').slice(1);
  const cols = lines.map((l) => l.split(','));
  const log = buildInteractionLog({ user: cols.map((c) => c[1]), item: cols.map((c) => c[2]), day: cols.map((c) => parseIsoDay(c[0])) });
  const buf = readFileSync(path.join(HM_DIR, 'articles.parquet'));
  const arts = (await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), compressors, columns: ['article_id', 'department_name', 'index_name'] })) as {
    article_id: string; department_name: string | null; index_name: string | null;
  }[];
  const byId = new Map(arts.map((a) => [a.article_id, a]));
  const catalog = { department: log.itemKeys.map((k) => byId.get(k)?.department_name ?? null), index: log.itemKeys.map((k) => byId.get(k)?.index_name ?? null) };
  const split = splitLastDays(log, 7);

  // Photos → 96-d histograms → exact top-10 cosine neighbours.
  const itemOf = new Map(log.itemKeys.map((k, i) => [k, i]));
  const manifest = readFileSync(path.join(HM_DIR, 'images_manifest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const rows: number[] = [];
  const vecs: Float32Array[] = [];
  const t0 = performance.now();
  for (const [id, rel] of manifest.slice(0, maxPhotos)) {
    const i = itemOf.get(id);
    if (i === undefined) continue;
    rows.push(i);
    vecs.push(colourTextureHistogram(decodeJpeg(path.join(HM_DIR, rel))));
  }
  const data = new Float32Array(vecs.length * vecs[0].length);
  vecs.forEach((v, r) => data.set(v, r * v.length));
  const knn = bruteForceTopK({ data, n: vecs.length, d: vecs[0].length }, { k: 10 });
  const seconds = (performance.now() - t0) / 1000;

  const prepared = prepareInteractions(split.train, { weighting: 'count' });
  const model = await fitAls(prepared.weights, ALS_PARAMS, { solver: cgSolver(), computeLoss: false, filteredUsers: prepared.filteredUsers, filteredItems: prepared.filteredItems });
  const w = prepared.weights;
  return {
    log,
    catalog,
    cutoff: split.cutoffDay!,
    test: split.test,
    photos: { rows: Int32Array.from(rows), knn, seconds },
    als: { model, confidence: { indptr: Array.from(w.indptr), indices: Array.from(w.indices), data: Array.from(w.data, (x) => 1 + ALS_PARAMS.alpha * x) } },
  };
}
