#!/usr/bin/env node
// bench/two-tower: the two-tower model (BCE over 1 positive + 10 random
// negatives, Adam, dim 32, batch 1024) trained in headless Chromium against
// the same model in PyTorch on CPU, on the same splits. Ours runs the app's
// default engine, the WebAssembly SIMD step kernel (lib/towers/kernel.ts, one
// thread), timed against PyTorch on one thread and on every core; the TF.js
// WASM backend (engine 'tfjs', every core) is timed against PyTorch on every
// core. Figures: seconds_per_example (alternating runs, medians) and both
// models' ndcg_at_10, hit_rate_at_10, coverage_at_10 (evaluated by the same
// lib/metrics code in the page), plus a popularity baseline per dataset.
import { alternate, args, dataDir, report, writeResults } from './lib/report.mjs';
import { pageResult, withBrowserPage } from './lib/browser.mjs';
import { ensureVenv, runPython } from './lib/python.mjs';

const BENCH = 'two-tower';
const data = dataDir();
if (!data) {
  console.error('two-tower: no datasets (../shared/data or DATA_DIR); nothing to measure');
  writeResults(BENCH);
  process.exit(0);
}

const MODEL = { dim: 32, negatives: 10, loss: 'bce', negativeSource: 'sampled', optimizer: 'adam', learningRate: 0.01, batchSize: 1024, initScale: 0.1, l2: 0, seed: 42 };
// name, epochs for quality, timed steps (0 = a whole epoch), cap on evaluated test users
// --datasets=hm,asos runs only those (names as below).
const only = process.argv.find((a) => a.startsWith('--datasets='))?.slice('--datasets='.length).split(',');
const DATASETS = (args.quick
  ? [['movielens-seed', 3, 20, 5000, true]]
  : [
      ['movielens-seed', 10, 0, 5000, true],
      ['movielens-u1', 10, 0, 5000, false],
      ['movielens-u2', 10, 0, 5000, false],
      ['movielens-u3', 10, 0, 5000, false],
      ['movielens-u4', 10, 0, 5000, false],
      ['movielens-u5', 10, 0, 5000, false],
      ['hm', 10, 0, 5000, true],
      ['asos', 5, 0, 3000, true],
    ]
).filter(([name]) => !only || only.includes(name));

const PEER_SCRIPT = String.raw`
import json, sys, time, warnings
warnings.filterwarnings('ignore')  # "Failed to initialize NumPy": numpy is not needed
import torch
import torch.nn.functional as F
inp = json.load(sys.stdin)
if inp.get('threads'): torch.set_num_threads(inp['threads'])
c = inp['cfg']
torch.manual_seed(c['seed'])
g = torch.Generator().manual_seed(c['seed'])
nU, nI, d, N, B = inp['nUsers'], inp['nItems'], c['dim'], c['negatives'], c['batchSize']
users = torch.tensor(inp['users'], dtype=torch.long)
items = torch.tensor(inp['items'], dtype=torch.long)
U = torch.nn.Embedding(nU, d); I = torch.nn.Embedding(nI, d)
torch.nn.init.normal_(U.weight, std=c['initScale']); torch.nn.init.normal_(I.weight, std=c['initScale'])
opt = torch.optim.Adam(list(U.parameters()) + list(I.parameters()), lr=c['learningRate'])
n = len(users)
def run(epochs, max_steps):
    steps = 0; examples = 0
    for e in range(epochs):
        perm = torch.randperm(n, generator=g)
        for s in range(0, n, B):
            if max_steps and steps >= max_steps: return examples
            idx = perm[s:s + B]; u = users[idx]; p = items[idx]; b = len(idx)
            # N uniform negatives per positive, never the positive itself (as in lib/towers/batches.ts)
            neg = torch.randint(0, nI - 1, (b, N), generator=g); neg = neg + (neg >= p[:, None]).long()
            uv = U(u); pv = I(p); nv = I(neg)
            sp = (uv * pv).sum(1); sn = (uv[:, None, :] * nv).sum(2)
            loss = (F.softplus(-sp).sum() + F.softplus(sn).sum()) / (b * (1 + N))
            opt.zero_grad(); loss.backward(); opt.step()
            steps += 1; examples += b
    return examples
if inp['mode'] == 'time':
    t0 = time.perf_counter(); ex = run(1, inp['steps']); sec = time.perf_counter() - t0
    print(json.dumps({'seconds': sec, 'examples': ex, 'threads': torch.get_num_threads(), 'version': torch.__version__}))
else:
    t0 = time.perf_counter(); run(c['epochs'], 0); sec = time.perf_counter() - t0
    print(json.dumps({'seconds': sec, 'users': U.weight.detach().flatten().tolist(), 'items': I.weight.detach().flatten().tolist(), 'version': torch.__version__}))
`;

const python = await ensureVenv(['torch']);
const peerVersion = runPython(python, 'import json,torch; print(json.dumps(torch.__version__))', null);
const PEER = `PyTorch ${peerVersion} (CPU)`;

