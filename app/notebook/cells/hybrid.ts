/**
 * Cell 7, Hybrid recommendations (the H&M seed notebooks' pipeline): for
 * every customer, the image-similar neighbours of past purchases, kept when
 * their department AND index are among those the customer bought from
 * (Neo4j's batched Cypher when the graph holds this dataset, else the same
 * filter in memory), ranked by ALS, top 12; co-purchase and then popularity
 * fill the empty slots, and every slot remembers its source. The lists (as
 * of the last day of data) feed the Evaluate cell's submission file.
 */
import * as Plot from '@observablehq/plot';
import type { CustomerTable, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import type { KnnResult } from '@/lib/embed/knn/types';
import type { AlsModel } from '@/lib/cf';
import { CellFailure, cellId, type CellOutput, type Scalar } from '@/lib/notebook/types';
import {
  boughtBy, COPURCHASE_CACHED_ITEMS, crossChecked, graphPorts, packedTransfer, packRecsData, historyBefore, hybridRecommend, memoryPorts, neighboursByItem, popularBefore, REC_SOURCES, sourceCounts,
  type CandidateRanker, type HybridPorts, type HybridStats, type ItemNeighbours, type RecList, type RecSource,
} from '@/lib/recs';
import { defineAppCell } from '../define';
import type { AppServices } from '../services';
import { actionQueries, neo4jHoldsDataset } from './hybrid-ports';
import { checkMemory, hybridEstimate } from '@/lib/notebook/memory';
import { budgetBytes, memoryBudgetParam } from './memory-budget';

export const HYBRID_CELL = cellId('hybrid');
const DATA_CELL = cellId('data');
const EMBEDDINGS_CELL = cellId('embeddings');
const ALS_CELL = cellId('als');
/** Kaggle's list length (MAP@12). */
export const LIST_LENGTH = 12;
/** Popularity list kept for fill-ins (long enough to skip what a customer bought). */
export const POPULAR_POOL = 512;

export const SOURCE_LABEL: Record<RecSource, string> = {
  similar: 'image-similar, filtered, ALS-ranked',
  copurchase: 'co-purchase',
  popular: 'popularity',
};

/** Options the Evaluate cell reuses to rebuild the same strategy as of its split date. */
export interface HybridSettings {
  neighbours: number;
  popularityDays: number;
  excludeBought: boolean;
  maxCandidates: number;
}

/** What the cell hands on: lists by dense user id (as of the last day), the popularity fallback and the settings. */
export interface HybridArtifact {
  lists: RecList[];
  popular: number[];
  settings: HybridSettings;
  ports: string;
}

/** Share of each source at each list position, as Plot options. */
export function sourcePlot(lists: readonly RecList[]): Record<string, unknown> {
  const rows: { position: number; source: string; customers: number }[] = [];
  for (let p = 0; p < LIST_LENGTH; p++) {
    const c: Record<RecSource, number> = { similar: 0, copurchase: 0, popular: 0 };
    for (const l of lists) if (p < l.sources.length) c[l.sources[p]]++;
    for (const s of REC_SOURCES) rows.push({ position: p + 1, source: SOURCE_LABEL[s], customers: c[s] });
  }
  return {
    height: 240,
    x: { label: 'list position', tickFormat: 'd' },
    y: { label: 'customers', grid: true },
    color: { legend: true, domain: REC_SOURCES.map((s) => SOURCE_LABEL[s]) },
    marks: [Plot.barY(rows, { x: 'position', y: 'customers', fill: 'source' }), Plot.ruleY([0])],
  };
}

export const hybridCell = defineAppCell({
  id: HYBRID_CELL,
  title: 'Hybrid recommendations',
  explanation:
    'The seed notebooks’ recommender: a customer’s **candidates** are the image-similar neighbours (Image embeddings cell) of everything they bought; ' +
    'a candidate is **kept** when its department AND its index are among those the customer bought from; kept candidates are **ranked by ALS** ' +
    '(customers or articles without factors keep the similarity order) and the top 12 are taken. Empty slots are filled with **co-purchase** ' +
    'recommendations (articles bought by the most customers who share a purchase), then **popularity** (most bought in the last N days). ' +
    'The filter and co-purchase run as batched Cypher in **Neo4j** when the graph holds this dataset, otherwise the same functions run in memory; the cell says which. ' +
    'Lists use every purchase (they are the submission); the Evaluate cell rebuilds them as of its split date to score them.',
  params: {
    neighbours: { kind: 'number', label: 'image neighbours per purchase', default: 10, min: 1, max: 50, integer: true, help: 'at most the Image embeddings cell’s k' },
    popularityDays: { kind: 'number', label: 'popularity window (last days)', default: 7, min: 1, integer: true },
    excludeBought: { kind: 'boolean', label: 'never recommend what the customer bought', default: true },
    maxCandidates: { kind: 'number', label: 'most candidates per customer (most similar first)', default: 300, min: 1, max: 1000, integer: true },
    graph: {
      kind: 'select',
      label: 'filter and co-purchase',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Neo4j when it holds this dataset, else in memory' },
        { value: 'neo4j', label: 'Neo4j (fail when it does not hold this dataset)' },
        { value: 'memory', label: 'in memory' },
      ],
    },
    customer: { kind: 'text', label: 'show customer (id, or #index; blank: the one with the most purchases)', default: '' },
    memoryBudgetMB: memoryBudgetParam,
  },
  dependsOn: [DATA_CELL, EMBEDDINGS_CELL, ALS_CELL],
  async run(ctx) {
    const p = ctx.params;
    const log = ctx.artifacts.get<InteractionLog>(DATA_CELL, 'interactions');
    const catalog = ctx.artifacts.get<ItemCatalog>(DATA_CELL, 'catalog');
    const customers = ctx.artifacts.find<CustomerTable>(DATA_CELL, 'customers');
    // Absent when the dataset has no photos (the Image embeddings cell says so): no image-similar candidates.
    const emb = ctx.artifacts.find<{ rows: Int32Array; knn: KnnResult }>(EMBEDDINGS_CELL, 'neighbours');
    const model = ctx.artifacts.get<AlsModel>(ALS_CELL, 'model');
    if (log.user.length === 0) throw new CellFailure('The dataset has no purchases: there is nothing to recommend from.', 'Load a dataset with transactions in the Data cell.');
    if (emb && p.neighbours > emb.knn.k) {
      throw new CellFailure(`invalid neighbours: ${p.neighbours}; the Image embeddings cell kept ${emb.knn.k} per product`, `Lower it to ${emb.knn.k} or raise k in Image embeddings.`);
    }
    if (model.nItems !== log.nItems) throw new CellFailure(`The ALS model has ${model.nItems} articles but the dataset has ${log.nItems}.`, 'Run the ALS cell again on this dataset.');

    // Before the history and the lists: distinct pairs are at most the rows.
    ctx.log(checkMemory(
      hybridEstimate({ rows: log.user.length, users: log.nUsers, items: log.nItems }, { pairs: log.user.length, factors: model.factors, neighbours: emb ? p.neighbours : 0, k: LIST_LENGTH, cachedItems: COPURCHASE_CACHED_ITEMS }),
      budgetBytes(p.memoryBudgetMB),
      'Run it on a smaller dataset.',
    ));
    const settings: HybridSettings = { neighbours: p.neighbours, popularityDays: p.popularityDays, excludeBought: p.excludeBought, maxCandidates: p.maxCandidates };
    const history = historyBefore(log);
    const neighbours: ItemNeighbours = emb
      ? neighboursByItem(log.nItems, emb.rows, emb.knn, p.neighbours)
      : { nItems: log.nItems, k: 1, items: new Int32Array(log.nItems).fill(-1), scores: new Float32Array(log.nItems).fill(NaN) };
    const popular = popularBefore(log, Infinity, p.popularityDays, Math.min(POPULAR_POOL, log.nItems));
    const ranker: CandidateRanker = (u, c) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null);

    const memory = memoryPorts(history, catalog, log.itemKeys);
    let ports: HybridPorts = memory;
    let checked: ReturnType<typeof crossChecked> | null = null;
    const notes: string[] = emb ? [] : ['The dataset has no photos, so there are no image-similar candidates: co-purchase and popularity fill the lists.'];
    if (p.graph !== 'memory') {
      ctx.progress({ label: 'Checking Neo4j', done: 0, total: 1, unit: 'checks' });
      const holds = await neo4jHoldsDataset(log, catalog, customers);
      if (holds.ok) {
        checked = crossChecked(graphPorts(log.userKeys, log.itemKeys, actionQueries()), memory);
        ports = checked;
      } else if (p.graph === 'neo4j') throw new CellFailure(`Neo4j cannot answer: ${holds.why}.`, 'Run the Graph cell, or choose "in memory".');
      notes.push(holds.ok ? `${holds.why}: the filter and co-purchase ran there.` : `${holds.why}; the filter and co-purchase ran in memory.`);
    } else notes.push('The filter and co-purchase ran in memory (as chosen).');
    ctx.log(`filter and co-purchase: ${ports.name}`);

    const users = Array.from({ length: log.nUsers }, (_, u) => u);
    // In memory the lists are computed in the ML worker; the Neo4j path calls server actions, so it stays on the page.
    const { lists, stats } = checked
      ? await hybridRecommend({
          users, history, neighbours, ranker, popular, ports,
          k: LIST_LENGTH, excludeBought: p.excludeBought, maxCandidates: p.maxCandidates, signal: ctx.signal,
          onProgress: (done, total) => ctx.progress({ label: 'Recommending', done, total, unit: 'customers' }),
        })
      : await hybridInWorker(ctx, log, catalog, neighbours, model, popular, p);
    const slots = sourceCounts(lists);
    const totalSlots = slots.similar + slots.copurchase + slots.popular;
    const agreement = checked?.agreement() ?? null;
    if (agreement) {
      const [fa, ft] = agreement.filter;
      const [ca, ct] = agreement.coPurchase;
      notes.push(`Cross-check: Neo4j and the in-memory functions agree on the filter for ${fa} of ${ft} customers and on co-purchase for ${ca} of ${ct}.`);
      if (fa !== ft || ca !== ct) ctx.log('WARNING: Neo4j and the in-memory functions disagree (is the graph loaded from this exact dataset?)');
    }

    const outputs: CellOutput[] = [
      {
        kind: 'metrics',
        title: 'Hybrid recommendations (every purchase up to the last day)',
        values: [
          { name: 'customers', value: stats.users },
          { name: 'with image-similar candidates', value: stats.withCandidates },
          { name: 'candidates', value: stats.candidates },
          { name: 'kept by department + index', value: stats.keptCandidates },
          { name: 'customers ranked by ALS', value: stats.ranked },
          { name: 'filter and co-purchase', value: checked ? 'Neo4j' : 'in memory' },
          ...REC_SOURCES.map((s) => ({ name: `slots: ${SOURCE_LABEL[s]}`, value: totalSlots ? Number(((100 * slots[s]) / totalSlots).toFixed(1)) : 0, unit: '%' })),
        ],
      },
      { kind: 'markdown', text: notes.join('\n\n') },
      { kind: 'plot', title: 'Which source filled each list position', plot: sourcePlot(lists) },
    ];

    const shown = pickCustomer(log, history, p.customer, ctx.log);
    if (shown !== null) outputs.push(...customerOutputs(log, catalog, shown, Array.from(boughtBy(history, shown)), lists[shown]));
    outputs.push({
      kind: 'table',
      title: 'Lists (first 20 customers)',
      columns: ['customer', 'recommendations (source: s = similar, c = co-purchase, p = popularity)'],
      rows: lists.slice(0, 20).map((l, u): Scalar[] => [log.userKeys[u], l.items.map((i, j) => `${log.itemKeys[i]}:${l.sources[j][0]}`).join(' ')]),
      totalRows: lists.length,
    });

    const artifact: HybridArtifact = { lists, popular, settings, ports: ports.name };
    return {
      outputs,
      artifacts: { recommendations: artifact },
      summary: {
        customers: stats.users,
        with_candidates: stats.withCandidates,
        kept_candidates: stats.keptCandidates,
        ranked_by_als: stats.ranked,
        ports: ports.name,
        slots_similar: slots.similar,
        slots_copurchase: slots.copurchase,
        slots_popular: slots.popular,
        neo4j_filter_agreement: agreement ? agreement.filter.join('/') : null,
        neo4j_copurchase_agreement: agreement ? agreement.coPurchase.join('/') : null,
      },
    };
  },
});

