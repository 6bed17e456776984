/**
 * Per-article embedding cache in IndexedDB (browser only), keyed by
 * `backbone|article`, so a reload or a second run resumes where it stopped.
 * Without IndexedDB (Node, private modes) every call is a miss.
 */
const DB = 'atelier-embeddings';
const STORE = 'vectors';

let dbPromise: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  dbPromise ??= new Promise<IDBDatabase | null>((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`indexedDB.open(${DB}) failed`));
  });
  return dbPromise;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('indexedDB request failed'));
  });
}

export const cacheKey = (backbone: string, key: string) => `${backbone}|${key}`;

/** Cached vectors for `keys` (undefined where absent or of the wrong width). */
export async function getCached(backbone: string, keys: readonly string[], dim: number): Promise<(Float32Array | undefined)[]> {
  const db = await open();
  if (!db) return keys.map(() => undefined);
  const store = db.transaction(STORE, 'readonly').objectStore(STORE);
  const got = await Promise.all(keys.map((k) => done(store.get(cacheKey(backbone, k)) as IDBRequest<ArrayBuffer | undefined>)));
  return got.map((b) => (b instanceof ArrayBuffer && b.byteLength === dim * 4 ? new Float32Array(b) : undefined));
}

/** Stores one vector per key (copies the data). */
export async function putCached(backbone: string, keys: readonly string[], vectors: Float32Array, dim: number): Promise<void> {
  const db = await open();
  if (!db) return;
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  keys.forEach((k, i) => store.put(vectors.slice(i * dim, (i + 1) * dim).buffer, cacheKey(backbone, k)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('indexedDB write failed'));
  });
}

/** Deletes the entries of one backbone (or all); returns how many. */
export async function clearCached(backbone: string | null): Promise<number> {
  const db = await open();
  if (!db) return 0;
  const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
  const keys = (await done(store.getAllKeys())) as string[];
  const doomed = backbone === null ? keys : keys.filter((k) => k.startsWith(`${backbone}|`));
  await Promise.all(doomed.map((k) => done(store.delete(k))));
  return doomed.length;
}
