/**
 * The share features' actions in the browser: save, open (file, link,
 * autosave), share link, re-run and compare, exports, the dataset check.
 * Every outcome is reported through the share store's message.
 */
import { compareCell, TOLERANCE_RULE, type CellComparison } from '@/lib/notebook/compare';
import { metricsCsv, metricsJson, recommendationsCsv } from '@/lib/notebook/export';
import { parseNotebookFile, restoreInput, type NotebookFile, type ParseResult } from '@/lib/notebook/file';
import type { FileIdentity } from '@/lib/notebook/file-schema';
import type { AlsModel } from '@/lib/cf';
import type { InteractionLog } from '@/lib/data/dataset';
import { npyFloat32 } from '@/lib/notebook/npy';
import { reportHtml } from '@/lib/notebook/report';
import type { NotebookRuntime } from '@/lib/notebook/runtime';
import { fromSavedOutputs } from '@/lib/notebook/saved-output';
import { decodeShareFragment, encodeShareFragment } from '@/lib/notebook/share-link';
import { cellId } from '@/lib/notebook/types';
import { dataFiles } from '../data/files';
import { BACKEND_SETTING_KEY, backendOverrideFrom, type AppServices } from '../services';
import { browserSaveOptions, download, fileIdentity, readAutosave, writeAutosave } from './browser';
import { collectNotebookFile, datasetIdentity } from './collect';
import { shareStore } from './store';

type Rt = NotebookRuntime<AppServices>;

const say = (text: string, error = false) => shareStore.set({ message: { text, error } });
const date = (iso: string) => iso.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');

/** Identities of the picked data files (hashed), when the Data cell reads own files. */
async function pickedIdentities(runtime: Rt): Promise<FileIdentity[]> {
  if (String(runtime.state(cellId('data')).params.source).startsWith('demo-')) return [];
  return Promise.all(dataFiles().map(fileIdentity));
}

/** The backend the System cell found, else the one asked for (URL or setting), else null (automatic, not yet probed). */
function backendInUse(runtime: Rt): string | null {
  const found = runtime.getSnapshot().states.get(cellId('system'))?.summary?.backend;
  if (typeof found === 'string') return found;
  const asked = backendOverrideFrom(window.location.search, window.localStorage.getItem(BACKEND_SETTING_KEY));
  return asked ? `${asked} (requested)` : null;
}

export async function currentFile(runtime: Rt): Promise<NotebookFile> {
  return collectNotebookFile(runtime, { ...browserSaveOptions, files: await pickedIdentities(runtime), backend: backendInUse(runtime) });
}

export async function saveNotebook(runtime: Rt): Promise<void> {
  const file = await currentFile(runtime);
  download('atelier-notebook.json', JSON.stringify(file, null, 1), 'application/json');
  say(`Saved atelier-notebook.json (${Object.values(file.cells).filter((c) => c.outputs.length).length} cells with results).`);
}

/** Applies a parsed notebook: parameters, seed, saved results; says what was restored and what to pick. */
function apply(runtime: Rt, parsed: ParseResult, from: string, verb: string): boolean {
  if (!parsed.ok) {
    say(`${from}: ${parsed.error}. The open notebook is unchanged.`, true);
    return false;
  }
  const { file } = parsed;
  const warnings = runtime.restore(restoreInput(file), file.seed);
  shareStore.set({ reference: { file, from }, comparisons: null, datasetCheck: null });
  const withResults = runtime.cells.filter((c) => runtime.state(c.id).savedAt !== null).map((c) => c.title);
  const ds = file.dataset;
  const data =
    ds?.kind === 'files'
      ? ` Made with your own files: pick ${ds.files.map((f) => `${f.name} (${f.size.toLocaleString('en-US')} bytes)`).join(', ')} in the Data cell; they are checked when picked.`
      : ds
        ? ` Dataset: ${ds.name}.`
        : '';
  say(
    `${verb} ${from} (saved ${date(file.savedAt)} by ${file.app.name} ${file.app.version}${parsed.migratedFrom ? `, migrated from version ${parsed.migratedFrom}` : ''}): ` +
      `parameters and seed restored; ${withResults.length ? `saved results shown for ${withResults.join(', ')} (not re-run)` : 'no saved results'}.${data}` +
      (warnings.length ? ` ${warnings.join('; ')}` : ''),
  );
  return true;
}

export async function openNotebookFile(runtime: Rt, file: File): Promise<void> {
  apply(runtime, parseNotebookFile(await file.text()), file.name, 'Opened');
}

/** On page load: a share link wins over the autosave; the link leaves the address bar once applied. */
export async function restoreOnLoad(runtime: Rt): Promise<void> {
  const link = await decodeShareFragment(window.location.hash);
  if (link) {
    if (apply(runtime, link, 'the share link', 'Opened')) history.replaceState(null, '', window.location.pathname + window.location.search);
    return;
  }
  const text = await readAutosave().catch(() => null);
  if (!text) return;
  const parsed = parseNotebookFile(text);
  if (!parsed.ok) {
    say(`The autosaved notebook could not be restored (${parsed.error}); starting fresh.`, true);
    return;
  }
  apply(runtime, parsed, 'the autosave of this browser', 'Restored');
  const caches = cachesReused(runtime);
  const msg = shareStore.get().message?.text ?? '';
  say(`${msg} ${caches.length ? `A re-run reuses: ${caches.join('; ')}.` : ''}`.trim());
}

