#!/usr/bin/env node
// bench/hybrid: quality of the hybrid recommender (lib/recs: image-similar candidates → department +
// index filter → ALS ranking → co-purchase → popularity) on the H&M sample's last week
// (2020-09-09..15, Kaggle's protocol: MAP@12), against `implicit` ALS alone in the same run on the
// same weights and split (its top 12 and its MAP@12 computed in Python with Kaggle's apk), plus the
// Kaggle popularity baseline computed in Python; and customers per second of the hybrid (no peer).
// Image neighbours come from the colour-and-texture histogram of the photos (no CNN in Node), so
// the image part is weaker than in the app. --quick: the first 600 photos.
import { spawnSync } from 'node:child_process';
import { report, args, dataDir, writeResults, median } from './lib/report.mjs';
import { ensureVenv, runPython } from './lib/python.mjs';

if (!process.env.ATELIER_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, ATELIER_BENCH_TSX: '1' },
  });
  process.exit(r.status ?? 1);
}

const BENCH = 'hybrid';
const RUNS = 3;
if (!dataDir()) {
  console.error('hybrid: no datasets (../shared/data or DATA_DIR): nothing to measure');
  process.exit(0);
}
const { loadHybridBench, ALS_PARAMS } = await import('./node/hybrid-hm.ts');
const recs = await import('../lib/recs/index.ts');
const { evaluateRanking } = await import('../lib/metrics/index.ts');

const PEER_SCRIPT = String.raw`
import json, sys
import numpy as np, scipy.sparse as sp
import implicit
from implicit.cpu.als import AlternatingLeastSquares
inp = json.load(sys.stdin)
p = inp['params']
m = sp.csr_matrix((np.array(inp['data'], dtype=np.float32), np.array(inp['indices'], dtype=np.int32), np.array(inp['indptr'], dtype=np.int32)), shape=(inp['nUsers'], inp['nItems']))
model = AlternatingLeastSquares(factors=p['factors'], regularization=p['regularization'], alpha=1.0, iterations=p['iterations'], use_cg=True, calculate_training_loss=False, random_state=p['seed'])
model.fit(m, show_progress=False)
users = np.array(inp['users'], dtype=np.int32)
ids, _ = model.recommend(users, m[users], N=12, filter_already_liked_items=True)
lists = [[int(i) for i in row if i >= 0] for row in ids]
# Kaggle's popularity baseline: the 12 most bought articles of the last 7 days before the split.
day = np.array(inp['day']); item = np.array(inp['item'])
recent = item[(day >= inp['cutoff'] - 7) & (day < inp['cutoff'])]
vals, counts = np.unique(recent, return_counts=True)
top = [int(v) for v in vals[np.argsort(-counts, kind='stable')][:12]]
def apk(actual, predicted, k=12):
    score, hits = 0.0, 0
    for i, pr in enumerate(predicted[:k]):
        if pr in actual and pr not in predicted[:i]:
            hits += 1
            score += hits / (i + 1.0)
    return score / min(len(actual), k) if actual else 0.0
rel = [set(r) for r in inp['relevant']]
print(json.dumps({'version': implicit.__version__, 'lists': lists,
  'map_als': float(np.mean([apk(a, l) for a, l in zip(rel, lists)])),
  'map_pop': float(np.mean([apk(a, top) for a in rel]))}))
`;

const input = await loadHybridBench(args.quick ? 600 : Infinity);
const { log, catalog, cutoff, test, photos, als } = input;
const truth = recs.testTruth(test);
const train = recs.historyBefore(log, cutoff);
const size = { customers: log.nUsers, articles: log.nItems, purchases: log.user.length, photos: photos.rows.length, test_customers: truth.users.length };
console.error(`hybrid: H&M sample ${JSON.stringify(size)}; histograms + KNN ${photos.seconds.toFixed(1)} s`);
const neighbours = recs.neighboursByItem(log.nItems, photos.rows, photos.knn, 10);
const popular = recs.popularBefore(log, cutoff, 7, 512);
const model = als.model;
const ranker = (u, c) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null);
const runHybrid = (users) => recs.hybridRecommend({ users, history: train, neighbours, ranker, popular, ports: recs.memoryPorts(train, catalog, log.itemKeys), k: 12 });

