#!/usr/bin/env node
// bench/recs: the pooled weekly backtest (lib/recs/backtest) on the H&M sample: six weekly cutoffs from
// 2020-08-05 to 2020-09-09, every strategy refitted per cutoff on the data before it, MAP@12 (Kaggle apk)
// pooled over the buyer-weeks with a bootstrap interval over customers and the paired difference to the
// best baseline. Peers in the same run: `implicit` ALS for `als` (same weights, same pool and fill), and
// LightGBM ranking the two-stage candidates on the same features (bench/py/recs_peer.py). The two-stage
// settings (objective, training weeks) are chosen on the four July cutoffs before the first test cutoff,
// then fixed; so were the candidate limits and the share of negatives trained on (bench/node/recs-study.ts).
// The two-tower (lib/towers, TF.js WASM backend) is fitted per cutoff with fixed settings.
// `two-stage-two-tower`: the two-stage with the two-tower's top-N as one more candidate source (rank, score and
// its dot product as features), the two-tower fitted as of each training and test cutoff (fits shared with the
// `two-tower` line), ranked by the same ranker and setting (chosen on the validation cutoffs without the source).
// RECS_TWO_TOWER_SOURCE=0 leaves it out (it fits one two-tower per training week).
// Image neighbours come from the colour-and-texture histogram of the photos (no CNN in Node).
// --quick: two test cutoffs, 600 photos, one setting (no selection), one LightGBM seed.
// RECS_SETTING=objective:weeks (e.g. binary:8): skip the grid and use a setting already chosen on the July
// validation cutoffs (bench/node/recs-study.ts); the run says so. Never set it from a look at the test weeks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { report, args, dataDir, writeResults, root } from './lib/report.mjs';
import { ensureVenv } from './lib/python.mjs';

if (!process.env.ATELIER_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, ATELIER_BENCH_TSX: '1' },
  });
  process.exit(r.status ?? 1);
}

const BENCH = 'recs';
// One thread each by default: on a shared, oversubscribed machine OpenMP's spinning threads make LightGBM crawl.
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
if (!dataDir()) {
  console.error('recs: no datasets (../shared/data or DATA_DIR): nothing to measure');
  process.exit(0);
}
const { loadRecsBench, lightgbmFit, implicitLists, RANKER_DEFAULTS } = await import('./node/recs.ts');
const recs = await import('../lib/recs/index.ts');
const { twoTowerStrategy, towerFits, BACKTEST_TWO_TOWER } = await import('../lib/recs/backtest/towers.ts');
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
const { prepareInteractions } = await import('../lib/cf/index.ts');
const quick = args.quick;
const log10 = (...a) => console.error('recs:', ...a);

const results = path.join(root, 'bench', 'results');
mkdirSync(results, { recursive: true });
const input = await loadRecsBench(quick ? 600 : Infinity, results);
const { log, catalog, ages, image } = input;
const testCutoffs = quick ? recs.weeklyCutoffs('2020-09-02', 2) : recs.weeklyCutoffs('2020-08-05', 6);
const validation = quick ? [] : recs.weeklyCutoffs('2020-07-08', 4);
const CANDIDATE_WEEKS = 12;
// Candidate limits and the share of negatives trained on: chosen on the July validation cutoffs (bench/node/recs-study.ts).
const LIMITS = recs.DEFAULT_LIMITS;
const NEGATIVE_RATE = 0.1;
const size = { customers: log.nUsers, articles: log.nItems, purchases: log.user.length, photos: input.photos, test_weeks: testCutoffs.length };
log10(`H&M sample ${JSON.stringify(size)}; image neighbours: colour/texture histograms of ${input.photos} photos (${input.photoSeconds.toFixed(0)} s, cached)`);

const python = await ensureVenv(['implicit==0.7.2', 'scipy', 'lightgbm']);
const alsFits = recs.alsFits();
const weekCache = new Map();
const seeds = quick ? [1] : [1, 2, 3];
const lgbSeconds = [];
const common = {
  log, catalog, ages, candidateWeeks: CANDIDATE_WEEKS, bootstrap: { samples: 2000, seed: 7 },
  onProgress: (done, total, what) => log10(`${done}/${total} ${what}`),
};
const twoStage = (name, fit, setting, extra = {}) => recs.twoStageStrategy(fit, { name, trainWeeks: setting.trainWeeks, als: alsFits, image, blocks: weekCache, limits: LIMITS, negativeRate: NEGATIVE_RATE, params: { objective: setting.objective }, ...extra });
// Two-tower embeddings per cutoff, shared by the `two-tower` line and the two-stage's two-tower source.
const towerCache = new Map();
const withTowers = process.env.RECS_TWO_TOWER_SOURCE !== '0';
const towerSource = { towers: towerFits({ fits: towerCache }), blocks: new Map() };

