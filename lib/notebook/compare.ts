/**
 * Re-run and compare: each saved figure of a cell next to the new one, with
 * a verdict. The rule (TOLERANCE_RULE): numbers are identical when equal;
 * within tolerance when |new − saved| ≤ 1e-6 + 1e-3·|saved| (float work on
 * another backend or thread count moves the last digits); anything else is
 * different. Text and booleans must be equal. Timings and the machine's set-up (threads) are shown,
 * not judged; a figure the saved file does not have (added by a later app version) is shown, not judged;
 * a saved figure the re-run lacks is different.
 */
import type { CellOutput, CellState, JsonValue, Scalar } from './types';

export type Verdict = 'identical' | 'within tolerance' | 'different' | 'not compared';

export const ABS_TOLERANCE = 1e-6;
export const REL_TOLERANCE = 1e-3;
export const TOLERANCE_RULE =
  'identical: equal; within tolerance: |new − saved| ≤ 1e-6 + 0.001·|saved| (floats on another backend); different: anything else. ' +
  'Timings, cache notes, thread counts and engine versions (backend, DuckDB) are shown but not judged, as are figures the saved file does not have; a saved figure the re-run lacks is different; a cell saved without figures is not compared.';

/** A figure's name says it measures time or speed: it changes from run to run and is not judged. */
const TIMING = /(seconds?\b|seconds_|\btime\b|duration|per second|\/s\b|_ms\b|elapsed|\beta\b|throughput|backend|cache|duckdb|version|threads?\b)/i;

export interface FigureComparison {
  name: string;
  saved: Scalar | undefined;
  current: Scalar | undefined;
  verdict: Verdict;
}

export interface CellComparison {
  verdict: Verdict;
  figures: FigureComparison[];
}

/** The figures a cell shows: its summary's leaves and its metric outputs, by name. */
export function cellFigures(summary: Record<string, JsonValue> | null, outputs: readonly CellOutput[]): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  const walk = (prefix: string, v: JsonValue) => {
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) v.forEach((x, i) => walk(`${prefix}[${i}]`, x));
      else for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    } else out.set(prefix, v);
  };
  if (summary) walk('', summary);
  for (const o of outputs) {
    if (o.kind !== 'metrics') continue;
    for (const m of o.values) out.set(`${o.title ? `${o.title}: ` : ''}${m.name}`, m.value);
  }
  return out;
}

/** One figure's verdict under the rule above. */
export function compareValue(name: string, saved: Scalar | undefined, current: Scalar | undefined): Verdict {
  if (TIMING.test(name)) return 'not compared';
  // Not in the saved file: a figure a later version added; nothing to judge it against.
  if (saved === undefined) return 'not compared';
  if (current === undefined) return 'different';
  if (typeof saved === 'number' && typeof current === 'number') {
    if (saved === current || (Number.isNaN(saved) && Number.isNaN(current))) return 'identical';
    return Math.abs(current - saved) <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(saved) ? 'within tolerance' : 'different';
  }
  return saved === current ? 'identical' : 'different';
}

const RANK: Record<Verdict, number> = { 'not compared': 0, identical: 1, 'within tolerance': 2, different: 3 };

/** The worst verdict wins; a cell with nothing to judge is "not compared". */
export function worst(verdicts: Iterable<Verdict>): Verdict {
  let w: Verdict = 'not compared';
  for (const v of verdicts) if (RANK[v] > RANK[w]) w = v;
  return w;
}

/** A metric's unit says it is a time or a rate (seconds, ms, images/s): not judged, whatever its name. */
const TIME_UNIT = /^(s|ms|min|h)$|\/(s|min|h)$/;

/** Names (as cellFigures gives them) of the metrics measured in a time unit. */
function timedFigures(outputs: readonly CellOutput[]): string[] {
  return outputs.flatMap((o) => (o.kind === 'metrics' ? o.values.filter((m) => m.unit && TIME_UNIT.test(m.unit)).map((m) => `${o.title ? `${o.title}: ` : ''}${m.name}`) : []));
}

/** Compares a cell's saved figures with those of its new run. */
export function compareCell(
  saved: { summary: Record<string, JsonValue> | null; outputs: readonly CellOutput[] },
  current: Pick<CellState, 'summary' | 'outputs'>,
): CellComparison {
  const a = cellFigures(saved.summary, saved.outputs);
  const b = cellFigures(current.summary, current.outputs);
  // Nothing was saved (a version 1 file without summaries): there is nothing to judge the new figures against.
  if (a.size === 0) return { verdict: 'not compared', figures: [...b].map(([name, v]) => ({ name, saved: undefined, current: v, verdict: 'not compared' as const })) };
  const names = [...new Set([...a.keys(), ...b.keys()])];
  const timed = new Set([...timedFigures(saved.outputs), ...timedFigures(current.outputs)]);
  const figures = names.map((name) => ({ name, saved: a.get(name), current: b.get(name), verdict: timed.has(name) ? ('not compared' as const) : compareValue(name, a.get(name), b.get(name)) }));
  return { verdict: worst(figures.map((f) => f.verdict)), figures };
}
