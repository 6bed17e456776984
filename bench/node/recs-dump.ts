/**
 * Diagnostic export of the two-stage ranker's inputs (bench only): for each
 * given cutoff (default the four July 2020 validation cutoffs), the training
 * matrix the strategy would fit on (the `trainWeeks` labelled weeks before
 * the cutoff, a share of the negatives; one folder OUTDIR/wN/CUTOFF per N) and the cutoff's own candidates with
 * their labels and each buyer's number of purchases, as raw little-endian
 * files that bench/py/recs_peer.py and bench/node/recs-compare.ts read. Only
 * for comparing rankers on identical matrices; nothing is chosen from it.
 *
 *   node --import tsx bench/node/recs-dump.ts OUTDIR [--cutoffs 2020-07-08:4] [--weeks 8,16] [--negatives 0.1]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as recs from '../../lib/recs';
import { loadRecsBench } from './recs';

const arg = (name: string, dflt: string) => {
  const j = process.argv.indexOf(`--${name}`);
  return j >= 0 ? process.argv[j + 1] : dflt;
};
const raw = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out || out.startsWith('--')) throw new Error('usage: recs-dump.ts OUTDIR [--cutoffs 2020-07-08:4] [--weeks 8,16] [--negatives 0.1]');
  const [from, n] = arg('cutoffs', '2020-07-08:4').split(':');
  const cutoffs = recs.weeklyCutoffs(from, Number(n));
  const weekCounts = arg('weeks', '8').split(',').map(Number);
  const negativeRate = Number(arg('negatives', '0.1'));
  const input = await loadRecsBench(Infinity, path.resolve(__dirname, '../results'));
  const o = { als: recs.alsFits(), image: input.image, limits: recs.DEFAULT_LIMITS };
  const weeks = new Map<number, Promise<recs.WeekData>>();
  for (const cutoff of cutoffs) {
    const view = recs.asOfView(input.log, cutoff, { candidateWeeks: 12, catalog: input.catalog, ages: input.ages });
    const test = await recs.labelledWeek(input.log, cutoff, view, o);
    const truth = recs.testTruth(recs.dateSplit(input.log, cutoff).test);
    for (const trainWeeks of weekCounts) {
      const train: recs.WeekData[] = [];
      for (let w = trainWeeks; w >= 1; w--) {
        const t = cutoff - 7 * w;
        let p = weeks.get(t);
        if (!p) weeks.set(t, (p = recs.labelledWeek(input.log, t, view, o)));
        train.push(await p);
      }
      const d = recs.rankerData(train, negativeRate);
      const dir = path.join(out, `w${trainWeeks}`, String(cutoff));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'X.f32'), raw(d.X));
      writeFileSync(path.join(dir, 'y.f32'), raw(d.y));
      writeFileSync(path.join(dir, 'groups.i32'), raw(d.groups));
      writeFileSync(path.join(dir, 'P.f32'), raw(test.features.X));
      writeFileSync(path.join(dir, 'Py.f32'), raw(test.labels!));
      writeFileSync(path.join(dir, 'Pgroups.i32'), raw(recs.candidateGroups(test.cands)));
      writeFileSync(path.join(dir, 'Pbought.i32'), raw(Int32Array.from(truth.relevant, (s) => s.size)));
      writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ cutoff, trainWeeks, negativeRate, nFeatures: d.nFeatures, featureNames: d.featureNames, rows: d.y.length, positives: d.y.reduce((a, b) => a + b, 0), scoreRows: test.labels!.length }));
      console.error(`recs-dump: ${cutoff}, ${trainWeeks} weeks: ${d.y.length} training rows, ${test.labels!.length} scoring rows`);
    }
  }
}

void main();
