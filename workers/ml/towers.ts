/**
 * Handlers for the Neural models cell: thin adapters over lib/towers. They
 * post per-step progress and per-epoch reports (as log lines), honour
 * cancel, and keep a checkpoint (two-tower or MF) per cache key in IndexedDB after
 * every epoch, so a reloaded page resumes where it stopped.
 */
import * as tf from '@tensorflow/tfjs';
import type { HandlerContext, Handlers } from '../../lib/rpc/server';
import { evaluateRanking } from '../../lib/metrics';
import { formatEpochLine } from '../../lib/towers/progress';
import { recommendForUsers } from '../../lib/towers/recommend';
import { trainMf } from '../../lib/towers/mf';
import type { TrainCheckpoint } from '../../lib/towers/loop';
import { kernelApplies } from '../../lib/towers/kernel';
import { trainTwoTower } from '../../lib/towers/twotower';
import type { EpochReport, TowerEmbeddings } from '../../lib/towers/types';
import type { BackendName } from '../protocol/backend';
import type { MlMethods } from '../protocol/ml';
import type { TowersEvalSpec, TowersTrainResult } from '../protocol/towers';
import { idbStore } from './idb';

const cache = idbStore('atelier-towers', 'checkpoints');

/** Stored checkpoint plus the config it belongs to (a key collision must not resume a different model). */
interface Stored {
  configJson: string;
  checkpoint: TrainCheckpoint;
}

/** The checkpoint stored under `cacheKey`, if it was saved for exactly this model config. */
async function cachedCheckpoint(cacheKey: string | null, configJson: string, epochs: number, ctx: HandlerContext): Promise<TrainCheckpoint | undefined> {
  const stored = cacheKey ? await cache.request<Stored>('readonly', (s) => s.get(cacheKey)) : undefined;
  const resume = stored && stored.configJson === configJson ? stored.checkpoint : undefined;
  if (resume) ctx.log(`resuming from the cached checkpoint after epoch ${resume.epochsDone} of ${epochs}`);
  for (const h of resume?.history ?? []) ctx.log(formatEpochLine(h));
  return resume;
}

/** Stores each epoch's checkpoint; a write the browser refuses (e.g. a value over its size limit) is logged, and training goes on. */
function saver(cacheKey: string | null, configJson: string, ctx: HandlerContext) {
  return cacheKey
    ? async (checkpoint: TrainCheckpoint) =>
        void (await cache
          .request('readwrite', (s) => s.put({ configJson, checkpoint } satisfies Stored, cacheKey))
          .catch((err: unknown) => ctx.log(`checkpoint not cached: ${(err as Error).message}`)))
    : undefined;
}

/** Progress posts at most every 100 ms: a step can take a millisecond. */
function throttled(ctx: HandlerContext) {
  let last = 0;
  return (label: string, done: number, total: number) => {
    const now = performance.now();
    if (now - last < 100 && done < total) return;
    last = now;
    ctx.progress({ label, done, total, unit: 'steps' });
  };
}

function evaluator(spec: TowersEvalSpec | null) {
  if (!spec) return undefined;
  const relevant = Array.from(spec.testUsers, (_, k) => new Set(spec.relevantItems.subarray(spec.relevantIndptr[k], spec.relevantIndptr[k + 1])));
  return (emb: TowerEmbeddings) => {
    const r = evaluateRanking(recommendForUsers(emb, spec.testUsers, spec.k, spec.exclude), relevant, spec.exclude.nCols);
    return { ndcg_at_10: r.ndcg_at_10, hit_rate_at_10: r.hit_rate_at_10, coverage_at_10: r.coverage_at_10, map_at_12: r.map_at_12 };
  };
}

/** The reply of a training call: embeddings (the model is disposed), history, and the speed of the epochs trained now. */
async function trainResult(
  model: { embeddings(): Promise<TowerEmbeddings>; dispose(): void },
  history: EpochReport[],
  resume: TrainCheckpoint | undefined,
  t0: number,
  examplesPerEpoch: number,
  epochs: number,
  engine: TowersTrainResult['engine'],
): Promise<TowersTrainResult> {
  const seconds = (performance.now() - t0) / 1000;
  const embeddings = await model.embeddings();
  model.dispose();
  const trainedEpochs = epochs - (resume?.epochsDone ?? 0);
  return {
    backend: tf.getBackend() as BackendName,
    engine,
    embeddings,
    history,
    resumedEpochs: resume?.epochsDone ?? 0,
    seconds,
    examplesPerSecond: trainedEpochs > 0 ? (examplesPerEpoch * trainedEpochs) / seconds : 0,
  };
}

export const towersHandlers: Pick<Handlers<MlMethods>, 'towers.trainTwoTower' | 'towers.trainMf' | 'towers.clearCache'> = {
  'towers.trainTwoTower': async (req, ctx) => {
    const configJson = JSON.stringify(req.config);
    const resume = await cachedCheckpoint(req.cacheKey, configJson, req.config.epochs, ctx);
    const progress = throttled(ctx);
    const t0 = performance.now();
    const { model, history } = await trainTwoTower(req.data, req.config, {
      signal: ctx.signal,
      validation: req.validation ?? undefined,
      resume,
      evaluate: evaluator(req.evaluate),
      onStep: (epoch, step, steps) => progress(`epoch ${epoch + 1} of ${req.config.epochs}`, epoch * steps + step, req.config.epochs * steps),
      onEpoch: (r) => ctx.log(formatEpochLine(r)),
      onCheckpoint: saver(req.cacheKey, configJson, ctx),
    });
    return trainResult(model, history, resume, t0, req.data.users.length, req.config.epochs, kernelApplies(req.config) ? 'kernel' : 'tfjs');
  },

  'towers.trainMf': async (req, ctx) => {
    const configJson = JSON.stringify({ model: 'mf', config: req.config });
    const resume = await cachedCheckpoint(req.cacheKey, configJson, req.config.epochs, ctx);
    const progress = throttled(ctx);
    const t0 = performance.now();
    const { model, history } = await trainMf(req.data, req.config, {
      signal: ctx.signal,
      resume,
      onCheckpoint: saver(req.cacheKey, configJson, ctx),
      onStep: (epoch, step, steps) => progress(`epoch ${epoch + 1} of ${req.config.epochs}`, epoch * steps + step, req.config.epochs * steps),
      onEpoch: (r) => ctx.log(formatEpochLine(r)),
    });
    const nTrain = req.data.users.length - Math.round(req.data.users.length * req.config.validationFraction);
    return trainResult(model, history, resume, t0, nTrain, req.config.epochs, 'tfjs');
  },

  'towers.clearCache': async ({ cacheKey }) => {
    if (cacheKey) {
      const had = await cache.request<number>('readonly', (s) => s.count(cacheKey));
      await cache.request('readwrite', (s) => s.delete(cacheKey));
      return { deleted: had ?? 0 };
    }
    const n = await cache.request<number>('readonly', (s) => s.count());
    await cache.request('readwrite', (s) => s.clear());
    return { deleted: n ?? 0 };
  },
};
