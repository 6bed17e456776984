/**
 * Inputs of bench/hybrid on the H&M sample (Node only): the interaction log
 * and catalogue (department, index), a 7-day test split, image neighbours
 * from the colour-and-texture histogram of the photos (no CNN in Node), and
 * an ALS model fitted with the plain-TypeScript CG solver on the weights the
 * peer gets too.
 */
import { cgSolver, fitAls, prepareInteractions, type AlsModel } from '../../lib/cf';
import type { InteractionLog, ItemCatalog } from '../../lib/data/dataset';
import { splitLastDays } from '../../lib/data/split';
import type { KnnResult } from '../../lib/embed/knn/types';
import { hmPhotoNeighbours, loadHmCatalog, loadHmSampleLog } from './hm';

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
  const log = loadHmSampleLog();
  const catalog = await loadHmCatalog(log);
  const split = splitLastDays(log, 7);
  // Photos → 96-d histograms → exact top-10 cosine neighbours.
  const { rows, knn, seconds } = hmPhotoNeighbours(log, maxPhotos, 10);

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
