/**
 * Behaviour on a planted-structure fixture (loss falls, metrics beat random
 * and popularity), determinism for a seed, resume from a checkpoint,
 * degenerate input naming the parameter, NaN loss as a named error, cancel.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { timeSplit } from '../data/seed-protocol';
import { CancelledError } from '../util/cancel';
import { evaluateEmbeddings, evaluatePopularity, evaluateRandom, positivesFromSplit, testPositives } from './evaluate';
import { plantedInteractions } from './fixtures';
import { trainMf } from './mf';
import { similarItems } from './recommend';
import { trainTwoTower, type TwoTowerCheckpoint } from './twotower';
import { DEFAULT_MF, DEFAULT_TWO_TOWER, NonFiniteLossError, TowersInputError, type TwoTowerConfig } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const log = plantedInteractions({ nUsers: 60, nItems: 40, groups: 4, perUser: 12, noise: 0.05, seed: 1 });
const split = timeSplit(log, 0.2, { minUserInteractions: 1, minTestValue: -Infinity });
const data = positivesFromSplit(split);
const cfg: TwoTowerConfig = { ...DEFAULT_TWO_TOWER, dim: 8, epochs: 12, batchSize: 64, negatives: 5, learningRate: 0.05, seed: 7 };

describe('two-tower on planted structure', () => {
  const cases = [
    ['bce', 'sampled', false],
    ['softmax', 'sampled', false],
    ['softmax', 'in-batch', false],
    ['bce', 'sampled', true],
    ['softmax', 'in-batch', true],
  ] as const;
  for (const [loss, negativeSource, extras] of cases) {
    it(`loss falls and ranking beats popularity and random (${loss}, ${negativeSource}${extras ? ', item bias + logQ' : ''})`, async () => {
      const { model, history } = await trainTwoTower(data, { ...cfg, loss, negativeSource, itemBias: extras, logQ: extras }, { validation: testPositives(split) });
      const emb = await model.embeddings();
      model.dispose();
      // With an item bias, scores stay dot products: one more column (1 for users, the bias for items).
      expect(emb.dim).toBe(extras ? cfg.dim + 1 : cfg.dim);
      expect(Boolean(emb.biasColumn)).toBe(extras);
      if (extras) for (let u = 0; u < data.nUsers; u++) expect(emb.users[u * emb.dim + cfg.dim]).toBe(1);
      expect(history).toHaveLength(cfg.epochs);
      expect(history.at(-1)!.trainLoss).toBeLessThan(history[0].trainLoss * 0.9);
      expect(history.at(-1)!.validationLoss!).toBeLessThan(history[0].validationLoss!);
      const ours = evaluateEmbeddings(emb, split);
      const pop = evaluatePopularity(split);
      const rnd = evaluateRandom(split, 3);
      console.log(`planted ${loss}/${negativeSource}: ndcg@10 ours ${ours.ndcg_at_10.toFixed(3)} popularity ${pop.ndcg_at_10.toFixed(3)} random ${rnd.ndcg_at_10.toFixed(3)}`);
      expect(ours.ndcg_at_10).toBeGreaterThan(pop.ndcg_at_10 * 1.5);
      expect(ours.ndcg_at_10).toBeGreaterThan(rnd.ndcg_at_10 * 1.5);
      expect(ours.hit_rate_at_10).toBeGreaterThan(pop.hit_rate_at_10);
      // Item-to-item: an item's nearest neighbours are mostly of its own group.
      const sim = similarItems(emb, 0, 5, 'cosine');
      // Split ids are dense over the training data: map back to the fixture's ids for the groups.
      const group = (i: number) => log.itemGroup[split.itemIds[i]];
      const same = Array.from(sim.items).filter((i) => group(i) === group(0)).length;
      expect(same).toBeGreaterThanOrEqual(3);
    });
  }
});

describe('determinism and resume', () => {
  it('the same seed gives the same weights; another seed does not', async () => {
    const c = { ...cfg, epochs: 2 };
    const a = await trainTwoTower(data, c);
    const b = await trainTwoTower(data, c);
    const d = await trainTwoTower(data, { ...c, seed: 8 });
    const [wa, wb, wd] = await Promise.all([a.model.weights(), b.model.weights(), d.model.weights()]);
    expect(wa.map((w) => Array.from(w.values))).toEqual(wb.map((w) => Array.from(w.values)));
    expect(Array.from(wa[0].values)).not.toEqual(Array.from(wd[0].values));
    expect(a.history.map((h) => h.trainLoss)).toEqual(b.history.map((h) => h.trainLoss));
    [a, b, d].forEach((r) => r.model.dispose());
  });

  it('resuming from the epoch-2 checkpoint reproduces an uninterrupted 4-epoch run', async () => {
    const c = { ...cfg, epochs: 4 };
    const checkpoints: TwoTowerCheckpoint[] = [];
    const full = await trainTwoTower(data, c, { onCheckpoint: (cp) => void checkpoints.push(cp) });
    const resumed = await trainTwoTower(data, c, { resume: checkpoints[1] });
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const [wf, wr] = await Promise.all([full.model.weights(), resumed.model.weights()]);
    wf.forEach((w, t) => w.values.forEach((x, k) => expect(Math.abs(x - wr[t].values[k])).toBeLessThan(1e-5)));
    full.model.dispose();
    resumed.model.dispose();
  });

  it('MF: resuming from the epoch-2 checkpoint reproduces an uninterrupted 4-epoch run', async () => {
    const mfData = { nUsers: data.nUsers, nItems: data.nItems, users: data.users, items: data.items, targets: Float32Array.from(data.users, (_, k) => 1 + (k % 3)) };
    const c = { ...DEFAULT_MF, dim: 8, hidden: 16, epochs: 4, batchSize: 64 };
    const checkpoints: TwoTowerCheckpoint[] = [];
    const full = await trainMf(mfData, c, { onCheckpoint: (cp) => void checkpoints.push(cp) });
    expect(checkpoints.map((cp) => cp.epochsDone)).toEqual([1, 2, 3, 4]);
    const resumed = await trainMf(mfData, c, { resume: checkpoints[1] });
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(resumed.history.slice(0, 2)).toEqual(full.history.slice(0, 2));
    resumed.history.slice(2).forEach((h, e) => expect(Math.abs(h.trainLoss - full.history[e + 2].trainLoss)).toBeLessThan(1e-5));
    const [wf, wr] = await Promise.all([full.model.weights(), resumed.model.weights()]);
    wf.forEach((w, t) => w.values.forEach((x, k) => expect(Math.abs(x - wr[t].values[k])).toBeLessThan(1e-5)));
    full.model.dispose();
    resumed.model.dispose();
  });
});

describe('degenerate input and failures', () => {
  const expectParam = async (p: Promise<unknown>, param: string, text: RegExp) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TowersInputError);
    expect((err as TowersInputError).param).toBe(param);
    expect((err as Error).message).toMatch(text);
  };

  it('names negatives when there are fewer items than negatives', () =>
    expectParam(trainTwoTower({ ...data, nItems: 5, items: data.items.map((i) => i % 5) }, { ...cfg, negatives: 10 }), 'negatives', /invalid negatives: 10; expected fewer than the number of items \(5\)/));

  it('names positives when no user has a positive', () =>
    expectParam(trainTwoTower({ ...data, users: new Int32Array(0), items: new Int32Array(0) }, cfg), 'positives', /0 positive pairs/));

  it('names validationFraction when the MF validation split is empty', () =>
    expectParam(trainMf({ nUsers: 2, nItems: 2, users: Int32Array.from([0, 1]), items: Int32Array.from([1, 0]), targets: Float32Array.from([1, 2]) }, { ...DEFAULT_MF, validationFraction: 0.1 }), 'validationFraction', /empty validation split/));

  it('names the bad id', () => expectParam(trainTwoTower({ ...data, users: data.users.map((u, k) => (k === 3 ? 999 : u)) }, cfg), 'users', /invalid users\[3\]: 999/));

  it('stops with NonFiniteLossError when the loss diverges', async () => {
    const err = await trainTwoTower(data, { ...cfg, optimizer: 'sgd', learningRate: 1e30, initScale: 1, epochs: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(/training diverged: loss (NaN|Infinity) at epoch 1/);
  });

  it('stops with CancelledError when the signal aborts', async () => {
    const ac = new AbortController();
    const err = await trainTwoTower(data, { ...cfg, batchSize: 8 }, { signal: ac.signal, yieldMs: 0, onStep: (_e, s) => s === 2 && ac.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
  });
});

describe('MF with dense towers', () => {
  it('train and validation MSE fall on a low-rank target', async () => {
    const nU = 20;
    const nI = 15;
    const users: number[] = [];
    const items: number[] = [];
    const targets: number[] = [];
    for (let u = 0; u < nU; u++)
      for (let i = 0; i < nI; i++)
        if ((u * 7 + i * 3) % 4 !== 0) {
          users.push(u);
          items.push(i);
          targets.push(1 + ((u % 3) + 1) * ((i % 2) + 1) * 0.5);
        }
    const { model, history } = await trainMf({ nUsers: nU, nItems: nI, users: Int32Array.from(users), items: Int32Array.from(items), targets: Float32Array.from(targets) }, { ...DEFAULT_MF, dim: 8, hidden: 16, epochs: 30, batchSize: 32, learningRate: 0.02 });
    model.dispose();
    const first = history[0];
    const last = history.at(-1)!;
    expect(last.trainLoss).toBeLessThan(first.trainLoss * 0.2);
    expect(last.validationLoss!).toBeLessThan(first.validationLoss! * 0.5);
  });
});
