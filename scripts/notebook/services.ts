/**
 * The headless runner's service bag: the ML methods served in-process by the
 * worker's own handlers (Image embeddings, ALS, the Neural models, the Hybrid
 * and Evaluate backtest: lib/ code; TF.js on its Node CPU backend), native
 * DuckDB for the Data cell, and the --data folder. The embeddings handlers
 * rasterise the demo's drawings in JavaScript (lib/data/demo/raster), as the
 * browser's worker does, and decode photo files with sharp (photos.ts); an app-relative model URL (the vendored backbones
 * under public/) is read from disk instead of over HTTP.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { RpcClient } from '@/lib/rpc/client';
import type { Handlers } from '@/lib/rpc/server';
import type { FileIdentity } from '@/lib/notebook/file-schema';
import { CancelledError } from '@/lib/util/cancel';
import type { AppServices } from '@/app/notebook/services';
import type { DuckDbHandle } from '@/lib/data/duckdb';
import { alsHandlers } from '@/workers/ml/als';
import { makeEmbedHandlers } from '@/workers/ml/embed';
import { recsHandlers } from '@/workers/ml/recs';
import { towersHandlers } from '@/workers/ml/towers';
import type { BackendReport } from '@/workers/protocol/backend';
import type { EmbedSource } from '@/workers/protocol/embed';
import type { MlMethods } from '@/workers/protocol/ml';
import { vendorModels } from '../vendor-models.mjs';
import { nodeDuckDb } from './duckdb-node';
import { nodeReadPhoto } from './photos';

export interface HeadlessServices extends AppServices {
  duckdb(): Promise<DuckDbHandle>;
  dataDir: string | null;
  /** Identities of the files the Data cell read from dataDir. */
  pickedFiles: FileIdentity[];
  close(): void;
}

type Methods = keyof MlMethods & string;

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * An app-relative model URL (`/vendor/models/…/model.json`, what the browser fetches from public/) as the
 * files of its folder, which the worker's picked-files path loads; other sources pass unchanged.
 */
export function nodeModelSource(source: EmbedSource, root = ROOT): EmbedSource {
  if (source.kind !== 'url' || !source.url.startsWith('/')) return source;
  const json = path.join(root, 'public', ...source.url.split('/').filter(Boolean));
  if (!existsSync(json) && source.url.startsWith('/vendor/models/')) vendorModels();
  if (!existsSync(json)) throw new Error(`model file not found: ${json} (the browser would fetch ${source.url})`);
  const dir = path.dirname(json);
  const files = readdirSync(dir)
    .filter((n) => n === path.basename(json) || n.endsWith('.bin'))
    .map((name) => {
      const b = readFileSync(path.join(dir, name));
      return { name, data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
    });
  return { kind: 'files', files };
}

/** The ML worker's methods served in-process; methods the headless runner has no handler for fail by name. */
/** TF.js backends the headless runner offers: `cpu` (plain JavaScript, the default) or `wasm` (the browser's choice on a machine without a GPU). */
export type HeadlessBackend = 'cpu' | 'wasm';

export function headlessServices(options: { dataDir: string | null; duckdbPath?: string; backend?: HeadlessBackend }): HeadlessServices {
  const name = options.backend ?? 'cpu';
  // Checkpoints (towers) and embedding caches live in IndexedDB, which Node lacks: reads miss, writes do nothing.
  const embedHandlers = makeEmbedHandlers(nodeReadPhoto);
  const served: Partial<Handlers<MlMethods>> = {
    ...embedHandlers,
    'embed.load': (req, ctx) => embedHandlers['embed.load']({ ...req, source: nodeModelSource(req.source) }, ctx),
    ...alsHandlers,
    ...towersHandlers,
    ...recsHandlers,
  };
  let backend: Promise<BackendReport> | null = null;
  let db: Promise<DuckDbHandle & { close(): void }> | null = null;
  const init = async (): Promise<BackendReport> => {
    const t0 = performance.now();
    if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} failed to initialise in Node`);
    await tf.ready();
    return { backend: name, requested: options.backend ?? null, failures: [], adapter: null, crossOriginIsolated: false, hardwareConcurrency: 1, wasm: null, tfjsVersion: tf.version.tfjs, initMs: performance.now() - t0,
      choice: { decision: { backend: name, how: 'rules', why: `the headless runner uses TF.js on its Node ${name === 'cpu' ? 'CPU' : 'WASM'} backend (--backend; no browser backends to probe)` }, candidates: [], cached: false, key: `node ${process.version}`, webglRenderer: null } };
  };
  const client = {
    async call<K extends Methods>(method: K, payload: MlMethods[K]['req'], opts: { signal?: AbortSignal; onProgress?: (p: { label: string; done: number; total: number; unit?: string }) => void; onLog?: (l: string) => void } = {}) {
      const handler = served[method] as Handlers<MlMethods>[K] | undefined;
      if (!handler) throw new Error(`${method} is not available in the headless runner`);
      const signal = opts.signal ?? new AbortController().signal;
      if (signal.aborted) throw new CancelledError(`${method} cancelled`);
      return handler(payload, { signal, progress: (p) => opts.onProgress?.(p), log: (l) => opts.onLog?.(l) });
    },
  } as unknown as RpcClient<MlMethods>;
  const services: HeadlessServices = {
    async ml() {
      await (backend ??= init());
      return client;
    },
    backend: () => (backend ??= init()),
    restartMl: () => (backend = init()),
    backendOverride: () => null,
    protocolErrors: () => [],
    duckdb: () => (db ??= nodeDuckDb(options.duckdbPath)),
    dataDir: options.dataDir,
    pickedFiles: [],
    close() {
      void db?.then((d) => d.close());
    },
  };
  return services;
}
