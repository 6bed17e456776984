/**
 * Glue between a protocol split (lib/data/seed-protocol.ts) and the models:
 * training positives from the split, the metric report of a model's
 * embeddings, and the baselines' reports on the same users.
 */
import type { ProtocolSplit } from '../data/seed-protocol';
import { evaluateRanking, type MetricReport } from '../metrics';
import { popularityForUsers, randomForUsers, recommendForUsers } from './recommend';
import type { TowerEmbeddings, TwoTowerData } from './types';

/** Distinct (user, item) training pairs of a split as two-tower positives. */
export function positivesFromSplit(split: ProtocolSplit): TwoTowerData {
  const { train } = split;
  const users = new Int32Array(train.indices.length);
  for (let u = 0; u < train.nRows; u++) users.fill(u, train.indptr[u], train.indptr[u + 1]);
  return { nUsers: train.nRows, nItems: train.nCols, users, items: Int32Array.from(train.indices) };
}

/** Test-period positives (the relevant sets) as two-tower data, e.g. for a held-out loss curve. */
export function testPositives(split: ProtocolSplit): TwoTowerData {
  const users: number[] = [];
  const items: number[] = [];
  split.relevant.forEach((set, k) => {
    for (const i of set) {
      users.push(split.testUsers[k]);
      items.push(i);
    }
  });
  return { nUsers: split.train.nRows, nItems: split.train.nCols, users: Int32Array.from(users), items: Int32Array.from(items) };
}

/** Metrics of top-k lists from `emb` on the split's test users (training items excluded). */
export function evaluateEmbeddings(emb: TowerEmbeddings, split: ProtocolSplit, k = 12): MetricReport {
  const lists = recommendForUsers(emb, split.testUsers, k, split.train);
  return evaluateRanking(lists, split.relevant, split.train.nCols);
}

/** Metrics of the popularity baseline on the same users. */
export function evaluatePopularity(split: ProtocolSplit, k = 12): MetricReport {
  return evaluateRanking(popularityForUsers(split.train, split.testUsers, k), split.relevant, split.train.nCols);
}

/** Metrics of the seeded random baseline on the same users. */
export function evaluateRandom(split: ProtocolSplit, seed: number, k = 12): MetricReport {
  return evaluateRanking(randomForUsers(split.train, split.testUsers, k, seed), split.relevant, split.train.nCols);
}
