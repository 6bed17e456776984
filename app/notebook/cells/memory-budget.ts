/**
 * The model cells' memory budget parameter (as the Data cell's large-file threshold: a number in the cell's
 * parameters): the cell's pre-flight estimate (lib/notebook/memory.ts) above it stops the cell before it starts.
 */
import { DEFAULT_BUDGET_MB } from '@/lib/notebook/memory';

export const memoryBudgetParam = {
  kind: 'number',
  label: 'memory budget (MB)',
  default: DEFAULT_BUDGET_MB,
  min: 1,
  step: 256,
  integer: true,
  help: 'Before the work starts, the cell estimates its peak memory from the dataset’s sizes; above this it stops with the estimate instead of running out of memory',
} as const;

/** The parameter's value in bytes. */
export const budgetBytes = (mb: number): number => mb * 2 ** 20;

/** Kernel threads a worker may use here (the estimate counts each thread's buffers). */
export const hardwareThreads = (): number => Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