/** Caches a re-run would use, by what the restored parameters say. */
function cachesReused(runtime: Rt): string[] {
  const out: string[] = [];
  const p = (id: string) => runtime.state(cellId(id)).params;
  if (!String(p('data').source).startsWith('demo-')) out.push('the Data cell’s files from browser storage (no re-picking)');
  if (runtime.state(cellId('embeddings')).savedAt) out.push('image embeddings cached per article and backbone');
  if (p('als').cache === true && runtime.state(cellId('als')).savedAt) out.push('the cached ALS fit (same data and parameters)');
  if (p('towers').cache === true && runtime.state(cellId('towers')).savedAt) out.push('the two-tower checkpoints');
  return out;
}

let autosaveTimer: ReturnType<typeof setTimeout> | null = null;

/** Saves the notebook in IndexedDB a moment after each change (not while a cell runs). */
export function startAutosave(runtime: Rt): () => void {
  const schedule = () => {
    if (autosaveTimer) clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(() => {
      if (runtime.getSnapshot().running !== null) return schedule();
      void collectNotebookFile(runtime, browserSaveOptions)
        .then((file) => writeAutosave(JSON.stringify(file)))
        .then(() => shareStore.set({ autosaves: shareStore.get().autosaves + 1 }))
        .catch((err: Error) => say(`Autosave failed: ${err.message}`, true));
    }, 1000);
  };
  const unsubscribe = runtime.subscribe(schedule);
  return () => {
    unsubscribe();
    if (autosaveTimer) clearTimeout(autosaveTimer);
  };
}

export async function shareLink(runtime: Rt): Promise<string> {
  const file = await currentFile(runtime);
  const url = `${window.location.origin}${window.location.pathname}${window.location.search}#${await encodeShareFragment(file)}`;
  await navigator.clipboard?.writeText(url).catch(() => undefined);
  const ds = file.dataset;
  say(
    `Share link made (${url.length.toLocaleString('en-US')} characters; the notebook travels in the fragment, never to a server)` +
      (ds?.kind === 'files' ? `: whoever opens it is asked to pick ${ds.files.map((f) => f.name).join(', ')}.` : '.'),
  );
  return url;
}

/** Re-runs every cell the notebook had results for (and what they need), then compares each one's figures with the saved ones. */
export async function rerunAndCompare(runtime: Rt): Promise<void> {
  const ref = shareStore.get().reference;
  if (!ref) return say('Open a notebook file or link first: there is nothing saved to compare with.', true);
  shareStore.set({ comparing: true, comparisons: null });
  const targets = runtime.cells.filter((c) => ref.file.cells[c.id]?.status === 'done');
  say(`Re-running ${targets.map((c) => c.title).join(', ')}…`);
  try {
    for (const c of targets) {
      await runtime.run(c.id);
      if (runtime.state(c.id).status !== 'done') break;
    }
  } finally {
    shareStore.set({ comparing: false });
  }
  const out = new Map<string, CellComparison>();
  for (const c of runtime.cells) {
    const saved = ref.file.cells[c.id];
    if (!saved || saved.status !== 'done') continue;
    out.set(c.id, compareCell({ summary: saved.summary, outputs: fromSavedOutputs(saved.outputs) }, runtime.state(c.id)));
  }
  const count = (v: string) => [...out.values()].filter((x) => x.verdict === v).length;
  shareStore.set({ comparisons: out });
  say(`Re-run and compare: ${count('identical')} identical, ${count('within tolerance')} within tolerance, ${count('different')} different. Rule: ${TOLERANCE_RULE}`, count('different') > 0);
}

export type ExportKind = 'report' | 'metrics-csv' | 'metrics-json' | 'recs-csv' | 'als-npy' | 'embeddings-npy';

export async function exportAs(runtime: Rt, what: ExportKind): Promise<void> {
  if (what === 'als-npy' || what === 'embeddings-npy') return exportMatrices(runtime, what);
  const file = await currentFile(runtime);
  if (what === 'report') {
    const cells = runtime.cells.map((c) => ({ id: c.id, title: c.title, explanation: c.explanation }));
    download('atelier-report.html', reportHtml(file, cells), 'text/html');
  } else if (what === 'metrics-csv') download('atelier-metrics.csv', metricsCsv(file), 'text/csv');
  else if (what === 'metrics-json') download('atelier-metrics.json', JSON.stringify(metricsJson(file), null, 1), 'application/json');
  else download('atelier-recommendations.csv', recommendationsCsv(file), 'text/csv');
}

