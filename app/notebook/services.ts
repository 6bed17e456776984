/**
 * The browser's service bag, handed to every cell as `ctx.services`. It owns
 * the ML worker (created on first use) and knows the backend override:
 * `?backend=wasm` in the URL wins over the saved setting.
 */
import { RpcClient, type RpcProtocolError } from '@/lib/rpc/client';
import { isBackendName, type BackendName, type BackendReport } from '@/workers/protocol/backend';
import type { MlMethods } from '@/workers/protocol/ml';

export const BACKEND_SETTING_KEY = 'atelier.backend';

export interface AppServices {
  /** The ML worker client, with the TF.js backend initialised. */
  ml(): Promise<RpcClient<MlMethods>>;
  /** The backend report of the current ML worker (initialises it if needed). */
  backend(): Promise<BackendReport>;
  /** Replaces the ML worker with a fresh one on the given backend (null: automatic). */
  restartMl(preferred: BackendName | null): Promise<BackendReport>;
  /** The override in force: URL parameter, then the saved setting. */
  backendOverride(): BackendName | null;
  /** Protocol problems seen (replies the client rejected), newest last. */
  protocolErrors(): readonly string[];
}

export function backendOverrideFrom(search: string, saved: string | null): BackendName | null {
  const fromUrl = new URLSearchParams(search).get('backend');
  if (isBackendName(fromUrl)) return fromUrl;
  return isBackendName(saved) ? saved : null;
}

export function createAppServices(): AppServices {
  let worker: Worker | null = null;
  let client: RpcClient<MlMethods> | null = null;
  let ready: Promise<BackendReport> | null = null;
  const problems: string[] = [];

  const override = () => backendOverrideFrom(window.location.search, window.localStorage.getItem(BACKEND_SETTING_KEY));

  const start = (preferred: BackendName | null) => {
    worker?.terminate();
    client?.dispose(new Error('ML worker restarted'));
    // Bundled by scripts/build-workers.mjs (see there for why not Turbopack).
    worker = new Worker('/vendor/workers/ml.worker.js', { type: 'module', name: 'atelier-ml' });
    const c = new RpcClient<MlMethods>(worker, (e: RpcProtocolError) => problems.push(e.message));
    worker.addEventListener('error', (ev) => {
      problems.push(`ML worker error: ${ev.message}`);
      c.dispose(new Error(`ML worker crashed: ${ev.message || 'unknown error'}`));
      if (client === c) ready = null;
    });
    client = c;
    ready = c.call('backend.init', { preferred });
    ready.catch(() => {
      if (client === c) ready = null;
    });
    return ready;
  };

  const ensure = () => ready ?? start(override());

  return {
    async ml() {
      await ensure();
      return client!;
    },
    backend: () => ensure(),
    restartMl: (preferred) => start(preferred),
    backendOverride: override,
    protocolErrors: () => problems,
  };
}
