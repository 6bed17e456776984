import { describe, expect, it } from 'vitest';
import type { ItemNeighbours } from '../types';
import { asOfView } from './asof';
import { backtest } from './backtest';
import { syntheticShop } from './fixture';
import { alsFits, alsStrategy, hybridStrategy, poolNeighbours, seedHybridStrategy, topByScore } from './models';
import { mulberry32 } from '../../util/random';
import { weeklyCutoffs } from './split';

const log = syntheticShop({ customers: 100, lastDay: 80 });
// Hand-made "image" neighbours: each article's next two ids; two departments (even/odd), one index.
const k = 2;
const image: ItemNeighbours = {
  nItems: log.nItems,
  k,
  items: Int32Array.from({ length: log.nItems * k }, (_, x) => (Math.floor(x / k) + 1 + (x % k)) % log.nItems),
  scores: Float32Array.from({ length: log.nItems * k }, (_, x) => 0.9 - 0.1 * (x % k)),
};
const catalog = { department: log.itemKeys.map((_, i) => (i % 2 ? 'odd' : 'even')), index: log.itemKeys.map(() => 'Ladieswear') };

describe('model strategies', () => {
  it('drops neighbours not on sale', () => {
    const v = asOfView(log, 70, { candidateWeeks: 1 });
    const nb = poolNeighbours(image, v.pool);
    for (let x = 0; x < nb.items.length; x++) if (nb.items[x] >= 0) expect(v.pool[nb.items[x]]).toBe(1);
  });

  it('the seeds’ hybrid keeps same-department candidates first and fills with a reproducible seeded sample', async () => {
    const fits = alsFits();
    const run = () => backtest({ log, catalog, cutoffs: weeklyCutoffs(63, 2), strategies: [seedHybridStrategy(image, fits), hybridStrategy(image, fits), alsStrategy(fits)], bootstrap: { samples: 100 } });
    const a = await run();
    const b = await run();
    const seedA = a.strategies.find((s) => s.name === 'seed-hybrid')!;
    const seedB = b.strategies.find((s) => s.name === 'seed-hybrid')!;
    expect(seedA.weeks[0].lists).toEqual(seedB.weeks[0].lists);
    for (const s of a.strategies) for (const w of s.weeks) for (const l of w.lists) expect(l).toHaveLength(12);
    // A customer who bought only even articles gets image candidates from the even department first.
    const v = asOfView(log, 63, { catalog });
    const w = seedA.weeks[0];
    w.users.forEach((u, j) => {
      const bought = Array.from(v.history.items.subarray(v.history.indptr[u], v.history.indptr[u + 1]));
      if (bought.length && bought.every((i) => i % 2 === 0)) expect(w.lists[j][0] % 2).toBe(0);
    });
  });
});

describe('topByScore', () => {
  it('gives what a stable sort by descending score and a slice give, ties and filters included', () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const nItems = 1 + Math.floor(rand() * 60);
      // Few distinct values: many ties.
      const score = Float32Array.from({ length: nItems }, () => Math.floor(rand() * 6) / 5 - 0.5);
      const items = Array.from({ length: nItems }, (_, i) => i).filter(() => rand() < 0.8);
      for (let j = items.length - 1; j > 0; j--) {
        const r = Math.floor(rand() * (j + 1));
        [items[j], items[r]] = [items[r], items[j]];
      }
      const keep = (i: number) => i % 3 !== 1 || trial % 2 === 0;
      const n = Math.floor(rand() * 15);
      const expected = items.filter(keep).sort((a, b) => score[b] - score[a]).slice(0, n);
      expect(topByScore(items, score, n, keep)).toEqual(expected);
    }
  });
});