function pickCustomer(log: InteractionLog, history: ReturnType<typeof historyBefore>, text: string, logLine: (l: string) => void): number | null {
  const t = text.trim();
  if (t) {
    const u = /^#\d+$/.test(t) ? Number(t.slice(1)) : log.userKeys.indexOf(t);
    if (u >= 0 && u < log.nUsers) return u;
    logLine(`customer "${t}" not found; showing the one with the most purchases`);
  }
  let best: number | null = null;
  for (let u = 0; u < history.nUsers; u++) {
    const n = history.indptr[u + 1] - history.indptr[u];
    if (n > 0 && (best === null || n > history.indptr[best + 1] - history.indptr[best])) best = u;
  }
  return best;
}

const NO_PHOTO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="180"><rect width="120" height="180" fill="#eee"/><text x="60" y="95" font-size="12" text-anchor="middle" fill="#888">no photo</text></svg>')}`;

function customerOutputs(log: InteractionLog, catalog: ItemCatalog, u: number, bought: number[], list: RecList): CellOutput[] {
  const photo = (i: number, detail: string) => ({
    src: catalog.imageUrl[i] ?? NO_PHOTO,
    caption: catalog.name[i] ?? log.itemKeys[i],
    detail: [log.itemKeys[i], catalog.department[i], catalog.index[i], detail].filter(Boolean).join(' · '),
  });
  return [
    { kind: 'images', title: `Customer ${log.userKeys[u]}: latest purchases`, items: bought.slice(0, 12).map((i) => photo(i, '')), columns: 6 },
    { kind: 'images', title: 'Their 12 recommendations, with the source of each', items: list.items.map((i, j) => photo(i, SOURCE_LABEL[list.sources[j]])), columns: 6 },
  ];
}

