/**
 * Cell 6, Neural models: a two-tower recommender (or MF with dense towers)
 * trained in the ML worker on the training split of the seed protocol,
 * evaluated on the test period against a popularity baseline, with loss
 * curves, per-epoch metrics and item-to-item neighbours.
 */
import * as Plot from '@observablehq/plot';
import type { CustomerTable, DatasetInfo, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { protocolSplit, randomUserSplit, timeSplit, type ProtocolSplit } from '@/lib/data/seed-protocol';
import { hasDates } from '@/lib/data/split';
import { sampleIndices } from '@/lib/util/random';
import type { HeldOutPairs } from '@/lib/data/readers/asos';
import type { MetricReport } from '@/lib/metrics';
import { CellFailure, cellId, type CellOutput, type Scalar } from '@/lib/notebook/types';
import { evaluateEmbeddings, evaluatePopularity, evaluateRandom, positivesFromSplit, testPositives } from '@/lib/towers/evaluate';
import { parseEpochLine } from '@/lib/towers/progress';
import { mostPopular, similarItems } from '@/lib/towers/recommend';
import { DEFAULT_MF, DEFAULT_TWO_TOWER, TowersInputError, type CategoricalFeature, type EpochReport, type MfConfig, type TwoTowerConfig } from '@/lib/towers/types';
import type { TowersTrainResult } from '@/workers/protocol/towers';
import { defineAppCell } from '../define';

export const TOWERS_CELL = cellId('towers');
const DATA_CELL = cellId('data');

/** Codes for a string column (null → code 0 "unknown"). */
function codes(values: readonly (string | null)[], rows: Int32Array, name: string): CategoricalFeature {
  const ids = new Map<string, number>([['', 0]]);
  const out = Int32Array.from(rows, (r) => {
    const v = values[r] ?? '';
    if (!ids.has(v)) ids.set(v, ids.size);
    return ids.get(v)!;
  });
  return { name, codes: out, cardinality: ids.size };
}

function ageBuckets(age: Float32Array, rows: Int32Array): CategoricalFeature {
  // 0 unknown, then 10-year buckets up to 70+.
  return { name: 'age', codes: Int32Array.from(rows, (r) => (Number.isFinite(age[r]) ? 1 + Math.min(6, Math.max(0, Math.floor((age[r] - 10) / 10))) : 0)), cardinality: 8 };
}

const metricRow = (name: string, m: MetricReport): Scalar[] => [
  name,
  Number(m.ndcg_at_10.toFixed(4)),
  Number(m.hit_rate_at_10.toFixed(4)),
  Number(m.coverage_at_10.toFixed(4)),
  Number(m.map_at_12.toFixed(4)),
  Number(m.recall_at_10.toFixed(4)),
  m.users_scored,
];

/** Loss curves (train and validation) as Plot options. */
export function lossCurves(history: readonly EpochReport[], lossName: string): Record<string, unknown> {
  const points = history.flatMap((h) => [
    { epoch: h.epoch, loss: h.trainLoss, series: 'train' },
    ...(h.validationLoss === null ? [] : [{ epoch: h.epoch, loss: h.validationLoss, series: 'validation' }]),
  ]);
  return {
    height: 260,
    x: { label: 'epoch', tickFormat: 'd' },
    y: { label: lossName, grid: true },
    color: { legend: true, domain: ['train', 'validation'] },
    // z named explicitly: with one epoch drawn, Plot's cardinality heuristic would warn otherwise.
    marks: [Plot.line(points, { x: 'epoch', y: 'loss', stroke: 'series', z: 'series', marker: 'circle' }), Plot.ruleY([0])],
  };
}

export const towersCell = defineAppCell({
  id: TOWERS_CELL,
  title: 'Neural models',
  explanation:
    'Trains a **two-tower** model (user and item embeddings, optional feature towers, dot product; BCE over 1 positive + N random negatives, or sampled softmax; ' +
    'or in-batch negatives) or **MF with Dense(128, relu) towers** (MSE on the rating / purchase count, 80/20 validation split) in the ML worker. ' +
    'Evaluation follows the seed protocol: users with fewer than the minimum interactions are dropped, the last 20% of interactions (by time) are the test period ' +
    '(datasets without dates, such as ASOS: the validation file picked in the Data cell, or else a seeded random 20% of each user\'s interactions), ' +
    'cold users and items are dropped, and on MovieLens only test ratings ≥ 4 count. Training uses the training split only. ' +
    'The validation curve is the same loss on the test period\'s positives (monitoring only: nothing is tuned or stopped on it). ' +
    'The defaults (item bias, L2 0.001, 20 epochs at learning rate 0.005) were chosen on MovieLens on a validation period carved from the training split, not on the test users. ' +
    'With random negatives the two-tower trains in its own WebAssembly SIMD kernel by default (the same model and Adam update as the TF.js ops, several times faster than them on WASM; in-batch negatives and the TF.js engine use the backend). ' +
    'Embedding gradients use a scatter-add backward, so WASM trains too; checkpoints are cached in IndexedDB after every epoch, so a reload resumes.',
  params: {
    model: { kind: 'select', label: 'model', default: 'two-tower', options: [{ value: 'two-tower', label: 'two-tower' }, { value: 'mf', label: 'MF with dense towers (MSE)' }] },
    loss: { kind: 'select', label: 'loss', default: 'bce', options: [{ value: 'bce', label: 'binary cross-entropy' }, { value: 'softmax', label: 'sampled softmax' }] },
    negativeSource: { kind: 'select', label: 'negatives from', default: 'sampled', options: [{ value: 'sampled', label: 'random items' }, { value: 'in-batch', label: 'in-batch positives' }] },
    negatives: { kind: 'number', label: 'negatives per positive', default: 10, min: 1, integer: true },
    dim: { kind: 'number', label: 'embedding size', default: 32, min: 1, max: 512, integer: true },
    epochs: { kind: 'number', label: 'epochs', default: 20, min: 1, max: 500, integer: true },
    batchSize: { kind: 'number', label: 'batch size', default: 1024, min: 2, integer: true },
    engine: {
      kind: 'select',
      label: 'two-tower training engine',
      default: 'kernel',
      options: [
        { value: 'kernel', label: 'WebAssembly SIMD kernel (random negatives; one CPU thread)' },
        { value: 'tfjs', label: 'TF.js ops on the backend' },
      ],
    },
    optimizer: { kind: 'select', label: 'optimizer', default: 'adam', options: [{ value: 'adam', label: 'Adam' }, { value: 'sgd', label: 'SGD' }] },
    learningRate: { kind: 'number', label: 'learning rate', default: 0.005, min: 0, step: 0.001 },
    l2: { kind: 'number', label: 'L2 on tower outputs', default: 0.001, min: 0, step: 0.0001 },
    itemBias: { kind: 'boolean', label: 'item bias (a learned per-item score offset)', default: true },
    logQ: { kind: 'boolean', label: 'logQ correction (in-batch negatives)', default: false },
    features: { kind: 'boolean', label: 'feature towers (age, club status; type, department, colour)', default: false },
    minUserInteractions: { kind: 'number', label: 'min interactions per user', default: 20, min: 1, integer: true },
    testFraction: { kind: 'number', label: 'test share (last by time; random per user without dates)', default: 0.2, min: 0.01, max: 0.9, step: 0.01 },
    maxEvalUsers: { kind: 'number', label: 'max test users scored (seeded sample)', default: 2000, min: 1, integer: true },
    minTestRating: { kind: 'number', label: 'min test rating (MovieLens)', default: 4, min: 1, max: 5, integer: true },
    article: { kind: 'text', label: 'item for item-to-item (id; blank: the 3 most popular)', default: '' },
    neighbours: { kind: 'number', label: 'item-to-item: top N', default: 5, min: 1, max: 100, integer: true },
    similarity: { kind: 'select', label: 'item-to-item similarity', default: 'cosine', options: [{ value: 'cosine', label: 'cosine' }, { value: 'dot', label: 'dot product (as seed 004)' }] },
    cache: { kind: 'boolean', label: 'resume from cached checkpoints', default: true },
  },
  dependsOn: [DATA_CELL],
  async run(ctx) {
    const p = ctx.params;
    const log = ctx.artifacts.get<InteractionLog>(DATA_CELL, 'interactions');
    const info = ctx.artifacts.get<DatasetInfo>(DATA_CELL, 'info');
    const catalog = ctx.artifacts.find<ItemCatalog>(DATA_CELL, 'catalog');
    const customers = ctx.artifacts.find<CustomerTable>(DATA_CELL, 'customers');
    const validation = ctx.artifacts.find<HeldOutPairs | null>(DATA_CELL, 'validation') ?? null;
    const dated = hasDates(log);
    const opts = { minUserInteractions: p.minUserInteractions, minTestValue: info.kind === 'movielens' ? p.minTestRating : -Infinity };
    const logRows = { nUsers: log.nUsers, nItems: log.nItems, user: log.user, item: log.item, time: log.day, value: log.value };
    let split: ProtocolSplit;
    let testText: string;
    try {
      if (dated) {
        split = timeSplit(logRows, p.testFraction, opts);
        testText = `the last ${Math.round(p.testFraction * 100)}% of interactions by time`;
      } else if (validation) {
        // Every row of the log trains; the validation file's pairs are the test period.
        const cat = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from({ length: a.length + b.length }, (_, k) => (k < a.length ? a[k] : b[k - a.length]));
        const n = log.user.length;
        const m = validation.user.length;
        const isTest = new Uint8Array(n + m).fill(1, n);
        split = protocolSplit({ nUsers: log.nUsers, nItems: log.nItems, user: cat(log.user, validation.user), item: cat(log.item, validation.item), time: new Float64Array(n + m), value: cat(log.value, new Float32Array(m).fill(1)) }, isTest, opts);
        testText = `the validation file ${validation.source}`;
      } else {
        split = randomUserSplit(logRows, p.testFraction, { ...opts, seed: ctx.seed });
        testText = `a seeded random ${Math.round(p.testFraction * 100)}% of each user's interactions (no dates, no validation file)`;
      }
    } catch (err) {
      const m = err instanceof Error ? err.message : String(err);
      throw new CellFailure(`The evaluation split is empty: ${m}`, `Lower "min interactions per user"${dated ? '' : ` (${suggestMin(log, validation)} keeps most users of this dataset)`} or "min test rating", or raise "test share".`);
    }
    // Scoring every test user against every item each epoch is users × items × dim in plain JS: sample, as the ALS cell does.
    const allTestUsers = split.testUsers.length;
    if (allTestUsers > p.maxEvalUsers) {
      const picked = sampleIndices(allTestUsers, p.maxEvalUsers, ctx.seed);
      const full = split;
      split = { ...full, testUsers: Int32Array.from(picked, (k) => full.testUsers[k]), relevant: picked.map((k) => full.relevant[k]) };
      testText += `; a seeded sample of ${p.maxEvalUsers} of its ${allTestUsers} users`;
    }
    const nActive = countActiveUsers(log);
    const dropNote =
      split.counts.usersDropped > nActive / 2
        ? `The filter "min interactions per user" (${p.minUserInteractions}) dropped ${split.counts.usersDropped} of ${nActive} users; ${suggestMin(log, validation)} would keep most of them.`
        : null;
    if (dropNote) ctx.log(dropNote);
    ctx.log(`split: ${split.train.nRows} users × ${split.train.nCols} items, ${split.counts.trainInteractions} training interactions; ${split.testUsers.length} test users (${split.counts.testInteractions} relevant, ${split.counts.coldTestDropped} cold dropped)`);
    const ml = await ctx.services.ml();
    const history: EpochReport[] = [];
    const onLog = (line: string) => {
      const r = parseEpochLine(line);
      if (!r) return ctx.log(line);
      history.push(r);
      // Live loss curves: the chart grows by one point per epoch while training runs.
      if (lossName) ctx.preview([{ kind: 'plot', title: `Loss (${lossName}), live`, plot: lossCurves(history, lossName) }]);
      const m = Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
      ctx.log(`epoch ${r.epoch}: train ${r.trainLoss.toFixed(4)}${r.validationLoss === null ? '' : `, validation ${r.validationLoss.toFixed(4)}`}${m ? `, ${m}` : ''} (${r.seconds.toFixed(1)} s)`);
    };
    const onProgress = (q: { label: string; done: number; total: number }) => {
      const last = history.at(-1);
      ctx.progress({ ...q, label: last ? `${q.label} · last loss ${last.trainLoss.toFixed(4)}${last.validationLoss === null ? '' : ` / ${last.validationLoss.toFixed(4)}`}` : q.label, unit: 'steps' });
    };
    const relevantIndptr = new Int32Array(split.testUsers.length + 1);
    split.relevant.forEach((s, k) => (relevantIndptr[k + 1] = relevantIndptr[k] + s.size));
    const evaluate = { testUsers: split.testUsers, relevantIndptr, relevantItems: Int32Array.from(split.relevant.flatMap((s) => [...s])), exclude: split.train, k: 12 };

    let result: TowersTrainResult;
    let lossName = '';
    // One checkpoint per dataset, parameters and seed (the worker also checks the model config).
    const cacheKey = p.cache ? `${info.fingerprint}|${JSON.stringify(p)}|${ctx.seed}` : null;
    try {
      if (p.model === 'two-tower') {
        const data = positivesFromSplit(split);
        if (p.features) {
          if (customers) data.userFeatures = [ageBuckets(customers.age, split.userIds), codes(customers.clubMemberStatus, split.userIds, 'club')];
          if (catalog) data.itemFeatures = [codes(catalog.productType, split.itemIds, 'type'), codes(catalog.department, split.itemIds, 'department'), codes(catalog.colourGroup, split.itemIds, 'colour')];
        }
        const config: TwoTowerConfig = {
          ...DEFAULT_TWO_TOWER,
          dim: p.dim,
          epochs: p.epochs,
          batchSize: p.batchSize,
          negatives: p.negatives,
          loss: p.loss === 'softmax' ? 'softmax' : 'bce',
          negativeSource: p.negativeSource === 'in-batch' ? 'in-batch' : 'sampled',
          optimizer: p.optimizer === 'sgd' ? 'sgd' : 'adam',
          learningRate: p.learningRate,
          l2: p.l2,
          seed: ctx.seed,
          engine: p.engine === 'tfjs' ? 'tfjs' : 'kernel',
          itemBias: p.itemBias,
          logQ: p.logQ,
        };
        lossName = config.loss === 'bce' ? 'binary cross-entropy' : 'sampled softmax cross-entropy';
        result = await ml.call('towers.trainTwoTower', { data, config, validation: testPositives(split), evaluate, cacheKey }, { signal: ctx.signal, onLog, onProgress });
      } else {
        // Target: the rating (MovieLens) or the number of purchases of the pair.
        const isRating = info.kind === 'movielens';
        const data = positivesFromSplit(split);
        const targets = isRating ? new Float32Array(split.train.data.length) : Float32Array.from(split.train.data);
        if (isRating) {
          const last = new Map<number, number>();
          split.trainUsers.forEach((u, k) => last.set(u * split.train.nCols + split.trainItems[k], split.trainValues[k]));
          data.users.forEach((u, k) => (targets[k] = last.get(u * split.train.nCols + data.items[k])!));
        }
        const config: MfConfig = { ...DEFAULT_MF, dim: p.dim, epochs: p.epochs, batchSize: p.batchSize, optimizer: p.optimizer === 'sgd' ? 'sgd' : 'adam', learningRate: p.learningRate, seed: ctx.seed };
        lossName = `MSE of the ${isRating ? 'rating' : 'purchase count'}`;
        result = await ml.call('towers.trainMf', { data: { nUsers: data.nUsers, nItems: data.nItems, users: data.users, items: data.items, targets }, config, cacheKey }, { signal: ctx.signal, onLog, onProgress });
      }
    } catch (err) {
      const param = (err as { param?: unknown }).param;
      if (err instanceof TowersInputError || typeof param === 'string') {
        throw new CellFailure((err as Error).message, `Change "${String(param)}" (or the data) and run again.`);
      }
      throw err;
    }

    const ours = evaluateEmbeddings(result.embeddings, split);
    const pop = evaluatePopularity(split);
    const rnd = evaluateRandom(split, ctx.seed);
    const outputs: CellOutput[] = [
      {
        kind: 'metrics',
        title: 'Training',
        values: [
          { name: 'backend', value: result.backend },
          { name: 'engine', value: result.engine === 'kernel' ? 'WebAssembly SIMD kernel' : 'TF.js ops' },
          { name: 'epochs', value: result.history.length },
          { name: 'resumed from cache', value: result.resumedEpochs },
          { name: 'training time', value: Number(result.seconds.toFixed(2)), unit: 's' },
          { name: 'throughput', value: Math.round(result.examplesPerSecond), unit: 'examples/s' },
          { name: 'final train loss', value: Number((result.history.at(-1)?.trainLoss ?? NaN).toFixed(4)) },
        ],
      },
      { kind: 'plot', title: `Loss (${lossName})`, plot: lossCurves(result.history, lossName) },
      {
        kind: 'table',
        title:
          `Test period (${testText}): ${split.testUsers.length} users, ${split.train.nCols} candidate items, training items excluded. ` +
          'The seed protocol (a share of the time span as test, cold users and items dropped); the Evaluate cell scores strategies on weekly cutoffs instead, with the same metric functions',
        columns: ['model', 'NDCG@10', 'HitRate@10', 'Coverage@10', 'MAP@12', 'Recall@10', 'users'],
        rows: [metricRow(p.model, ours), metricRow('popularity', pop), metricRow('random', rnd)],
      },
    ];
    const metricNames = Object.keys(result.history.at(-1)?.metrics ?? {});
    if (metricNames.length) {
      outputs.push({ kind: 'table', title: 'Metrics per epoch', columns: ['epoch', 'train loss', 'validation loss', ...metricNames], rows: result.history.map((h) => [h.epoch, Number(h.trainLoss.toFixed(4)), h.validationLoss === null ? null : Number(h.validationLoss.toFixed(4)), ...metricNames.map((m) => Number((h.metrics[m] ?? NaN).toFixed(4)))]) });
    }
    // Item-to-item: neighbours of the chosen item, or of the three most popular items.
    const label = (i: number) => {
      const orig = split.itemIds[i];
      return catalog?.name[orig] ? `${catalog.name[orig]} (${log.itemKeys[orig]})` : log.itemKeys[orig];
    };
    const metric = p.similarity === 'dot' ? 'dot' : 'cosine';
    const askedKey = p.article.trim();
    const askedOrig = askedKey ? log.itemKeys.indexOf(askedKey) : -1;
    const asked = askedOrig >= 0 ? split.itemIds.indexOf(askedOrig) : -1;
    if (askedKey && asked < 0) ctx.log(`item "${askedKey}" ${askedOrig < 0 ? 'is not in the data' : 'has no training interactions'}; showing the 3 most popular items`);
    const queries = asked >= 0 ? [asked] : Array.from(mostPopular(split.train, 3));
    const rows: Scalar[][] = [];
    for (const i of queries) {
      const sim = similarItems(result.embeddings, i, Math.min(p.neighbours, split.train.nCols - 1), metric);
      for (const [r, j] of Array.from(sim.items).entries()) rows.push([r === 0 ? label(i) : '', r + 1, label(j), Number(sim.scores[r].toFixed(4))]);
    }
    outputs.push({
      kind: 'table',
      title: `Item-to-item: top ${p.neighbours} items by ${metric === 'dot' ? 'dot product' : 'cosine'} of item vectors, ${asked >= 0 ? `for ${label(asked)}` : 'for the 3 most popular items'}`,
      columns: ['item', 'rank', 'similar item', metric === 'dot' ? 'dot product' : 'cosine'],
      rows,
    });
    if (dropNote) outputs.unshift({ kind: 'markdown', text: `**Filter:** ${dropNote}` });
    return {
      outputs,
      artifacts: { embeddings: result.embeddings, userIds: split.userIds, itemIds: split.itemIds, split },
      summary: {
        model: p.model,
        backend: result.backend,
        ndcg_at_10: ours.ndcg_at_10,
        hit_rate_at_10: ours.hit_rate_at_10,
        coverage_at_10: ours.coverage_at_10,
        popularity_ndcg_at_10: pop.ndcg_at_10,
        epochs: result.history.length,
        seconds: result.seconds,
      },
    };
  },
});

/** Users with at least one interaction. */
function countActiveUsers(log: InteractionLog): number {
  const seen = new Uint8Array(log.nUsers);
  for (const u of log.user) seen[u] = 1;
  return seen.reduce((n, x) => n + x, 0);
}

/** A "min interactions per user" that keeps most users: the median per user, at most 20; 2 for a random split (1 with a validation file). */
function suggestMin(log: InteractionLog, validation: HeldOutPairs | null): number {
  const counts = new Int32Array(log.nUsers);
  for (const u of log.user) counts[u]++;
  const active = Array.from(counts).filter((c) => c > 0).sort((a, b) => a - b);
  const median = active.length ? active[Math.floor(active.length / 2)] : 1;
  return Math.max(validation || hasDates(log) ? 1 : 2, Math.min(20, median));
}
