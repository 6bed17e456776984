/**
 * Chooses two-tower settings for MovieLens 100k under the seed protocol on a
 * validation period carved from the training part (its last 20% by time),
 * never on the test users. Usage:
 *   npx tsx scripts/towers-movielens-tune.ts '[{"loss":"softmax","negatives":100}]' [seed...]
 * Each JSON object overrides the test's base settings; prints validation
 * NDCG@10 of each setting and of popularity. `--test` also scores the test period.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { movielensInteractions } from '../lib/data/readers/movielens';
import { MOVIELENS_SEED_PROTOCOL, timeSplit, validationSplit } from '../lib/data/seed-protocol';
import { evaluateEmbeddings, evaluatePopularity, positivesFromSplit } from '../lib/towers/evaluate';
import { trainTwoTower } from '../lib/towers/twotower';
import { DEFAULT_TWO_TOWER, type TwoTowerConfig } from '../lib/towers/types';

const file = path.join(process.env.DATA_DIR ?? path.resolve(import.meta.dirname, '../../shared/data'), 'movielens-100k/u.data');

async function main() {
  await tf.setBackend('wasm');
  const args = process.argv.slice(2);
  const scoreTest = args.includes('--test');
  const rest = args.filter((a) => a !== '--test');
  const overrides = JSON.parse(rest[0] ?? '[{}]') as Partial<TwoTowerConfig>[];
  const seeds = rest.slice(1).map(Number);
  const outer = timeSplit(movielensInteractions({ name: 'u.data', bytes: readFileSync(file) }), MOVIELENS_SEED_PROTOCOL.testFraction, MOVIELENS_SEED_PROTOCOL);
  const split = scoreTest ? outer : validationSplit(outer, MOVIELENS_SEED_PROTOCOL.testFraction, MOVIELENS_SEED_PROTOCOL);
  const pop = evaluatePopularity(split);
  console.log(`${scoreTest ? 'TEST' : 'validation'}: ${split.testUsers.length} users, ${split.train.nCols} items, ${split.counts.trainInteractions} train rows; popularity ndcg@10 ${pop.ndcg_at_10.toFixed(4)}`);
  for (const o of overrides) {
    for (const seed of seeds.length ? seeds : [42]) {
      const cfg = { ...DEFAULT_TWO_TOWER, epochs: 10, batchSize: 1024, ...o, seed };
      const t0 = performance.now();
      const { model } = await trainTwoTower(positivesFromSplit(split), cfg);
      const m = evaluateEmbeddings(await model.embeddings(), split);
      model.dispose();
      console.log(`${JSON.stringify(o)} seed ${seed}: ndcg@10 ${m.ndcg_at_10.toFixed(4)} hit@10 ${m.hit_rate_at_10.toFixed(4)} cov@10 ${m.coverage_at_10.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
}

void main();
