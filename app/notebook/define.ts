/** `defineCell` with the browser's services typed in `ctx.services`. */
import type { CellDefinition, ParamSpecs } from '@/lib/notebook/types';
import type { AppServices } from './services';

export function defineAppCell<P extends ParamSpecs>(def: CellDefinition<P, AppServices>): CellDefinition<P, AppServices> {
  return def;
}
