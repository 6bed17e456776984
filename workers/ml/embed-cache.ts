/**
 * Per-article embedding cache in IndexedDB (browser only), keyed by
 * `backbone|article`, so a reload or a second run resumes where it stopped.
 * Without IndexedDB (Node, private modes) every call is a miss.
 */
import { idbStore } from './idb';

const store = idbStore('atelier-embeddings', 'vectors');

export const cacheKey = (backbone: string, key: string) => `${backbone}|${key}`;

/** Cached vectors for `keys` (undefined where absent or of the wrong width). */
export async function getCached(backbone: string, keys: readonly string[], dim: number): Promise<(Float32Array | undefined)[]> {
  const got = await store.requests((s) => keys.map((k) => s.get(cacheKey(backbone, k)) as IDBRequest<ArrayBuffer | undefined>));
  if (!got) return keys.map(() => undefined);
  return got.map((b) => (b instanceof ArrayBuffer && b.byteLength === dim * 4 ? new Float32Array(b) : undefined));
}

/** Stores one vector per key (copies the data). */
export async function putCached(backbone: string, keys: readonly string[], vectors: Float32Array, dim: number): Promise<void> {
  await store.write((s) => keys.forEach((k, i) => s.put(vectors.slice(i * dim, (i + 1) * dim).buffer, cacheKey(backbone, k))));
}

/** Deletes the entries of one backbone (or all); returns how many. */
export async function clearCached(backbone: string | null): Promise<number> {
  const keys = ((await store.request('readonly', (s) => s.getAllKeys())) ?? []) as string[];
  const doomed = backbone === null ? keys : keys.filter((k) => k.startsWith(`${backbone}|`));
  await store.write((s) => doomed.forEach((k) => s.delete(k)));
  return doomed.length;
}