// 1. Honest model selection: settings scored on the validation cutoffs only, then fixed.
const grid = quick
  ? [{ objective: 'binary', trainWeeks: 4 }]
  : [{ objective: 'binary', trainWeeks: 8 }, { objective: 'binary', trainWeeks: 16 }, { objective: 'lambdarank', trainWeeks: 8 }, { objective: 'lambdarank', trainWeeks: 16 }];
let chosen = grid[0];
const selection = [];
const fixed = process.env.RECS_SETTING?.split(':');
if (fixed) chosen = { objective: fixed[0], trainWeeks: Number(fixed[1]) };
else if (validation.length) {
  for (const g of grid) {
    const name = `two-stage ${g.objective} ${g.trainWeeks}w`;
    const r = await recs.backtest({ ...common, cutoffs: validation, strategies: [twoStage(name, lightgbmFit(python, { ...RANKER_DEFAULTS, objective: g.objective }, seeds, [], THREADS), g)] });
    selection.push({ ...g, validation_map_at_12: r.strategies[0].map.mean });
    log10(`validation ${name}: MAP@12 ${r.strategies[0].map.mean.toFixed(4)}`);
  }
  chosen = selection.reduce((a, b) => (b.validation_map_at_12 > a.validation_map_at_12 ? b : a));
}
const chosenParams = { ...RANKER_DEFAULTS, objective: chosen.objective };
log10(`chosen on ${fixed ? 'the validation cutoffs by bench/node/recs-study.ts (RECS_SETTING)' : validation.length ? 'the validation cutoffs' : 'nothing (--quick: fixed)'}: ${JSON.stringify({ ...chosenParams, trainWeeks: chosen.trainWeeks, seeds })}`);

// 2. implicit's ALS per test cutoff, on the weights our ALS gets; lists completed with the same pool and fill.
const { BACKTEST_ALS } = recs;
const peerFits = testCutoffs.map((c) => {
  const v = recs.asOfView(log, c, { candidateWeeks: CANDIDATE_WEEKS });
  const p = prepareInteractions(v.log, { weighting: BACKTEST_ALS.weighting, endDay: c });
  return { weights: p.weights, users: recs.testTruth(recs.dateSplit(log, c).test).users };
});
const peer = implicitLists(python, peerFits, { nUsers: log.nUsers, nItems: log.nItems }, BACKTEST_ALS.params, 200, THREADS);
const implicitStrategy = {
  name: 'als-implicit',
  fit: (v) => {
    const j = testCutoffs.indexOf(v.cutoff);
    const byUser = new Map(peerFits[j].users.map((u, x) => [u, peer.lists[j][x]]));
    return (users, k) => users.map((u) => recs.completeList(v, byUser.get(u) ?? [], k));
  },
};

// 3. Ours (lib/gbdt) when it is in the tree.
let ours = null;
let oursWith = null;
const oursSeconds = [];
if (existsSync(path.join(root, 'lib', 'gbdt', 'index.ts'))) {
  const { trainGbdt } = await import('../lib/gbdt/index.ts');
  oursWith = (seconds) => async (d) => {
    const t0 = performance.now();
    const models = seeds.map((seed) => trainGbdt(d, { ...chosenParams, seed }));
    seconds.push((performance.now() - t0) / 1000);
    return { predict: (X, F) => { const s = new Float64Array(X.length / F); for (const m of models) m.predict(X, F).forEach((x, r) => (s[r] += x / models.length)); return s; } };
  };
  ours = oursWith(oursSeconds);
}

const strategies = [
  ...recs.baselineStrategies(),
  ...(image ? [recs.seedHybridStrategy(image, alsFits), recs.hybridStrategy(image, alsFits)] : []),
  recs.alsStrategy(alsFits),
  implicitStrategy,
  twoTowerStrategy({ fits: towerCache }),
  twoStage('two-stage-lightgbm', lightgbmFit(python, chosenParams, seeds, lgbSeconds, THREADS), chosen),
  ...(ours ? [twoStage('two-stage', ours, chosen)] : []),
];
const towerRanker = oursWith ? oursWith([]) : lightgbmFit(python, chosenParams, seeds, [], THREADS);
if (withTowers) strategies.push(twoStage('two-stage-two-tower', towerRanker, chosen, towerSource));
const r = await recs.backtest({ ...common, cutoffs: testCutoffs, strategies });
const by = Object.fromEntries(r.strategies.map((s) => [s.name, s]));
const ref = by[r.reference];

