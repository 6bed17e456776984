/**
 * The notebook's dependency graph: validation (unknown ids, cycles), ordering,
 * ancestors/descendants, and run planning. Pure functions over `{id, dependsOn}`.
 */
import type { CellId, CellStatus } from './types';

export interface GraphNode {
  id: CellId;
  dependsOn: readonly CellId[];
}

/** Thrown when the cell list is not a valid DAG. */
export class NotebookGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookGraphError';
  }
}

/**
 * Checks ids are unique, every dependency exists, and there is no cycle.
 * Returns the ids in a topological order that keeps the listed order where it can.
 */
export function validateGraph(nodes: readonly GraphNode[]): CellId[] {
  const byId = new Map<CellId, GraphNode>();
  for (const n of nodes) {
    if (byId.has(n.id)) throw new NotebookGraphError(`invalid cell list: duplicate id ${n.id}`);
    byId.set(n.id, n);
  }
  for (const n of nodes) {
    for (const d of n.dependsOn) {
      if (!byId.has(d)) throw new NotebookGraphError(`invalid dependsOn of ${n.id}: unknown cell ${d}`);
    }
  }
  const order: CellId[] = [];
  const mark = new Map<CellId, 'visiting' | 'done'>();
  const visit = (id: CellId, path: CellId[]) => {
    const m = mark.get(id);
    if (m === 'done') return;
    if (m === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id].join(' → ');
      throw new NotebookGraphError(`invalid dependsOn: cycle ${cycle}`);
    }
    mark.set(id, 'visiting');
    for (const d of byId.get(id)!.dependsOn) visit(d, [...path, id]);
    mark.set(id, 'done');
    order.push(id);
  };
  for (const n of nodes) visit(n.id, []);
  return order;
}

/** All transitive dependencies of `id` (not including it). */
export function ancestors(nodes: readonly GraphNode[], id: CellId): Set<CellId> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Set<CellId>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length) {
    const d = stack.pop()!;
    if (out.has(d)) continue;
    out.add(d);
    stack.push(...(byId.get(d)?.dependsOn ?? []));
  }
  return out;
}

/** All cells that transitively depend on `id` (not including it). */
export function descendants(nodes: readonly GraphNode[], id: CellId): Set<CellId> {
  const children = new Map<CellId, CellId[]>();
  for (const n of nodes) for (const d of n.dependsOn) children.set(d, [...(children.get(d) ?? []), n.id]);
  const out = new Set<CellId>();
  const stack = [...(children.get(id) ?? [])];
  while (stack.length) {
    const c = stack.pop()!;
    if (out.has(c)) continue;
    out.add(c);
    stack.push(...(children.get(c) ?? []));
  }
  return out;
}

/**
 * The cells to run, in order, to run `targets`: every target, plus each
 * ancestor whose results are not usable: not `done`, or downstream of another
 * ancestor that runs (its inputs are about to change).
 */
export function planRun(
  nodes: readonly GraphNode[],
  targets: readonly CellId[],
  statusOf: (id: CellId) => CellStatus,
): CellId[] {
  const order = validateGraph(nodes);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const needed = new Set<CellId>(targets);
  for (const t of targets) for (const a of ancestors(nodes, t)) needed.add(a);
  const wanted = new Set<CellId>(targets);
  for (const id of order) {
    if (!needed.has(id) || wanted.has(id)) continue;
    const inputsChange = byId.get(id)!.dependsOn.some((d) => wanted.has(d));
    if (statusOf(id) !== 'done' || inputsChange) wanted.add(id);
  }
  return order.filter((id) => wanted.has(id));
}
