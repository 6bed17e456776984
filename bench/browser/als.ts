/**
 * Browser side of bench/als.mjs: loads a dataset from /data/, makes the split,
 * builds the weight matrix with lib/cf, fits our ALS (any solver; the TF.js
 * one on the backend chosen by `init`) and evaluates any factors (ours, or
 * implicit's sent back from Node) with the same lib/metrics code.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setBackendThreaded } from '../../workers/wasm-threads';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { AlsModel, evaluateAls, evaluatePopularity, fitAls, holdoutFromPairs, makeSolver, prepareInteractions, sampleHoldout, wasmSimdAvailable, type AlsParams, type AlsSolverName, type HoldoutSpec } from '../../lib/cf';
import type { Csr } from '../../lib/data/csr';
import { mulberry32 } from '../../lib/util/random';
import { spawnWebCgThread } from '../../workers/ml/als-threads';

async function text(path: string): Promise<string> {
  const r = await fetch(`/data/${path}`);
  if (!r.ok) throw new Error(`fetch /data/${path}: ${r.status}`);
  return r.text();
}

function denser() {
  const m = new Map<string, number>();
  return { id: (k: string) => m.get(k) ?? (m.set(k, m.size), m.size - 1), get size() { return m.size; } };
}

interface Prepared {
  weights: Csr;
  holdout: HoldoutSpec;
  itemCounts: Int32Array;
  note: string;
}

/** MovieLens u1: train on every u1.base rating (binary), relevant = u1.test ratings ≥ 4. */
async function movielens(): Promise<Prepared> {
  const rows = (t: string) => t.trim().split('\n').map((l) => l.split('\t').map(Number));
  const base = rows(await text('movielens-100k/u1.base'));
  const test = rows(await text('movielens-100k/u1.test')).filter((r) => r[2] >= 4);
  const p = prepareInteractions(
    { nUsers: 943, nItems: 1682, user: Int32Array.from(base, (r) => r[0] - 1), item: Int32Array.from(base, (r) => r[1] - 1), day: Int32Array.from(base, (r) => Math.floor(r[3] / 86400)) },
    { weighting: 'count' },
  );
  return { weights: p.weights, itemCounts: p.itemCounts, holdout: holdoutFromPairs(test.map((r) => r[0] - 1), test.map((r) => r[1] - 1)), note: 'u1.base all ratings as interactions (count); relevant: u1.test ratings >= 4' };
}

/** ASOS train file (no timestamps): one random interaction per user with ≥ 2 held out (seed 42). */
async function asos(): Promise<Prepared> {
  const buf = await (await fetch('/data/asos-dsf2020/dsf_asos_train_with_alphanumeric_dummy_ids.parquet')).arrayBuffer();
  const recs = (await parquetReadObjects({ file: buf, compressors, columns: ['dummyUserId', 'productId'] })) as { dummyUserId: string | Uint8Array; productId: number }[];
  const users = denser();
  const items = denser();
  const dec = new TextDecoder();
  const user = Int32Array.from(recs, (r) => users.id(typeof r.dummyUserId === 'string' ? r.dummyUserId : dec.decode(r.dummyUserId)));
  const item = Int32Array.from(recs, (r) => items.id(String(r.productId)));
  const rowsOf = new Map<number, number[]>();
  user.forEach((u, r) => (rowsOf.get(u) ?? rowsOf.set(u, []).get(u)!).push(r));
  const rand = mulberry32(42);
  const isTest = new Uint8Array(user.length);
  for (const rows of rowsOf.values()) if (rows.length >= 2) isTest[rows[Math.floor(rand() * rows.length)]] = 1;
  const day = Int32Array.from(isTest, (t) => (t ? 1 : 0));
  const p = prepareInteractions({ nUsers: users.size, nItems: items.size, user, item, day }, { weighting: 'count', endDay: 1 });
  const tu: number[] = [];
  const ti: number[] = [];
  isTest.forEach((t, r) => t && (tu.push(user[r]), ti.push(item[r])));
  // Scoring all 29k test users against 29.7k items twice (ours, implicit) takes minutes in the page: both libraries are scored on the same seeded 5,000.
  return { weights: p.weights, itemCounts: p.itemCounts, holdout: sampleHoldout(holdoutFromPairs(tu, ti), 5000, 42), note: 'leave one random interaction out per user with >= 2 (seed 42), 5,000 of them scored (seed 42); count weights' };
}

