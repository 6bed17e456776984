/**
 * The Evaluate cell for a headless run with `--skip embeddings`: the browser
 * cell itself (the rolling backtest of lib/recs, served in-process like the
 * ML worker serves it) without image neighbours. The backtest then has no
 * seed-hybrid or hybrid strategy and the two-stage recommender has no image
 * candidates or features; every other strategy is the browser's, figure for
 * figure. (Without --skip embeddings the runner uses the browser's cell as it is.)
 */
import { cellId, defineCell, type ArtifactReader, type CellDefinition, type CellId } from '@/lib/notebook/types';
import { evaluateCell } from '@/app/notebook/cells/evaluate';
import type { HeadlessServices } from './services';

const DATA_CELL = cellId('data');
const EMBEDDINGS_CELL = cellId('embeddings');

/** Strategies of the Evaluate cell that read image neighbours: absent (seed-hybrid, hybrid) or different (two-stage) headless. */
export const IMAGE_STRATEGIES: readonly string[] = ['seed-hybrid', 'hybrid', 'two-stage'];

export const headlessEvaluateCell: CellDefinition<typeof evaluateCell.params, HeadlessServices> = defineCell({
  ...evaluateCell,
  dependsOn: [DATA_CELL],
  async run(ctx) {
    ctx.log('headless with --skip embeddings: no image neighbours: no seed-hybrid or hybrid strategy; the two-stage recommender has no image candidates');
    const artifacts: ArtifactReader = {
      find: <T>(cell: CellId, name: string) => (cell === EMBEDDINGS_CELL ? undefined : ctx.artifacts.find<T>(cell, name)),
      get: <T>(cell: CellId, name: string) => ctx.artifacts.get<T>(cell, name),
    };
    return evaluateCell.run({ ...ctx, artifacts });
  },
});
