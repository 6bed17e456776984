/**
 * The thread protocol of the ML worker: every method with its request and
 * response types. Both sides are typed from this one table (the client's
 * `call` and the worker's handlers), so they cannot drift. Progress and log
 * events and errors use the generic wire format in lib/rpc/wire.ts.
 *
 * Each cell adds its methods here, one section per cell (request and response types in the
 * section's file of this folder; backend names in backend.ts). Only typed arrays
 * and plain records cross: no class instances, no tensors.
 */

import type { AlsFitRequest, AlsFitResult } from './als';
import type { BackendName, BackendReport } from './backend';
import type { EmbedImagesRequest, EmbedImagesResult, EmbedKnnRequest, EmbedKnnResult, EmbedLoadRequest, EmbedLoadResult } from './embed';
import type { RecsBacktestRequest, RecsBacktestResult, RecsHybridRequest, RecsHybridResult } from './recs';
import type { TowersMfRequest, TowersTrainRequest, TowersTrainResult } from './towers';

export type MlMethods = {
  /** Initialises (or re-initialises) TF.js with the preferred backend, falling back in order. */
  'backend.init': { req: { preferred: BackendName | null }; res: BackendReport };
  /** A small deterministic computation (matmul + softmax) to compare backends numerically. */
  'backend.selftest': { req: { n: number; seed: number }; res: { backend: BackendName; values: Float32Array; ms: number } };

  // ---- towers: Neural models cell (issue 7); types in towers.ts ----
  /** Trains a two-tower model (resuming from the IndexedDB checkpoint under cacheKey); per-epoch reports arrive as log lines (lib/towers/progress.ts). */
  'towers.trainTwoTower': { req: TowersTrainRequest; res: TowersTrainResult };
  /** Trains MF with dense towers on (user, item, target) triples with a seeded validation split. */
  'towers.trainMf': { req: TowersMfRequest; res: TowersTrainResult };
  /** Deletes cached two-tower checkpoints (all, or one key). */
  'towers.clearCache': { req: { cacheKey: string | null }; res: { deleted: number } };

  // ---- als: Collaborative filtering cell (issue 6); types in als.ts ----
  /** Fits ALS (progress per iteration, a log line with the loss per iteration, cancel between row chunks), then scores the holdout. */
  'als.fit': { req: AlsFitRequest; res: AlsFitResult };

  // ---- embed: Image embeddings cell (issue 5); types in embed.ts ----
  /** Loads a backbone (vendored URL, a URL, picked files, or none for the histogram / labelled random ResNet50V2). */
  'embed.load': { req: EmbedLoadRequest; res: EmbedLoadResult };
  /** Fetches, decodes and embeds photos in batches, resuming from the per-article IndexedDB cache; progress in images. */
  'embed.images': { req: EmbedImagesRequest; res: EmbedImagesResult };
  /** Exact top-k cosine neighbours in blocks (never n x n); progress in rows. */
  'embed.knn': { req: EmbedKnnRequest; res: EmbedKnnResult };
  /** Deletes cached embeddings (one backbone, or all). */
  'embed.clearCache': { req: { backbone: string | null }; res: { deleted: number } };

  // ---- recs: Hybrid and Evaluate cells (issues 14, 17); types in recs.ts ----
  /** The hybrid's lists for every customer, filter and co-purchase in memory; progress in customers. */
  'recs.hybrid': { req: RecsHybridRequest; res: RecsHybridResult };
  /** The rolling backtest of every strategy (two-stage ranked by lib/gbdt), explainer and submission lists; progress in fits. */
  'recs.backtest': { req: RecsBacktestRequest; res: RecsBacktestResult };
};
