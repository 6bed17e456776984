/**
 * The Evaluate cell's outputs from the worker's EvaluationReport: the
 * strategy table with intervals and verdicts, the per-week chart, the
 * ranker's feature importance, candidate recall per source and the
 * per-customer explainer. Plain CellOutput kinds (they serialise).
 */
import * as Plot from '@observablehq/plot';
import type { InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { formatIsoDay } from '@/lib/data/table';
import type { CellOutput, Scalar } from '@/lib/notebook/types';
import { CANDIDATE_SOURCES, FILL_BIT, type EvaluationReport } from '@/lib/recs';

const f4 = (x: number) => Number(x.toFixed(4));
const ci = (lo: number, hi: number) => `[${lo.toFixed(4)}, ${hi.toFixed(4)}]`;
const NO_PHOTO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="180"><rect width="120" height="180" fill="#eee"/><text x="60" y="95" font-size="12" text-anchor="middle" fill="#888">no photo</text></svg>')}`;

/** The strategy table: pooled metrics with 95% intervals, and the paired difference to the reference. */
export function strategyTable(r: EvaluationReport): CellOutput {
  const rows = [...r.strategies].sort((a, b) => b.map.mean - a.map.mean);
  return {
    kind: 'table',
    title: `Pooled over ${r.cutoffs.length} weekly cutoffs (${r.buyers.reduce((a, b) => a + b, 0)} buyer-weeks); reference: ${r.reference}`,
    columns: [
      'strategy', 'MAP@12', 'MAP@12 95% CI', 'MAP@12 (all customers)', 'NDCG@10', 'NDCG@10 95% CI', 'HitRate@10', 'HitRate@10 95% CI', 'Coverage@10',
      'Δ MAP@12 vs reference', 'Δ 95% CI', 'verdict',
    ],
    rows: rows.map((s): Scalar[] => [
      s.name, f4(s.map.mean), ci(s.map.low, s.map.high), f4(s.mapAllCustomers), f4(s.ndcg.mean), ci(s.ndcg.low, s.ndcg.high), f4(s.hitRate.mean),
      ci(s.hitRate.low, s.hitRate.high), f4(s.coverage), s.vsReference ? f4(s.vsReference.mean) : null,
      s.vsReference ? ci(s.vsReference.low, s.vsReference.high) : null, s.vsReference ? s.vsReference.verdict : 'reference',
    ]),
  };
}

/** MAP@12 per test week and strategy, as Plot options. */
export function weeklyPlot(r: EvaluationReport): Record<string, unknown> {
  const data = r.strategies.flatMap((s) => Array.from(s.weekly, (map, w) => ({ week: formatIsoDay(r.cutoffs[w]), strategy: s.name, map })));
  return {
    height: 280,
    x: { label: 'test week from', domain: Array.from(r.cutoffs, (c) => formatIsoDay(c)), type: 'point' },
    y: { label: 'MAP@12', grid: true },
    color: { legend: true },
    marks: [Plot.line(data, { x: 'week', y: 'map', stroke: 'strategy', marker: 'circle', tip: true }), Plot.ruleY([0])],
  };
}

/** Gain importance of the ranker's features (top 15), as Plot options. */
export function importancePlot(r: EvaluationReport): Record<string, unknown> {
  const data = r.featureNames.map((feature, j) => ({ feature, share: r.importance[j] })).sort((a, b) => b.share - a.share).slice(0, 15);
  return {
    height: 320,
    marginLeft: 190,
    x: { label: 'share of the total gain', grid: true },
    y: { label: null, domain: data.map((d) => d.feature) },
    marks: [Plot.barX(data, { x: 'share', y: 'feature', tip: true }), Plot.ruleX([0])],
  };
}

/** Candidate recall per source on the test weeks. */
export function recallTable(r: EvaluationReport): CellOutput {
  return {
    kind: 'table',
    title: `Candidate recall on the test weeks (share of ${r.recall.pairs} test purchases among the candidates; ${r.recall.perCustomer.toFixed(1)} candidates per buyer)`,
    columns: ['source', 'recall'],
    rows: [...CANDIDATE_SOURCES.map((s, j): Scalar[] => [s, f4(r.recall.bySource[j])]), ['all sources', f4(r.recall.total)]],
  };
}

const sourceNames = (mask: number) => [...CANDIDATE_SOURCES.filter((_, s) => mask & (1 << s)), ...(mask & (1 << FILL_BIT) ? ['popularity fill'] : [])];

/** The explainer: the customer's 12 two-stage recommendations, why, and what they bought in the test week. */
export function explainerOutputs(r: EvaluationReport, log: InteractionLog, catalog: ItemCatalog | undefined): CellOutput[] {
  const e = r.explanation;
  if (!e) return [{ kind: 'markdown', text: 'No customer to explain: the last test week has no buyer.' }];
  const F = r.featureNames.length;
  const S = CANDIDATE_SOURCES.length;
  const bought = new Set(e.bought);
  const col = (name: string) => r.featureNames.indexOf(name);
  const top = r.featureNames.map((_, j) => j).sort((a, b) => r.importance[b] - r.importance[a]).slice(0, 3);
  const photo = (i: number, detail: string, highlight = false) => ({
    src: catalog?.imageUrl[i] ?? NO_PHOTO, caption: catalog?.name[i] ?? log.itemKeys[i], detail: [log.itemKeys[i], detail].filter(Boolean).join(' · '), highlight,
  });
  const check = (j: number) => {
    const d = e.features[j * F + col('department_match')];
    const x = e.features[j * F + col('index_match')];
    return Number.isNaN(d) ? 'dept/index: –' : `dept ${d ? '✓' : '✗'} index ${x ? '✓' : '✗'}`;
  };
  const who = log.userKeys[e.user];
  return [
    { kind: 'markdown', text: `**Explainer**: customer \`${who}\` at the cutoff ${formatIsoDay(e.cutoff)} (the last test week), ranked by the two-stage recommender from ${e.candidates} candidates. Highlighted: bought in the test week.` },
    {
      kind: 'images',
      title: `Customer ${who}: the 12 recommendations with their sources`,
      items: Array.from(e.items, (i, j) => photo(i, `${sourceNames(e.sources[j]).join(' + ')} · ${check(j)}`, bought.has(i))),
      columns: 6,
    },
    {
      kind: 'table',
      title: 'Why each recommendation (source scores, ranker score, the top features by importance)',
      columns: ['#', 'article', 'sources', 'source scores', 'ranker score', 'top features', 'department / index', 'bought in test week'],
      rows: Array.from(e.items, (i, j): Scalar[] => [
        j + 1, log.itemKeys[i], sourceNames(e.sources[j]).join(' + '),
        CANDIDATE_SOURCES.map((s, q) => [s, e.sourceScores[j * S + q]] as const).filter(([, v]) => !Number.isNaN(v)).map(([s, v]) => `${s} ${v.toPrecision(3)}`).join(', ') || '–',
        Number.isNaN(e.scores[j]) ? null : Number(e.scores[j].toPrecision(4)),
        top.map((f) => `${r.featureNames[f]} = ${Number.isNaN(e.features[j * F + f]) ? '–' : e.features[j * F + f].toPrecision(3)}`).join(', '),
        check(j), bought.has(i) ? 'yes' : 'no',
      ]),
    },
    { kind: 'images', title: `What ${who} bought in the test week`, items: Array.from(e.bought, (i) => photo(i, '')), columns: 6 },
  ];
}
