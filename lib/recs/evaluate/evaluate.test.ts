import { describe, expect, it } from 'vitest';
import { syntheticShop } from '../backtest/fixture';
import { packedTransfer, packRecsData, unpackRecsData } from './pack';
import { dateSplit } from '../backtest/split';
import { testTruth } from '../strategies';
import { runEvaluation, testCutoffs, type EvaluationReport } from './run';
import { VALIDATED_RANKER } from './settings';

const log = syntheticShop({ customers: 80, lastDay: 90 });

describe('packing the evaluation inputs', () => {
  it('copies into typed arrays whose keys sort and tie like the originals', () => {
    const catalog = { department: log.itemKeys.map((k) => (k.endsWith('1') ? 'a' : 'b')), index: log.itemKeys.map(() => null) };
    const p = packRecsData(log, catalog, null, null);
    expect(p.user).not.toBe(log.user);
    expect(packedTransfer(p).every((b) => b instanceof ArrayBuffer)).toBe(true);
    const u = unpackRecsData(p);
    for (let a = 0; a + 1 < log.nItems; a++) expect(Math.sign(u.log.itemKeys[a].localeCompare(u.log.itemKeys[a + 1]))).toBe(Math.sign(log.itemKeys[a].localeCompare(log.itemKeys[a + 1])));
    for (let i = 0; i < log.nItems; i++) for (let j = 0; j < log.nItems; j++) expect(u.catalog!.department[i] === u.catalog!.department[j]).toBe(catalog.department[i] === catalog.department[j]);
    expect(u.catalog!.index.every((x) => x === null)).toBe(true);
  });
});

describe('runEvaluation', () => {
  it('pools the backtest, explains a customer and writes 12 distinct items for every customer', async () => {
    const seen: string[] = [];
    const steps: [string, number, number][] = [];
    const r = await runEvaluation(unpackRecsData(packRecsData(log, null, null, null)), {
      nCutoffs: 2, candidateWeeks: 6, ranker: { ...VALIDATED_RANKER, trainWeeks: 3, seeds: 1, numRounds: 10 }, reference: '', submission: '', explainUser: -1, seed: 3,
    }, { onProgress: (label, done, total) => (seen.push(label), steps.push([label, done, total])) });
    // One progress scale from the labelled weeks before the first cutoff to the end: the same total, never going back,
    // and the three labelled weeks move it (they are steps of their own, not a wait at 0).
    expect(new Set(steps.map((x) => x[2])).size).toBe(1);
    for (let i = 1; i < steps.length; i++) expect(steps[i][1]).toBeGreaterThanOrEqual(steps[i - 1][1]);
    const weeks = steps.filter((x) => x[0].includes('before the first cutoff'));
    expect(weeks[0][1]).toBe(0);
    expect(weeks[weeks.length - 1][1]).toBe(3);
    expect(steps[steps.length - 1][1]).toBe(steps[0][2]);
    expect(Array.from(r.cutoffs)).toEqual(testCutoffs(log.day, 2));
    const map = (n: string) => r.strategies.find((s) => s.name === n)!.map.mean;
    // The fixture plants repeat purchases of favourites.
    expect(map('repurchase')).toBeGreaterThan(map('random'));
    expect(r.strategies.filter((s) => s.vsReference === null).map((s) => s.name)).toEqual([r.reference]);
    expect(r.strategies.every((s) => s.weekly.length === 2)).toBe(true);
    expect(r.importance.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(r.recall.total).toBeGreaterThan(0);
    expect(r.explanation!.items).toHaveLength(12);
    expect(r.explanation!.sources.every((m) => m > 0)).toBe(true);
    expect(r.submission.strategy).toBe(r.strategies.reduce((a, b) => (b.map.mean > a.map.mean ? b : a)).name);
    for (let u = 0; u < log.nUsers; u++) {
      const l = Array.from(r.submission.lists.subarray(u * 12, u * 12 + 12));
      expect(l.every((i) => i >= 0)).toBe(true);
      expect(new Set(l).size).toBe(12);
    }
    expect(seen.some((l) => l.startsWith('Backtest'))).toBe(true);
  });
});

describe('runEvaluation streams', () => {
  const settings = {
    nCutoffs: 3, candidateWeeks: 6, ranker: { ...VALIDATED_RANKER, trainWeeks: 2, seeds: 1, numRounds: 5 }, reference: '', submission: 'popularity', explainUser: -1, seed: 5, bootstrapSamples: 200,
  };
  const plain = (r: EvaluationReport) => JSON.stringify({ ...r, seconds: null }, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));

  it('holds one ALS model, one chunk of candidates and the ranker\'s window of training blocks at a time, with the same figures for any chunk', async () => {
    const data = unpackRecsData(packRecsData(log, null, null, null));
    const sets: { cutoff: number; users: number }[] = [];
    let most = { blocks: 0, als: 0 };
    let started = 0;
    const chunk = 7;
    const r = await runEvaluation(data, settings, {
      chunk,
      onHeld: (e) => {
        if (e.candidates) sets.push({ cutoff: e.candidates.cutoff, users: e.candidates.users.length });
        most = { blocks: Math.max(most.blocks, e.blocks), als: Math.max(most.als, e.alsFits) };
        started = e.alsStarted;
      },
    });
    const cutoffs = testCutoffs(log.day, 3);
    const T = settings.ranker.trainWeeks;
    // One ALS model at a time, each week's model fitted once: T weeks before the first cutoff, then one per cutoff.
    expect(most.als).toBe(1);
    expect(started).toBe(T + cutoffs.length);
    // Training blocks: at most the ranker's window (T weeks) is kept.
    expect(most.blocks).toBe(T);
    // Candidates are made chunk by chunk: a week's buyers once for its training block, test weeks once more for the ranking.
    expect(sets.every((x) => x.users <= chunk)).toBe(true);
    const buyers = (c: number) => testTruth(dateSplit(log, c).test).users.length;
    const made = (c: number) => sets.filter((x) => x.cutoff === c).reduce((a, x) => a + x.users, 0);
    for (let w = T; w >= 1; w--) expect(made(cutoffs[0] - 7 * w)).toBe(buyers(cutoffs[0] - 7 * w));
    for (const c of cutoffs) expect(made(c)).toBe(2 * buyers(c));
    expect(sets.filter((x) => x.users === chunk).length).toBeGreaterThan(10);

    const whole = await runEvaluation(data, settings, { chunk: 100_000 });
    expect(plain(whole)).toBe(plain(r));
  });
});
