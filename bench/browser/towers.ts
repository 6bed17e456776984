/**
 * Browser side of bench/two-tower.mjs: loads a dataset from /data/, builds
 * the evaluation split, trains the two-tower model on the chosen TF.js
 * backend (WASM with threads by default), and evaluates any embeddings
 * (ours, or PyTorch's sent back from Node) with the same lib/metrics code.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { setBackendThreaded } from '../../workers/wasm-threads';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { cutoffSplit, protocolSplit, timeSplit, MOVIELENS_SEED_PROTOCOL, type Interactions, type ProtocolSplit } from '../../lib/data/seed-protocol';
import { mulberry32 } from '../../lib/util/random';
import { evaluateEmbeddings, evaluatePopularity, positivesFromSplit } from '../../lib/towers/evaluate';
import { stepsPerEpoch, twoTowerBatches } from '../../lib/towers/batches';
import { makeOptimizer } from '../../lib/towers/loop';
import { kernelApplies, TwoTowerKernel } from '../../lib/towers/kernel';
import { initTwoTowerWeights, TwoTowerModel, trainTwoTower } from '../../lib/towers/twotower';
import { DEFAULT_TWO_TOWER, type TowerEmbeddings, type TwoTowerConfig, type TwoTowerData } from '../../lib/towers/types';

async function text(path: string): Promise<string> {
  const r = await fetch(`/data/${path}`);
  if (!r.ok) throw new Error(`fetch /data/${path}: ${r.status}`);
  return r.text();
}

/** Dense ids for string or number keys. */
function denser() {
  const m = new Map<string, number>();
  return { id: (k: string) => m.get(k) ?? (m.set(k, m.size), m.size - 1), get size() { return m.size; } };
}

function movielensRows(t: string) {
  const user: number[] = [];
  const item: number[] = [];
  const value: number[] = [];
  const time: number[] = [];
  for (const line of t.trim().split('\n')) {
    const [u, i, r, s] = line.split('\t').map(Number);
    user.push(u - 1);
    item.push(i - 1);
    value.push(r);
    time.push(s);
  }
  return { user, item, value, time };
}

async function movielensSeed(): Promise<ProtocolSplit> {
  const rows = movielensRows(await text('movielens-100k/u.data'));
  return timeSplit({ nUsers: 943, nItems: 1682, ...rows }, MOVIELENS_SEED_PROTOCOL.testFraction, MOVIELENS_SEED_PROTOCOL);
}

async function movielensFold(k: number): Promise<ProtocolSplit> {
  const base = movielensRows(await text(`movielens-100k/u${k}.base`));
  const test = movielensRows(await text(`movielens-100k/u${k}.test`));
  const cat = <T>(a: T[], b: T[]) => a.concat(b);
  const log: Interactions = { nUsers: 943, nItems: 1682, user: cat(base.user, test.user), item: cat(base.item, test.item), value: cat(base.value, test.value), time: cat(base.time, test.time) };
  const isTest = Uint8Array.from({ length: log.user.length }, (_, r) => (r >= base.user.length ? 1 : 0));
  return protocolSplit(log, isTest, MOVIELENS_SEED_PROTOCOL);
}

/** ASOS has no timestamps: a seeded random 20% of each user's interactions (users with ≥ 2) is the test set. */
async function asos(): Promise<ProtocolSplit> {
  const buf = await (await fetch('/data/asos-dsf2020/dsf_asos_train_with_alphanumeric_dummy_ids.parquet')).arrayBuffer();
  const rows = (await parquetReadObjects({ file: buf, columns: ['dummyUserId', 'productId'], compressors })) as { dummyUserId: string | Uint8Array; productId: number }[];
  const users = denser();
  const items = denser();
  const dec = new TextDecoder();
  const user = rows.map((r) => users.id(typeof r.dummyUserId === 'string' ? r.dummyUserId : dec.decode(r.dummyUserId)));
  const item = rows.map((r) => items.id(String(r.productId)));
  const rand = mulberry32(2020);
  const isTest = Uint8Array.from(user, () => (rand() < 0.2 ? 1 : 0));
  return protocolSplit({ nUsers: users.size, nItems: items.size, user, item, time: user.map((_, r) => r), value: user.map(() => 1) }, isTest, { minUserInteractions: 2, minTestValue: -Infinity });
}

