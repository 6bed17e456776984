/**
 * The ML worker's backend choice in two forms: outputs for the System cell
 * (every backend, what was measured, why the winner won) and a plain JSON
 * record for the notebook file (`backendRecord`).
 */
import type { CellOutput, JsonValue } from '@/lib/notebook/types';
import { estimatedSeconds } from '@/workers/backend-choice';
import type { BackendReport } from '@/workers/protocol/backend';
import type { AppServices } from './services';

/** The choice and the probe's numbers, as JSON for the notebook file. */
export interface BackendRecord {
  backend: string;
  requested: string | null;
  how: 'override' | 'measured' | 'rules';
  why: string;
  /** True when the probe numbers came from this browser's cache. */
  cached: boolean;
  candidates: { backend: string; usable: boolean; software: boolean; note: string | null; embedMsPerImage: number | null; trainStepMs: number | null; probeError: string | null }[];
}

/** The record of a backend report (pure). */
export function backendRecord(report: BackendReport): BackendRecord {
  return {
    backend: report.backend,
    requested: report.requested,
    how: report.choice.decision.how,
    why: report.choice.decision.why,
    cached: report.choice.cached,
    candidates: report.choice.candidates.map((c) => {
      const t = c.probe && !('error' in c.probe) ? c.probe : null;
      return {
        backend: c.backend,
        usable: c.usable,
        software: c.software,
        note: c.note,
        embedMsPerImage: t ? Number(t.embedMsPerImage.toFixed(2)) : null,
        trainStepMs: t ? Number(t.trainStepMs.toFixed(2)) : null,
        probeError: c.probe && 'error' in c.probe ? c.probe.error : null,
      };
    }),
  };
}

/** For the notebook file: the current ML worker's choice and probe numbers (starts the worker if needed). */
export async function currentBackendRecord(services: AppServices): Promise<BackendRecord & JsonValue> {
  return backendRecord(await services.backend()) as unknown as BackendRecord & JsonValue;
}

/** The System cell's view of the choice: the decision in words and a table of every backend. */
export function backendChoiceOutputs(report: BackendReport): CellOutput[] {
  const { decision, candidates, cached } = report.choice;
  const measured = candidates.some((c) => c.probe);
  return [
    {
      kind: 'markdown',
      text:
        `**Backend: ${decision.backend}** (${decision.how === 'measured' ? 'chosen by measurement' : decision.how === 'override' ? 'your override' : 'chosen by the rules'}). ${decision.why}` +
        (measured ? (cached ? ' The probe numbers come from this browser’s cache (same browser and GPU).' : ' The probe ran now and is cached for this browser.') : '') +
        ' Override it with `?backend=` in the URL or the toolbar’s backend setting.',
    },
    {
      kind: 'table',
      title: 'How the backend was chosen (probe: one batch of the default backbone, one two-tower training step)',
      columns: ['backend', 'status', 'ms per photo', 'ms per training step', 'est. demo seconds', 'note'],
      rows: candidates.map((c) => {
        const t = c.probe && !('error' in c.probe) ? c.probe : null;
        const status =
          c.backend === decision.backend ? 'chosen' : !c.usable ? 'unavailable' : c.software ? 'software GPU: skipped' : c.probe && 'error' in c.probe ? 'probe failed' : t ? 'slower' : 'not measured';
        return [
          c.backend,
          status,
          t ? Number(t.embedMsPerImage.toFixed(1)) : null,
          t ? Number(t.trainStepMs.toFixed(1)) : null,
          t ? Number(estimatedSeconds(t).toFixed(1)) : null,
          c.probe && 'error' in c.probe ? c.probe.error : c.note,
        ];
      }),
    },
  ];
}