/** The in-memory hybrid in the ML worker (typed arrays both ways). */
async function hybridInWorker(
  ctx: { services: AppServices; signal: AbortSignal; progress: (u: { label: string; done: number; total: number; unit?: string }) => void }, log: InteractionLog, catalog: ItemCatalog, neighbours: ItemNeighbours, model: AlsModel, popular: number[],
  p: { excludeBought: boolean; maxCandidates: number },
): Promise<{ lists: RecList[]; stats: HybridStats }> {
  const data = packRecsData(log, catalog, null, neighbours);
  const als = model.save();
  const ml = await ctx.services.ml();
  const k = LIST_LENGTH;
  const res = await ml.call(
    'recs.hybrid',
    { data, als, popular: Int32Array.from(popular), excludeBought: p.excludeBought, maxCandidates: p.maxCandidates, k },
    { signal: ctx.signal, onProgress: (q) => ctx.progress({ label: q.label, done: q.done, total: q.total, unit: q.unit ?? 'customers' }), transfer: packedTransfer(data) },
  );
  const lists: RecList[] = Array.from({ length: log.nUsers }, (_, u) => {
    const items: number[] = [];
    const sources: RecSource[] = [];
    for (let j = 0; j < k && res.items[u * k + j] >= 0; j++) items.push(res.items[u * k + j]), sources.push(REC_SOURCES[res.sources[u * k + j]]);
    return { items, sources };
  });
  return { lists, stats: res.stats };
}
