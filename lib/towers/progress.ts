/**
 * Per-epoch reports travel from the worker to the cell as log lines with a
 * fixed prefix (the RPC wire has progress counts and log lines only); these
 * two functions are the only writer and reader of that format.
 */
import type { EpochReport } from './types';

const PREFIX = 'towers.epoch ';

/** One log line carrying an epoch report. */
export const formatEpochLine = (r: EpochReport): string => PREFIX + JSON.stringify(r);

/** The report in a line written by formatEpochLine, or null for any other line. */
export function parseEpochLine(line: string): EpochReport | null {
  if (!line.startsWith(PREFIX)) return null;
  const r = JSON.parse(line.slice(PREFIX.length)) as EpochReport;
  if (typeof r.epoch !== 'number' || typeof r.trainLoss !== 'number') throw new Error(`invalid epoch line: ${line.slice(0, 120)}; expected an EpochReport`);
  return r;
}