const python = await ensureVenv(['implicit==0.7.2', 'scipy']);
const peer = runPython(python, PEER_SCRIPT, {
  ...als.confidence, nUsers: log.nUsers, nItems: log.nItems, params: ALS_PARAMS, users: truth.users,
  relevant: truth.relevant.map((s) => [...s]), day: Array.from(log.day), item: Array.from(log.item), cutoff,
}, { env: { OPENBLAS_NUM_THREADS: '1' } });
const PEER = `implicit ${peer.version} ALS alone (CPU), same weights and split`;
const dataset = 'hm-sample-week-2020-09-09';

const hybrid = await runHybrid(truth.users);
const ours = {
  hybrid: evaluateRanking(hybrid.lists.map((l) => l.items), truth.relevant, log.nItems),
  als: evaluateRanking(recs.modelLists(truth.users, (u) => (model.hasUser(u) ? model.recommend(u, 12).items : null)), truth.relevant, log.nItems),
  similar: evaluateRanking(recs.similarLists(neighbours, train, truth.users, 12, true), truth.relevant, log.nItems),
  popularity: evaluateRanking(recs.popularityLists(popular, train, truth.users, 12, true), truth.relevant, log.nItems),
};
const peerMetrics = evaluateRanking(peer.lists, truth.relevant, log.nItems);
if (Math.abs(peerMetrics.map_at_12 - peer.map_als) > 1e-9) throw new Error(`MAP@12 of the peer's lists differs: ours ${peerMetrics.map_at_12}, Python apk ${peer.map_als}`);
const slots = recs.sourceCounts(hybrid.lists);
const note = `hybrid slots: ${slots.similar} similar, ${slots.copurchase} co-purchase, ${slots.popular} popularity; image neighbours from colour/texture histograms`;
report({ bench: BENCH, figure: 'map_at_12', dataset, size, ours: ours.hybrid.map_at_12, peer: PEER, peer_value: peer.map_als, better: 'higher', variant: 'hybrid', note });
for (const [name, m] of [['ALS alone (ours, cg-js)', ours.als], ['image-similar alone', ours.similar], ['popularity, minus bought (ours)', ours.popularity]]) {
  report({ bench: BENCH, figure: 'map_at_12', dataset, size, ours: m.map_at_12, peer: PEER, peer_value: peer.map_als, better: 'higher', variant: name });
}
report({ bench: BENCH, figure: 'map_at_12', dataset, size, ours: ours.hybrid.map_at_12, peer: 'Kaggle popularity baseline (top 12 of the last week, NumPy)', peer_value: peer.map_pop, better: 'higher', variant: 'hybrid' });
for (const [figure, key] of [['ndcg_at_10', 'ndcg_at_10'], ['hit_rate_at_10', 'hit_rate_at_10'], ['coverage_at_10', 'coverage_at_10']]) {
  report({ bench: BENCH, figure, dataset, size, ours: ours.hybrid[key], peer: PEER, peer_value: peerMetrics[key], better: 'higher', variant: 'hybrid' });
}
const everyone = Array.from({ length: log.nUsers }, (_, u) => u);
const rates = [];
await runHybrid(everyone);
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  await runHybrid(everyone);
  rates.push(log.nUsers / ((performance.now() - t0) / 1000));
}
report({ bench: BENCH, figure: 'customers_per_second', dataset, size, ours: median(rates), peer: null, better: 'higher', backend: 'node-cpu', variant: 'hybrid, in memory (filter and co-purchase without Neo4j)', runs: RUNS });
writeResults(BENCH);
