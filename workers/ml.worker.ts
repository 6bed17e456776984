/// <reference lib="webworker" />
/**
 * The ML worker entry: serves the handlers of workers/ml/handlers.ts over the
 * typed RPC protocol. Everything TF.js runs here, off the main thread.
 */
import { serveRpc } from '../lib/rpc/server';
import type { PortLike } from '../lib/rpc/wire';
import { handlers } from './ml/handlers';
import type { MlMethods } from './protocol/ml';

serveRpc<MlMethods>(self as unknown as PortLike, handlers);
