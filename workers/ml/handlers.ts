/**
 * The ML worker's handler registry: one line per cell domain. Handlers are
 * thin adapters over lib/; `satisfies` makes the compiler check that every
 * method in workers/protocol/ml.ts has exactly one handler.
 */
import type { Handlers } from '../../lib/rpc/server';
import type { MlMethods } from '../protocol/ml';
import { alsHandlers } from './als';
import { embedHandlers } from './embed';
import { recsHandlers } from './recs';
import { systemHandlers } from './system';
import { towersHandlers } from './towers';

export const handlers = {
  ...systemHandlers,
  ...towersHandlers,
  ...embedHandlers,
  ...alsHandlers,
  ...recsHandlers,
} satisfies Handlers<MlMethods>;
