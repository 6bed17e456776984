/**
 * The notebook: every cell, in order. Adding a cell is adding its file and one
 * line here; the runtime and UI need no change.
 */
import type { CellDefinition } from '@/lib/notebook/types';
import type { AppServices } from '../services';
import { systemCell } from './system';
import { dataCell } from './data';
import { exploreCell } from './explore';
import { graphCell } from './graph';
import { embeddingsCell } from './embeddings';
import { alsCell } from './als';
import { towersCell } from './towers';
import { hybridCell } from './hybrid';
import { evaluateCell } from './evaluate';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- cells differ in their parameter types
export const CELLS: readonly CellDefinition<any, AppServices>[] = [
  systemCell,
  dataCell,
  exploreCell,
  graphCell,
  embeddingsCell,
  alsCell,
  towersCell,
  hybridCell,
  evaluateCell,
];