// Candidate recall on the test weeks (reporting only: the labels are the test weeks).
const recall = await recs.pooledRecall(log, testCutoffs, { candidateWeeks: CANDIDATE_WEEKS, catalog, ages }, { als: alsFits, image, limits: LIMITS });
const towerRecall = withTowers ? await recs.pooledRecall(log, testCutoffs, { candidateWeeks: CANDIDATE_WEEKS, catalog, ages }, { als: alsFits, image, limits: LIMITS, ...towerSource }) : null;

const dataset = `hm-sample-weekly-${testCutoffs.length}x-from-${quick ? '2020-09-02' : '2020-08-05'}`;
const f4 = (x) => x.toFixed(4);
const line = (strategy, s, extra = {}) => {
  const d = s.vsReference;
  report({
    bench: BENCH, figure: 'map_at_12', dataset, size, strategy, ours: s.map.mean, peer: null, better: 'higher',
    baseline: r.reference, baseline_value: ref.map.mean, diff_ci: d ? [d.low, d.high] : [0, 0], threads: THREADS,
    note: `${d ? d.verdict : 'the reference'}; 95% interval [${f4(s.map.low)}, ${f4(s.map.high)}]; per week ${s.weeks.map((w) => f4(w.map)).join(' ')}; over all customers ${f4(s.mapAllCustomers)}; ndcg@10 ${f4(s.ndcg.mean)}, hit@10 ${f4(s.hitRate.mean)}, coverage@10 ${f4(s.coverage)}`,
    ...extra,
  });
};
const order = ['popularity', 'trending', 'repurchase', 'repurchase-trending', 'age-popularity', 'bought-together', 'seed-hybrid', 'hybrid'];
for (const name of order) if (by[name]) line(name, by[name]);
line('two-tower', by['two-tower'], { variant: `lib/towers two-tower on TF.js ${tf.getBackend()}: in-batch softmax, item bias, logQ, dim ${BACKTEST_TWO_TOWER.dim}, ${BACKTEST_TWO_TOWER.epochs} epochs, last 26 weeks of pairs, fitted per cutoff (settings fixed a priori)` });
line('als', by.als, { peer: `implicit ${peer.version} ALS (CPU), same weights, pool and fill`, peer_value: by['als-implicit'].map.mean, variant: `ours: lib/cf ALS (${BACKTEST_ALS.params.factors} factors, ${BACKTEST_ALS.params.iterations} iterations)` });
const setting = `${chosen.objective}, ${chosen.trainWeeks} training weeks, ${NEGATIVE_RATE * 100}% of the negatives, ${seeds.length} seed(s) averaged, ${chosenParams.numRounds} rounds, depth ${chosenParams.maxDepth}, ${chosenParams.numLeaves} leaves, lr ${chosenParams.learningRate}`;
const lgbName = `LightGBM two-stage (same candidates and features): ${setting}`;
if (ours) {
  line('two-stage', by['two-stage'], { peer: lgbName, peer_value: by['two-stage-lightgbm'].map.mean, variant: `ranker: lib/gbdt; ${setting}` });
  report({ bench: BENCH, figure: 'seconds', dataset, size, strategy: 'two-stage', ours: oursSeconds.reduce((a, b) => a + b, 0) / oursSeconds.length, peer: 'LightGBM (same data, seeds and threads)', peer_value: lgbSeconds.reduce((a, b) => a + b, 0) / lgbSeconds.length, better: 'lower', variant: 'training the ranker, per cutoff', threads: THREADS, runs: oursSeconds.length });
} else {
  line('two-stage', by['two-stage-lightgbm'], { variant: `ranker: LightGBM (lib/gbdt is not in this tree yet); ${setting}; candidates and features from lib/recs/twostage` });
}
const recallLine = (strategy, rc) => report({
  bench: BENCH, figure: 'candidate_recall', dataset, size, strategy, ours: rc.total, peer: null, better: 'higher',
  note: `test purchases (customer-article pairs) among the candidates, ${rc.pairs} pairs, ${rc.perCustomer.toFixed(0)} candidates per customer; per source ${rc.sources.map((s) => `${s} ${f4(rc.bySource[s])}`).join(', ')}`,
});
recallLine('two-stage', recall);
if (withTowers) {
  line('two-stage-two-tower', by['two-stage-two-tower'], { variant: `two-stage with the two-tower top-${LIMITS['two-tower']} as a candidate source (fitted per cutoff, as the two-tower line); ranker: ${ours ? 'lib/gbdt' : 'LightGBM'}; ${setting} (chosen without the source)` });
  recallLine('two-stage-two-tower', towerRecall);
}
log10(`reference (best baseline): ${r.reference}; buyers per week ${r.buyers.join(' ')}; selection ${JSON.stringify(selection)}`);
writeResults(BENCH);