/** H&M sample: the week 2020-09-09..15 is the test period (as Kaggle solutions validated). */
async function hm(): Promise<ProtocolSplit> {
  const lines = (await text('hm/transactions_sample.csv')).trim().split('\n').slice(1);
  const users = denser();
  const items = denser();
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  const value: number[] = [];
  for (const l of lines) {
    const [d, c, a, p] = l.split(',');
    user.push(users.id(c));
    item.push(items.id(a));
    time.push(Date.parse(`${d}T00:00:00Z`) / 86_400_000);
    value.push(Number(p));
  }
  const from = Date.parse('2020-09-09T00:00:00Z') / 86_400_000;
  return cutoffSplit({ nUsers: users.size, nItems: items.size, user, item, time, value }, from, from + 7, { minUserInteractions: 1, minTestValue: -Infinity });
}

let split: ProtocolSplit | null = null;
let data: TwoTowerData | null = null;
let ours: TowerEmbeddings | null = null;

const api = {
  async init(backend: string) {
    await setBackendThreaded(backend);
    await tf.ready();
    return { backend: tf.getBackend(), coi: crossOriginIsolated, threads: navigator.hardwareConcurrency, wasmThreads: tf.getBackend() === 'wasm' ? getThreadsCount() : null };
  },
  /** Builds the split; returns what the peer needs (distinct training pairs) and sizes. */
  async prepare(name: string, maxTestUsers: number) {
    const m = /^movielens-u(\d)$/.exec(name);
    split = name === 'movielens-seed' ? await movielensSeed() : m ? await movielensFold(Number(m[1])) : name === 'asos' ? await asos() : name === 'hm' ? await hm() : null;
    if (!split) throw new Error(`invalid dataset: ${name}; expected movielens-seed, movielens-u1..5, asos, hm`);
    if (split.testUsers.length > maxTestUsers) {
      // Evaluate a seeded subset of test users (large catalogues make full evaluation slow in plain JS).
      const r = mulberry32(7);
      const keep = Array.from(split.testUsers.keys()).sort(() => r() - 0.5).slice(0, maxTestUsers).sort((a, b) => a - b);
      split = { ...split, testUsers: Int32Array.from(keep, (k) => split!.testUsers[k]), relevant: keep.map((k) => split!.relevant[k]) };
    }
    data = positivesFromSplit(split);
    return { nUsers: data.nUsers, nItems: data.nItems, users: Array.from(data.users), items: Array.from(data.items), testUsers: split.testUsers.length, counts: split.counts };
  },
  /**
   * Seconds of `steps` optimiser steps of epoch 0 (all steps when 0) and the examples they covered, batch
   * generation included; on the kernel (engine 'kernel', the default) or TF.js ops (engine 'tfjs').
   */
  async timeSteps(cfgPatch: Partial<TwoTowerConfig>, steps: number) {
    const cfg = { ...DEFAULT_TWO_TOWER, ...cfgPatch };
    const total = steps || stepsPerEpoch(data!.users.length, cfg.batchSize);
    let examples = 0;
    let n = 0;
    if (kernelApplies(cfg)) {
      // The app's default engine: the WebAssembly SIMD step (one thread), weights laid out once per fit.
      const kernel = new TwoTowerKernel(data!, cfg, initTwoTowerWeights(data!, cfg), cfg.batchSize);
      const t0 = performance.now();
      for (const b of twoTowerBatches(data!, cfg, 0)) {
        if (n++ >= total) break;
        kernel.step(b);
        examples += b.users.length;
      }
      return { seconds: (performance.now() - t0) / 1000, examples, backend: 'wasm-simd-kernel' };
    }
    const model = new TwoTowerModel(data!, cfg);
    const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
    const t0 = performance.now();
    for (const b of twoTowerBatches(data!, cfg, 0)) {
      if (n++ >= total) break;
      opt.minimize(() => model.loss(b), false, model.vars);
      examples += b.users.length;
    }
    await model.vars[0].data();
    const seconds = (performance.now() - t0) / 1000;
    model.dispose();
    opt.dispose();
    return { seconds, examples, backend: tf.getBackend() };
  },
  /** Trains for cfg.epochs and evaluates; keeps the embeddings. */
  async fit(cfgPatch: Partial<TwoTowerConfig>) {
    const cfg = { ...DEFAULT_TWO_TOWER, ...cfgPatch };
    const t0 = performance.now();
    const { model, history } = await trainTwoTower(data!, cfg);
    const seconds = (performance.now() - t0) / 1000;
    ours = await model.embeddings();
    model.dispose();
    return { seconds, history, metrics: evaluateEmbeddings(ours, split!) };
  },
  /** Metrics of embeddings computed elsewhere (the PyTorch peer), on the same split. */
  evaluate(dim: number, users: number[], items: number[]) {
    return evaluateEmbeddings({ dim, users: Float32Array.from(users), items: Float32Array.from(items) }, split!);
  },
  popularity() {
    return evaluatePopularity(split!);
  },
};

declare global {
  interface Window {
    towers?: typeof api;
    benchResult?: unknown;
  }
}
window.towers = api;
window.benchResult = true;
