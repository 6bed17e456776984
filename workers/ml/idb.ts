/**
 * The worker's one IndexedDB module: a single object store per database, opened once and kept
 * open. Without IndexedDB (Node tests, some private modes) reads miss and writes do nothing.
 */

/** Reads and writes on one object store. */
export interface IdbStore {
  /** One request in its own transaction; undefined where IndexedDB does not exist. */
  request<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined>;
  /** Several reads in one transaction; undefined where IndexedDB does not exist. */
  requests<T>(f: (s: IDBObjectStore) => IDBRequest<T>[]): Promise<T[] | undefined>;
  /** Several writes in one transaction, resolved when it commits. */
  write(f: (s: IDBObjectStore) => void): Promise<void>;
}

/**
 * Settles with a request's result once its transaction has finished: for writes when the transaction commits. A
 * transaction can abort without its request failing (Chromium: a value over its ~127 MiB limit, "The serialized keys
 * and/or value are too large", aborts the transaction while the put fires neither success nor error), so the
 * transaction's abort and error reject too; waiting on the request alone would wait forever.
 */
function done<T>(req: IDBRequest<T>, tx: IDBTransaction, mode: IDBTransactionMode): Promise<T> {
  return new Promise((resolve, reject) => {
    const failed = () => reject(req.error ?? tx.error ?? new Error('indexedDB transaction aborted'));
    // Listeners, not handlers: several requests may share one transaction.
    req.addEventListener('error', failed);
    tx.addEventListener('abort', failed);
    tx.addEventListener('error', failed);
    if (mode === 'readonly') req.addEventListener('success', () => resolve(req.result));
    else tx.addEventListener('complete', () => resolve(req.result));
  });
}

/** Resolves when a transaction commits; rejects when it aborts or fails (see `done`). */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('indexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('indexedDB write aborted'));
  });
}

/** The store `storeName` of database `dbName` (created on first open, version 1). */
export function idbStore(dbName: string, storeName: string): IdbStore {
  let opening: Promise<IDBDatabase> | null = null;
  const open = (): Promise<IDBDatabase> | null => {
    if (typeof indexedDB === 'undefined') return null;
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(storeName);
      req.onsuccess = () => {
        const db = req.result;
        // Another tab upgrading or deleting the database: let it, and open again next time.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      req.onerror = () => {
        opening = null;
        reject(req.error ?? new Error(`indexedDB.open(${dbName}) failed`));
      };
    });
    return opening;
  };
  return {
    async request(mode, f) {
      const db = await open();
      if (!db) return undefined;
      const tx = db.transaction(storeName, mode);
      return done(f(tx.objectStore(storeName)), tx, mode);
    },
    async requests(f) {
      const db = await open();
      if (!db) return undefined;
      const tx = db.transaction(storeName, 'readonly');
      return Promise.all(f(tx.objectStore(storeName)).map((r) => done(r, tx, 'readonly')));
    },
    async write(f) {
      const db = await open();
      if (!db) return;
      const tx = db.transaction(storeName, 'readwrite');
      const commit = committed(tx);
      f(tx.objectStore(storeName));
      await commit;
    },
  };
}
