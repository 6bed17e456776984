/**
 * The files a person picked for the Data cell (file chooser and folder
 * chooser). Browser File objects cannot be cell parameters, so they live in
 * this small store, which the picker writes and the Data cell reads.
 */

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