/** After the Data cell loads, names a dataset that differs from the opened notebook's. */
export async function checkDataset(runtime: Rt): Promise<void> {
  const ref = shareStore.get().reference?.file.dataset;
  const data = runtime.state(cellId('data'));
  if (!ref || data.status !== 'done' || data.savedAt !== null) return;
  const now = datasetIdentity(runtime, ref.kind === 'files' ? await pickedIdentities(runtime) : []);
  if (!now) return;
  if (ref.kind === 'files') {
    const problems: string[] = [];
    for (const f of ref.files) {
      const got = now.kind === 'files' ? now.files.find((g) => g.name === f.name) : undefined;
      if (!got) problems.push(`this notebook was made with ${f.name} of ${f.size.toLocaleString('en-US')} bytes; no file of that name is loaded`);
      else if (got.size !== f.size || got.sha256 !== f.sha256) {
        problems.push(`this notebook was made with ${f.name} of ${f.size.toLocaleString('en-US')} bytes; the loaded file differs (${got.size.toLocaleString('en-US')} bytes${got.size === f.size ? ', other content' : ''})`);
      }
    }
    if (problems.length === 0 && now.fingerprint === ref.fingerprint) shareStore.set({ datasetCheck: { ok: true, text: `The loaded files match the notebook's (${ref.files.map((f) => f.name).join(', ')}).` } });
    else shareStore.set({ datasetCheck: { ok: false, text: problems.length ? problems.join('; ') : `the loaded data's fingerprint differs from the notebook's (${ref.name})` } });
    return;
  }
  const same = now.fingerprint === ref.fingerprint;
  const what = ref.kind === 'demo' ? `the ${ref.preset} demo with seed ${ref.seed}` : ref.name;
  shareStore.set({
    datasetCheck: same
      ? { ok: true, text: `The loaded dataset is the notebook's (${ref.name}).` }
      : { ok: false, text: `This notebook was made with ${what} (fingerprint ${ref.fingerprint.slice(0, 12)}); the loaded dataset (${now.name}, ${now.fingerprint.slice(0, 12)}) differs.` },
  });
}

/** When the opened notebook names own files: checks the picked ones as soon as they are picked. */
export async function checkPicked(): Promise<void> {
  const ref = shareStore.get().reference?.file.dataset;
  if (ref?.kind !== 'files') return;
  const picked = dataFiles();
  if (!picked.length) return;
  const lines: string[] = [];
  let ok = true;
  for (const f of ref.files) {
    const file = picked.find((p) => p.name === f.name);
    if (!file) {
      ok = false;
      lines.push(`${f.name}: not picked yet`);
      continue;
    }
    const got = await fileIdentity(file);
    const same = got.size === f.size && got.sha256 === f.sha256;
    ok &&= same;
    lines.push(same ? `${f.name}: matches` : `${f.name}: differs (${got.size.toLocaleString('en-US')} bytes, the notebook's had ${f.size.toLocaleString('en-US')})`);
  }
  shareStore.set({ datasetCheck: { ok, text: `Picked files against the notebook's: ${lines.join('; ')}.` } });
}

/**
 * ALS factors or image embeddings as NumPy .npy (float32, rows × columns), each with a text file
 * of its rows' ids (line r = row r), for use elsewhere.
 */
function exportMatrices(runtime: Rt, what: 'als-npy' | 'embeddings-npy'): void {
  const log = runtime.artifactsOf(cellId('data'))?.interactions as InteractionLog | undefined;
  if (what === 'als-npy') {
    const model = runtime.artifactsOf(cellId('als'))?.model as AlsModel | undefined;
    if (!model || !log) return say('Run the Collaborative filtering cell first: there are no ALS factors to export.', true);
    download('als-item-factors.npy', npyFloat32(model.itemFactors, [model.nItems, model.factors]), 'application/octet-stream');
    download('als-item-ids.txt', log.itemKeys.slice(0, model.nItems).join('\n') + '\n', 'text/plain');
    download('als-user-factors.npy', npyFloat32(model.userFactors, [model.nUsers, model.factors]), 'application/octet-stream');
    download('als-user-ids.txt', log.userKeys.slice(0, model.nUsers).join('\n') + '\n', 'text/plain');
    return say(`Exported ALS factors: ${model.nItems} articles and ${model.nUsers} customers × ${model.factors} (float32 .npy, ids in the .txt files).`);
  }
  const emb = runtime.artifactsOf(cellId('embeddings'))?.embeddings as { backbone: string; dim: number; rows: Int32Array; vectors: Float32Array } | undefined;
  if (!emb || !log) return say('Run the Image embeddings cell first: there are no embeddings to export.', true);
  download(`embeddings-${emb.backbone}.npy`, npyFloat32(emb.vectors, [emb.rows.length, emb.dim]), 'application/octet-stream');
  download(`embeddings-${emb.backbone}-ids.txt`, Array.from(emb.rows, (r) => log.itemKeys[r]).join('\n') + '\n', 'text/plain');
  say(`Exported ${emb.rows.length} image embeddings × ${emb.dim} (${emb.backbone}, float32 .npy, article ids in the .txt file).`);
}
