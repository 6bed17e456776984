/**
 * The files a person picked for the Data cell (file chooser and folder
 * chooser). Browser File objects cannot be cell parameters, so they live in
 * this small store, which the picker writes and the Data cell reads. It also
 * holds which H&M table each picked file is, where a person said so (files
 * not named articles / customers / transactions...), remembered by file name
 * in localStorage for the next pick.
 */
import { hmTableOf, type HmTableName } from '@/lib/data/readers/hm';

let picked: File[] = [];
const listeners = new Set<() => void>();

/** Path of a picked file relative to the picked folder (or just its name). */
export const relPath = (f: File): string => f.webkitRelativePath || f.name;

/** The picked files. */
export function pickedFiles(): readonly File[] {
  return picked;
}

/** Adds files (a file with the same relative path replaces the old one). */
export function addPicked(files: Iterable<File>): void {
  const byPath = new Map(picked.map((f) => [relPath(f), f]));
  for (const f of files) byPath.set(relPath(f), f);
  picked = [...byPath.values()];
  listeners.forEach((l) => l());
}

/** What a picked file is for the H&M source: one of the tables, or not used. */
export type FileRole = HmTableName | 'none';

const ROLES_KEY = 'atelier-file-roles';

function storedRoles(): Record<string, FileRole> {
  try {
    return typeof localStorage === 'undefined' ? {} : (JSON.parse(localStorage.getItem(ROLES_KEY) ?? '{}') as Record<string, FileRole>);
  } catch {
    return {}; // unreadable storage: no remembered roles
  }
}

/** A table file (CSV or Parquet) that a role can be given to. */
export const isTableFile = (f: File): boolean => /\.(csv|parquet)$/i.test(f.name);

/** The H&M table a picked file is: the role a person gave its name, else the one its name says, else null. */
export function roleOf(f: File): FileRole | null {
  return storedRoles()[baseName(f.name)] ?? hmTableOf(f.name);
}

/** Whether the picker should ask which file is which: a table file whose name says no H&M table. */
export function needsRoles(files: readonly File[]): boolean {
  return files.some((f) => isTableFile(f) && hmTableOf(f.name) === null);
}

/** Remembers which table a file (by name) is; another file given the same table loses it. */
export function setRole(f: File, role: FileRole): void {
  const roles = storedRoles();
  if (role !== 'none') for (const p of picked) if (p !== f && roleOf(p) === role) roles[baseName(p.name)] = 'none';
  roles[baseName(f.name)] = role;
  localStorage.setItem(ROLES_KEY, JSON.stringify(roles));
  picked = [...picked];
  listeners.forEach((l) => l());
}

/** Forgets every picked file. */
export function clearPicked(): void {
  picked = [];
  listeners.forEach((l) => l());
}

/** Calls `fn` on every change; returns the unsubscribe function. */
export function subscribePicked(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The base name of a path. */
export const baseName = (p: string): string => p.replace(/^.*[\\/]/, '');

/** Data files (not images) among the picked files. */
export function dataFiles(): File[] {
  return picked.filter((f) => !/\.(jpe?g|png|webp)$/i.test(f.name));
}

/** Picked product photos by 10-digit article id (Kaggle layout images/0xx/0xxxxxxxxx.jpg). */
export function imageFiles(): Map<string, File> {
  const out = new Map<string, File>();
  for (const f of picked) {
    const m = /(\d{10})\.jpe?g$/i.exec(f.name);
    if (m) out.set(m[1], f);
  }
  return out;
}
