/**
 * Times the Evaluate cell's computation (lib/recs/evaluate) on the default
 * demo (preset `small`, seed 42) in Node, with the cell's demo ranker
 * settings, and prints the pooled MAP@12 per strategy with the seconds spent.
 * Image neighbours are left out (the page computes them from the photos).
 *
 *   node --import tsx bench/node/evaluate-demo.ts [--seed 42] [--cutoffs 6] [--objective lambdarank] [--negative-rate 1]
 */
import { buildDataset } from '../../lib/data/build';
import { generateDemoTables } from '../../lib/data/demo';
import { DEMO_RANKER, packRecsData, runEvaluation, unpackRecsData } from '../../lib/recs';

async function main(): Promise<void> {
  const arg = (name: string, dflt: number) => {
    const j = process.argv.indexOf(`--${name}`);
    return j >= 0 ? Number(process.argv[j + 1]) : dflt;
  };
  const seed = arg('seed', 42);
  const j = process.argv.indexOf('--objective');
  const ranker = { ...DEMO_RANKER, negativeRate: arg('negative-rate', DEMO_RANKER.negativeRate ?? 1), objective: j >= 0 ? (process.argv[j + 1] as 'binary' | 'lambdarank') : DEMO_RANKER.objective };
  console.log(`ranker ${JSON.stringify(ranker)}`);
  const built = buildDataset(generateDemoTables('small', seed), { kind: 'demo', name: 'demo', fingerprint: 'demo' });
  const data = unpackRecsData(packRecsData(built.interactions, built.catalog, built.customers.age, null));
  const t0 = performance.now();
  const r = await runEvaluation(data, { nCutoffs: arg('cutoffs', 6), candidateWeeks: 12, ranker, reference: '', submission: '', explainUser: -1, seed });
  const total = (performance.now() - t0) / 1000;
  for (const s of r.strategies) console.log(`${s.name.padEnd(20)} MAP@12 ${s.map.mean.toFixed(4)} [${s.map.low.toFixed(4)}, ${s.map.high.toFixed(4)}] ${s.vsReference?.verdict ?? 'reference'}`);
  console.log(JSON.stringify({ seconds: { total, ...r.seconds }, recall: r.recall.total, candidatesPerBuyer: r.recall.perCustomer, buyers: Array.from(r.buyers) }));
}

void main();
