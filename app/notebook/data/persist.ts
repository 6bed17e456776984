/**
 * Keeps the last dataset loaded from files in the browser's origin-private
 * file system (OPFS), as Arrow IPC files plus its product photos, so a reload
 * does not ask for the files again. Demo datasets are not stored: they are
 * regenerated from their seed.
 */
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { fromArrowTable, toArrowTable } from '@/lib/data/arrow';
import type { SourceTables } from '@/lib/data/build';
import type { DatasetKind } from '@/lib/data/dataset';

/** What is stored next to the tables. */
export interface StoredMeta {
  source: string;
  kind: DatasetKind;
  name: string;
  fingerprint: string;
  savedAt: string;
  /** Article ids with a stored photo. */
  images: string[];
}

const DIR = 'atelier-dataset';
const TABLES = ['articles', 'customers', 'transactions'] as const;

async function root(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return null;
  const top = await navigator.storage.getDirectory();
  try {
    return await top.getDirectoryHandle(DIR, { create });
  } catch {
    return null; // not stored yet
  }
}

async function write(dir: FileSystemDirectoryHandle, name: string, data: Blob | Uint8Array): Promise<void> {
  const h = await dir.getFileHandle(name, { create: true });
  const w = await h.createWritable();
  await w.write(data instanceof Uint8Array ? new Blob([data as Uint8Array<ArrayBuffer>]) : data);
  await w.close();
}

/** Whether OPFS is available in this browser. */
export const canPersist = (): boolean => typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory;

/**
 * Stores the tables and photos (replacing what was stored). The meta file is
 * written last, so an interrupted save is never restored.
 */
export async function saveDataset(meta: Omit<StoredMeta, 'savedAt' | 'images'>, tables: SourceTables, photos: Map<string, File>, onProgress?: (done: number, total: number) => void): Promise<StoredMeta> {
  const top = await navigator.storage.getDirectory();
  await top.removeEntry(DIR, { recursive: true }).catch(() => undefined);
  const dir = await top.getDirectoryHandle(DIR, { create: true });
  for (const t of TABLES) await write(dir, `${t}.arrow`, tableToIPC(toArrowTable(tables[t]), 'file'));
  const img = await dir.getDirectoryHandle('images', { create: true });
  const ids = [...photos.keys()];
  for (let i = 0; i < ids.length; i++) {
    await write(img, `${ids[i]}.jpg`, photos.get(ids[i])!);
    if (onProgress && i % 100 === 0) onProgress(i, ids.length);
  }
  const full: StoredMeta = { ...meta, savedAt: new Date().toISOString(), images: ids };
  await write(dir, 'meta.json', new TextEncoder().encode(JSON.stringify(full)));
  return full;
}

/** The stored dataset's description, or null. */
export async function storedMeta(): Promise<StoredMeta | null> {
  const dir = await root(false);
  if (!dir) return null;
  try {
    const f = await (await dir.getFileHandle('meta.json')).getFile();
    return JSON.parse(await f.text()) as StoredMeta;
  } catch {
    return null;
  }
}

/** Reads the stored tables and photos back. */
export async function loadStored(): Promise<{ meta: StoredMeta; tables: SourceTables; photos: Map<string, File> } | null> {
  const meta = await storedMeta();
  const dir = await root(false);
  if (!meta || !dir) return null;
  const read = async (t: (typeof TABLES)[number]) => {
    const f = await (await dir.getFileHandle(`${t}.arrow`)).getFile();
    return fromArrowTable(tableFromIPC(new Uint8Array(await f.arrayBuffer())), t);
  };
  const tables: SourceTables = { articles: await read('articles'), customers: await read('customers'), transactions: await read('transactions') };
  const photos = new Map<string, File>();
  const img = await dir.getDirectoryHandle('images').catch(() => null);
  if (img) for (const id of meta.images) photos.set(id, await (await img.getFileHandle(`${id}.jpg`)).getFile());
  return { meta, tables, photos };
}