await withBrowserPage({ entry: 'bench/browser/towers.ts', mounts: { '/data/': data } }, async (page) => {
  await pageResult(page);
  const env = await page.evaluate(() => window.towers.init('wasm'));
  console.error(`two-tower: page backend ${env.backend}, cross-origin isolated ${env.coi}, CPUs ${env.threads}, TF.js WASM threads ${env.wasmThreads}`);
  for (const [name, epochs, steps, maxTestUsers, timed] of DATASETS) {
    const dataset = name;
    const prep = await page.evaluate(([n, m]) => window.towers.prepare(n, m), [name, maxTestUsers]);
    const size = { users: prep.nUsers, items: prep.nItems, positives: prep.users.length, test_users: prep.testUsers };
    console.error(`two-tower: ${name}: ${JSON.stringify(size)}`);
    const peerInput = (mode, extra) => ({ nUsers: prep.nUsers, nItems: prep.nItems, users: prep.users, items: prep.items, mode, cfg: { ...MODEL, epochs }, ...extra });
    if (timed) {
      const oursTime = (patch) => async () => {
        const r = await page.evaluate(([c, s]) => window.towers.timeSteps(c, s), [{ ...MODEL, ...patch }, steps]);
        return r.seconds / r.examples;
      };
      const peerTime = (threads) => () => {
        const r = runPython(python, PEER_SCRIPT, peerInput('time', { steps, threads }));
        return r.seconds / r.examples;
      };
      const common = { bench: BENCH, figure: 'seconds_per_example', dataset, size, peer: PEER, better: 'lower', runs: 3, note: 'one example = 1 positive + 10 negatives; batch generation included on both sides' };
      const variant = steps ? `${steps} steps` : 'one epoch';
      // The kernel runs on one thread: PyTorch gets one too, then every core.
      const k1 = await alternate({ runs: 3, ours: oursTime({ engine: 'kernel' }), peer: peerTime(1) });
      report({ ...common, ours: k1.ours, peer_value: k1.peer, backend: 'wasm-simd-kernel', threads: { ours: 1, peer: 1 }, variant: `engine=kernel, ${variant}` });
      const kN = await alternate({ runs: 3, ours: oursTime({ engine: 'kernel' }), peer: peerTime(env.threads) });
      report({ ...common, ours: kN.ours, peer_value: kN.peer, backend: 'wasm-simd-kernel', threads: { ours: 1, peer: env.threads }, variant: `engine=kernel, ${variant}` });
      const tN = await alternate({ runs: 3, ours: oursTime({ engine: 'tfjs' }), peer: peerTime(env.threads) });
      report({ ...common, ours: tN.ours, peer_value: tN.peer, backend: 'wasm', threads: { ours: env.wasmThreads, peer: env.threads }, variant: `engine=tfjs, ${variant}` });
      const times = tN;
      const cfg = { ...MODEL, engine: 'tfjs' };
      if (name === 'movielens-seed') {
        // The embedding-lookup designs on WASM: one-hot matmul (forward and backward) against the scatter-add backward used above.
        const onehot = [];
        for (let r = 0; r < 3; r++) {
          const o = await page.evaluate(([c, s]) => window.towers.timeSteps(c, s), [{ ...cfg, lookup: 'onehot' }, 2]);
          onehot.push(o.seconds / o.examples);
        }
        onehot.sort((a, b) => a - b);
        report({ bench: BENCH, figure: 'seconds_per_example', dataset, size, ours: onehot[1], peer: null, peer_value: null, better: 'lower', backend: 'wasm', runs: 3, variant: 'lookup=onehot (2 steps)', note: `engine=tfjs; its default scatter lookup: ${times.ours.toExponential(3)} s/example` });
        const gather = await page.evaluate(([c]) => window.towers.timeSteps(c, 1).then(() => 'ok', (e) => String(e.message ?? e)), [{ ...cfg, lookup: 'gather' }]);
        console.error(`two-tower: lookup=gather on wasm: ${gather}`);
      }
    }
    const fit = await page.evaluate(([c]) => window.towers.fit(c), [{ ...MODEL, epochs }]);
    // The TF.js engine's model on the same split: the kernel must not train a worse one.
    const tfjsFit = name === 'movielens-seed' ? await page.evaluate(([c]) => window.towers.fit(c), [{ ...MODEL, epochs, engine: 'tfjs' }]) : null;
    const peerFit = runPython(python, PEER_SCRIPT, peerInput('fit', {}));
    const peerMetrics = await page.evaluate(([d, u, i]) => window.towers.evaluate(d, u, i), [MODEL.dim, peerFit.users, peerFit.items]);
    const pop = await page.evaluate(() => window.towers.popularity());
    for (const [figure, key] of [['ndcg_at_10', 'ndcg_at_10'], ['hit_rate_at_10', 'hit_rate_at_10'], ['coverage_at_10', 'coverage_at_10']]) {
      report({ bench: BENCH, figure, dataset, size, ours: fit.metrics[key], peer: PEER, peer_value: peerMetrics[key], better: 'higher', backend: 'wasm', runs: 1, variant: `${epochs} epochs` });
      report({ bench: BENCH, figure, dataset, size, ours: pop[key], peer: null, peer_value: null, better: 'higher', runs: 1, variant: 'popularity baseline' });
      if (tfjsFit) report({ bench: BENCH, figure, dataset, size, ours: tfjsFit.metrics[key], peer: PEER, peer_value: peerMetrics[key], better: 'higher', backend: 'wasm', runs: 1, variant: `${epochs} epochs, engine=tfjs` });
    }
    console.error(`two-tower: ${name}: training ${epochs} epochs: ours ${fit.seconds.toFixed(1)} s, PyTorch ${peerFit.seconds.toFixed(1)} s; last loss ${fit.history.at(-1).trainLoss.toFixed(4)}${tfjsFit ? `; engine=tfjs ${tfjsFit.seconds.toFixed(1)} s, last loss ${tfjsFit.history.at(-1).trainLoss.toFixed(4)}` : ''}`);
  }
});
writeResults(BENCH);
