/**
 * The model cells' pre-flight memory estimates (lib/notebook/memory.ts) for the Data cell's hm-scale demo at a share
 * of its sizes, computed in Node the way each cell computes them in the page (the same generator, log, training
 * pairs and buyers per week, with each cell's default parameters), without running the cells: for the cells that
 * cannot run at full size on this machine in reasonable time (Graph, Hybrid), and to set the estimates next to
 * the browser's measured peaks (scripts/measure-demo-hm-scale.mjs).
 *   node --import tsx scripts/hm-scale-estimates.ts [--scale 0.05] [--threads 2] [--max-train-rows 2000000 (0: no cap)]
 */
import { prepareInteractions } from '../lib/cf';
import { DEMO_PRESETS, generateDemo, scaledSizes } from '../lib/data/demo';
import { InteractionLogBuilder } from '../lib/data/interactions';
import { splitLastDays } from '../lib/data/split';
import { BACKTEST_ALS, CANDIDATE_CHUNK, CANDIDATE_SOURCES, COPURCHASE_CACHED_ITEMS, DEFAULT_MAX_TRAIN_ROWS, DEMO_RANKER, FEATURE_NAMES, testCutoffs } from '../lib/recs';
import { alsEstimate, CANDIDATES_PER_BUYER, evaluateEstimate, formatBytes, graphEstimate, hybridEstimate, V8_MAP_LIMIT, weekSizes, type MemoryEstimate } from '../lib/notebook/memory';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const scale = arg('scale', 1);
const threads = arg('threads', 2);
if (!(scale > 0 && scale <= 1)) throw new Error(`invalid --scale: ${scale}; expected a number in (0, 1]`);

const t0 = performance.now();
const demo = generateDemo(scale < 1 ? scaledSizes(DEMO_PRESETS['hm-scale'], scale) : 'hm-scale', 42);
const builder = new InteractionLogBuilder(demo.customers.columns.customer_id.values as string[], demo.articles.columns.article_id.values as string[]);
for (const c of demo.transactions(250_000)) {
  const cols = c.table.columns;
  builder.add(c.customer, c.article, cols.t_dat.values as Int32Array, cols.price.values as Float64Array, cols.sales_channel_id.values as Float64Array);
}
const log = builder.finish();
const sizes = { rows: log.user.length, users: log.nUsers, items: log.nItems };
console.error(`generated ${sizes.rows} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// ALS cell defaults: the last 7 days held out, recency weights, 64 factors.
const train = prepareInteractions(splitLastDays(log, 7).train, { weighting: 'recency', halfLifeDays: 30, minUserCount: 1, minItemCount: 1 }).weights;
const cutoffs = testCutoffs(log.day, 6);
const T = DEMO_RANKER.trainWeeks;
const weeks = weekSizes(log, [...Array.from({ length: T }, (_, w) => cutoffs[0] - 7 * (T - w)), ...cutoffs]);
const estimates: MemoryEstimate[] = [
  graphEstimate(sizes),
  alsEstimate(sizes, { users: train.nRows, items: train.nCols, nnz: train.indices.length, factors: 64, threads }),
  hybridEstimate(sizes, { pairs: sizes.rows, factors: 64, neighbours: 0, k: 12, cachedItems: COPURCHASE_CACHED_ITEMS }),
  evaluateEstimate(sizes, {
    buyersPerWeek: weeks.buyers, rowsPerWeek: weeks.rows, trainWeeks: T, negativeRate: DEMO_RANKER.negativeRate ?? 1, maxTrainRows: arg('max-train-rows', DEFAULT_MAX_TRAIN_ROWS) || Infinity, testWeeks: cutoffs.length,
    chunk: CANDIDATE_CHUNK, candidatesPerBuyer: CANDIDATES_PER_BUYER, sources: CANDIDATE_SOURCES.length, features: FEATURE_NAMES.length,
    pairs: sizes.rows, strategies: 11, factors: BACKTEST_ALS.params.factors, threads,
  }),
];
for (const e of estimates) {
  console.log(JSON.stringify({
    scale, cell: e.cell, ...(e.mapEntries && e.mapEntries > V8_MAP_LIMIT ? { over_v8_map_limit: `up to ${e.mapEntries} pairs in one Map, limit ${V8_MAP_LIMIT}` } : {}), total_gib: Number((e.total / 2 ** 30).toFixed(3)), wasm_gib: Number((e.wasm / 2 ** 30).toFixed(3)), inputs: e.inputs,
    parts: Object.fromEntries(e.parts.map((p) => [p.what, formatBytes(p.bytes)])),
  }));
}
