import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest } from './backtest';
import { randomStrategy } from './baselines';
import { syntheticShop } from './fixture';
import { weeklyCutoffs } from './split';
import { twoTowerStrategy } from './towers';

describe('two-tower strategy', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is fitted as of each cutoff, passes the as-of check and beats random on planted favourites', async () => {
    const log = syntheticShop({ customers: 120, lastDay: 90 });
    const fits = new Map();
    const r = await backtest({
      log, cutoffs: weeklyCutoffs(77, 2), candidateWeeks: 8, bootstrap: { samples: 200 },
      strategies: [twoTowerStrategy({ fits, weeks: 12, config: { epochs: 20, batchSize: 64, dim: 16, learningRate: 0.02 } }), randomStrategy(1)],
    });
    // One fit per cutoff, each on the purchases before it only.
    expect([...fits.keys()]).toEqual([77, 84]);
    const tt = r.strategies.find((s) => s.name === 'two-tower')!;
    for (const w of tt.weeks) for (const l of w.lists) expect(l).toHaveLength(12);
    expect(tt.map.mean).toBeGreaterThan(r.strategies.find((s) => s.name === 'random')!.map.mean);
  });
});
