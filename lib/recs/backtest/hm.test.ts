/**
 * The backtest on the real H&M sample in ../shared/data (DATA_DIR overrides): six weekly cutoffs from
 * 2020-08-05, pooled MAP@12. Skipped, with the reason, when the data is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInteractionLog } from '../../data/interactions';
import { parseIsoDay } from '../../data/table';
import { backtest } from './backtest';
import { popularityStrategy, randomStrategy, repurchaseStrategy } from './baselines';
import { weeklyCutoffs } from './split';

const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../../../shared/data');
const file = path.join(DATA_DIR, 'hm', 'transactions_sample.csv');
const present = existsSync(file);
if (!present) console.warn(`SKIPPED: the H&M backtest test needs ${file} (set DATA_DIR to the shared data folder)`);

describe.skipIf(!present)('backtest on the H&M sample', () => {
  it('repurchase beats random and last-week popularity on pooled MAP@12 over six weekly cutoffs', async () => {
    const cols = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const log = buildInteractionLog({ user: cols.map((c) => c[1]), item: cols.map((c) => c[2]), day: cols.map((c) => parseIsoDay(c[0])), value: cols.map((c) => Number(c[3])) });
    const r = await backtest({
      log,
      cutoffs: weeklyCutoffs('2020-08-05', 6),
      strategies: [repurchaseStrategy(), popularityStrategy(), randomStrategy(3)],
      bootstrap: { samples: 1000, seed: 1 },
    });
    const by = Object.fromEntries(r.strategies.map((s) => [s.name, s]));
    expect(r.buyers).toHaveLength(6);
    expect(r.buyers.reduce((a, b) => a + b, 0)).toBeGreaterThan(300);
    expect(by.repurchase.map.mean).toBeGreaterThan(by.random.map.mean);
    expect(by.repurchase.map.mean).toBeGreaterThan(by.popularity.map.mean);
    expect(r.reference).toBe('repurchase');
    expect(by.random.vsReference!.verdict).toBe('worse');
  });
});
