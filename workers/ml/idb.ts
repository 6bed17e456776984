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

/** Settles with a request's result. */
function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('indexedDB request failed'));
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
      return db ? done(f(db.transaction(storeName, mode).objectStore(storeName))) : undefined;
    },
    async requests(f) {
      const db = await open();
      return db ? Promise.all(f(db.transaction(storeName, 'readonly').objectStore(storeName)).map((r) => done(r))) : undefined;
    },
    async write(f) {
      const db = await open();
      if (!db) return;
      const tx = db.transaction(storeName, 'readwrite');
      f(tx.objectStore(storeName));
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('indexedDB write failed'));
      });
    },
  };
}
