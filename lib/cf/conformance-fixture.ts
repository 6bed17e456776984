/** The seeded fixture and parameters the ALS conformance suites share (conformance.test.ts, conformance-threads.test.ts). */
import type { Csr } from '../data/csr';
import { mulberry32 as mulberry32Fixture } from '../util/random';
import { prepareInteractions, type AlsParams, type AlsSolverName } from './index';

export const PARAMS: AlsParams = { factors: 8, regularization: 5, alpha: 5, iterations: 12, cgSteps: 3, seed: 7 };
export const SOLVERS: AlsSolverName[] = ['exact', 'cg', 'cg-js', 'tfjs'];

/** 90 users × 60 items in 3 taste groups; each user buys 6–10 items, 85% in-group; user 89 buys nothing. */
export function fixture(): { weights: Csr; heldOut: number[]; group: (i: number) => number } {
  const rand = mulberry32Fixture(20261122);
  const nUsers = 90;
  const nItems = 60;
  const group = (i: number) => i % 3;
  const user: number[] = [];
  const item: number[] = [];
  const day: number[] = [];
  const heldOut: number[] = [];
  for (let u = 0; u < nUsers - 1; u++) {
    const g = u % 3;
    const n = 6 + Math.floor(rand() * 5);
    for (let t = 0; t < n; t++) {
      const inGroup = rand() < 0.85;
      let i = Math.floor(rand() * 20) * 3 + g;
      if (!inGroup) i = Math.floor(rand() * nItems);
      user.push(u);
      item.push(i);
      day.push(18000 + Math.floor(rand() * 100));
    }
    heldOut.push(Math.floor(rand() * 20) * 3 + g);
  }
  const prepared = prepareInteractions({ nUsers, nItems, user: Int32Array.from(user), item: Int32Array.from(item), day: Int32Array.from(day) }, { weighting: 'count' });
  return { weights: prepared.weights, heldOut, group };
}