/** H&M sample: train before 2020-09-09 (recency weights, half-life 30 days), relevant = purchases 2020-09-09..15. */
async function hm(): Promise<Prepared> {
  const lines = (await text('hm/transactions_sample.csv')).trim().split('\n').slice(1);
  const users = denser();
  const items = denser();
  const n = lines.length;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const day = new Int32Array(n);
  lines.forEach((l, r) => {
    const [d, c, a] = l.split(',');
    user[r] = users.id(c);
    item[r] = items.id(a);
    day[r] = Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  });
  const from = Date.parse('2020-09-09T00:00:00Z') / 86_400_000;
  const p = prepareInteractions({ nUsers: users.size, nItems: items.size, user, item, day }, { weighting: 'recency', halfLifeDays: 30, endDay: from });
  const tu: number[] = [];
  const ti: number[] = [];
  for (let r = 0; r < n; r++) if (day[r] >= from && day[r] <= from + 6) (tu.push(user[r]), ti.push(item[r]));
  return { weights: p.weights, itemCounts: p.itemCounts, holdout: holdoutFromPairs(tu, ti), note: 'train < 2020-09-09, recency weights (half-life 30 d); relevant: 2020-09-09..15' };
}

let current: Prepared | null = null;

const api = {
  async init(backend: string) {
    if (!(await setBackendThreaded(backend))) throw new Error(`backend ${backend} failed to initialise`);
    await tf.ready();
    return { backend: tf.getBackend(), coi: crossOriginIsolated, threads: navigator.hardwareConcurrency, simd: wasmSimdAvailable() };
  },

  /** Loads a dataset; returns its size and the confidence matrix (1 + alpha·w) for the peer. */
  async prepare(name: string, alpha: number) {
    current = name === 'movielens-u1' ? await movielens() : name === 'asos' ? await asos() : name === 'hm' ? await hm() : null;
    if (!current) throw new Error(`invalid dataset: ${name}; expected movielens-u1, asos, hm`);
    const w = current.weights;
    return {
      nUsers: w.nRows,
      nItems: w.nCols,
      nnz: w.indices.length,
      testUsers: current.holdout.users.length,
      indptr: Array.from(w.indptr),
      indices: Array.from(w.indices),
      confidence: Array.from(w.data, (v) => 1 + alpha * v),
      note: current.note,
    };
  },

  /** Fits on the current dataset (`cg` on `threads` threads); returns seconds per iteration, the threads used and, when asked, holdout metrics. */
  async fit(params: AlsParams, solver: AlsSolverName, withMetrics: boolean, threads = 1) {
    if (!current) throw new Error('call prepare first');
    const seconds: number[] = [];
    const s = makeSolver(solver, { cg: { threads, spawn: spawnWebCgThread } });
    const model = await fitAls(current.weights, params, { solver: s, computeLoss: withMetrics, onIteration: (i) => seconds.push(i.seconds) });
    // The threads the kernel actually ran on (fewer than asked when its pool could not start), and where its time went.
    return { seconds, threads: s.threadsUsed ?? 1, threadsNote: s.threadsNote ?? null, phases: s.phaseSeconds ?? null, loss: Array.from(model.loss), metrics: withMetrics ? evaluateAls(model, current.holdout).report : null };
  },

  /** Metrics of externally trained factors (e.g. implicit's), with our seen-item filter and lists. */
  evaluate(params: AlsParams, userFactors: number[], itemFactors: number[]) {
    if (!current) throw new Error('call prepare first');
    const w = current.weights;
    const model = new AlsModel({
      params,
      userFactors: Float32Array.from(userFactors),
      itemFactors: Float32Array.from(itemFactors),
      seenIndptr: w.indptr,
      seenIndices: w.indices,
      filteredUsers: new Int32Array(0),
      filteredItems: new Int32Array(0),
      loss: new Float64Array(0),
    });
    return evaluateAls(model, current.holdout).report;
  },

  popularity() {
    if (!current) throw new Error('call prepare first');
    return evaluatePopularity(current.itemCounts, current.holdout);
  },
};

declare global {
  interface Window {
    als: typeof api;
    benchResult?: unknown;
  }
}
window.als = api;
window.benchResult = true;
