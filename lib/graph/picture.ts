/**
 * The Graph cell's neighbourhood picture (pure: safe to import from browser code).
 */
import type { CustomerView } from './model';

/** A small picture of a customer's neighbourhood: customer → products → departments, plus neighbours. */
export function customerGraph(view: CustomerView, maxProducts = 15): {
  nodes: { id: string; label: string; group: string }[];
  links: { source: string; target: string; label?: string }[];
} {
  const nodes = new Map<string, { id: string; label: string; group: string }>();
  const links: { source: string; target: string; label?: string }[] = [];
  const cid = `c:${view.id}`;
  nodes.set(cid, { id: cid, label: view.id.slice(0, 10), group: 'Customer' });
  const seen = new Set<string>();
  for (const p of view.purchases) {
    if (seen.has(p.code)) continue;
    if (seen.size >= maxProducts) break;
    seen.add(p.code);
    const pid = `p:${p.code}`;
    nodes.set(pid, { id: pid, label: p.name ?? p.code, group: 'Product' });
    links.push({ source: cid, target: pid, label: 'PURCHASED' });
    if (p.department) {
      const did = `d:${p.department}`;
      nodes.set(did, { id: did, label: p.department, group: 'Department' });
      links.push({ source: pid, target: did, label: 'FROM_DEPARTMENT' });
    }
  }
  for (const n of view.neighbours.slice(0, 5)) {
    const nid = `c:${n.id}`;
    nodes.set(nid, { id: nid, label: n.id.slice(0, 10), group: 'Customer' });
    links.push({ source: cid, target: nid, label: `shares ${n.shared}` });
  }
  return { nodes: [...nodes.values()], links };
}
