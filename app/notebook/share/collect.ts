/**
 * Gathers a notebook file from a runtime: the dataset's identity from the Data
 * cell, recommendation lists of a sample of customers (ALS, hybrid), the
 * submission's hash. No browser globals: the headless runner uses it too.
 */
import type { AlsModel, HoldoutSpec } from '@/lib/cf';
import type { DatasetInfo, InteractionLog } from '@/lib/data/dataset';
import { sha256Hex } from '@/lib/notebook/export';
import { toNotebookFile, type DatasetIdentity, type NotebookFile, type RecommendationSample } from '@/lib/notebook/file';
import type { FileIdentity } from '@/lib/notebook/file-schema';
import type { NotebookRuntime } from '@/lib/notebook/runtime';
import type { SaveOutputOptions } from '@/lib/notebook/saved-output';
import { cellId } from '@/lib/notebook/types';
import type { HybridArtifact } from '../cells/hybrid';

/** Customers per recommendation sample. */
export const SAMPLE_CUSTOMERS = 20;

const DATA = cellId('data');

export interface CollectOptions extends SaveOutputOptions {
  /** Identities of the picked files the Data cell loaded (browser: hashed; headless: read from disk). */
  files?: readonly FileIdentity[];
  backend?: string | null;
  now?: Date;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any host's services
type AnyRuntime = NotebookRuntime<any>;

/** A cell's state, or null where the host's notebook has no such cell (the headless runner has fewer). */
const stateOf = (runtime: AnyRuntime, id: string) => runtime.getSnapshot().states.get(cellId(id)) ?? null;

/** The dataset in force, as the file records it; null before the Data cell ran. */
export function datasetIdentity(runtime: AnyRuntime, files: readonly FileIdentity[] = []): DatasetIdentity | null {
  const state = stateOf(runtime, DATA);
  if (!state) return null;
  const info = runtime.artifactsOf(DATA)?.info as DatasetInfo | undefined;
  const source = String(state.params.source ?? '');
  if (!info) {
    // Restored from a file: the saved summary still names the data the shown results came from.
    const s = state.summary;
    return s && typeof s.fingerprint === 'string' && typeof s.name === 'string' ? { kind: 'other', name: s.name, fingerprint: s.fingerprint } : null;
  }
  if (info.kind === 'demo' && source.startsWith('demo-')) {
    return { kind: 'demo', name: info.name, fingerprint: info.fingerprint, preset: source.slice('demo-'.length), seed: runtime.getSnapshot().seed };
  }
  if (files.length) return { kind: 'files', name: info.name, fingerprint: info.fingerprint, source, files: [...files] };
  return { kind: 'other', name: info.name, fingerprint: info.fingerprint };
}

/** The first SAMPLE_CUSTOMERS scored holdout customers' ALS lists, and the hybrid's first lists. */
export function recommendationSamples(runtime: AnyRuntime): RecommendationSample[] {
  const log = runtime.artifactsOf(DATA)?.interactions as InteractionLog | undefined;
  if (!log) return [];
  const out: RecommendationSample[] = [];
  const als = runtime.artifactsOf(cellId('als'));
  const model = als?.model as AlsModel | undefined;
  const holdout = als?.holdout as HoldoutSpec | undefined;
  if (model && stateOf(runtime, 'als')?.status === 'done') {
    const users = Array.from(holdout?.users ?? []).filter((u) => model.hasUser(u)).slice(0, SAMPLE_CUSTOMERS);
    const filter = Boolean(stateOf(runtime, 'als')?.params.filterAlreadyBought);
    out.push({
      cell: 'als',
      title: `ALS top-12 of the first ${users.length} scored holdout customers`,
      customers: users.map((u) => ({ customer: log.userKeys[u], items: Array.from(model.recommend(u, 12, { filterAlreadyBought: filter }).items, (i) => log.itemKeys[i]) })),
    });
  }
  const hybrid = runtime.artifactsOf(cellId('hybrid'))?.recommendations as HybridArtifact | undefined;
  if (hybrid && stateOf(runtime, 'hybrid')?.status === 'done') {
    const lists = hybrid.lists.slice(0, SAMPLE_CUSTOMERS);
    out.push({ cell: 'hybrid', title: `Hybrid lists of the first ${lists.length} customers`, customers: lists.map((l, u) => ({ customer: log.userKeys[u], items: l.items.map((i) => log.itemKeys[i]) })) });
  }
  return out;
}

/** The submission CSV's hash and row count, when the Evaluate cell made one. */
export async function submissionHash(runtime: AnyRuntime): Promise<{ sha256: string; rows: number } | null> {
  const csv = runtime.artifactsOf(cellId('evaluate'))?.submission;
  if (typeof csv !== 'string' || stateOf(runtime, 'evaluate')?.status !== 'done') return null;
  return { sha256: await sha256Hex(csv), rows: Math.max(0, csv.trimEnd().split('\n').length - 1) };
}

/** The whole notebook file of a runtime. */
export async function collectNotebookFile(runtime: AnyRuntime, options: CollectOptions = {}): Promise<NotebookFile> {
  const system = stateOf(runtime, 'system')?.summary;
  const backend = options.backend ?? (typeof system?.backend === 'string' ? system.backend : null);
  return toNotebookFile(
    {
      snapshot: runtime.getSnapshot(),
      ids: runtime.cells.map((c) => c.id),
      dataset: datasetIdentity(runtime, options.files),
      backend,
      recommendations: recommendationSamples(runtime),
      submission: await submissionHash(runtime),
      now: options.now,
    },
    options,
  );
}
