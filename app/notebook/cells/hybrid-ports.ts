/**
 * The hybrid cell's Neo4j port: the graph engineer's batched Cypher filter
 * and co-purchase query, called through the server actions in
 * app/actions/graph.ts in request-sized chunks, with ids mapped to keys and
 * back. Also decides whether Neo4j holds this dataset.
 */
import { graphCandidatesAction, graphCoPurchaseAction, graphStatusAction } from '@/app/actions/graph';
import type { CustomerTable, DatasetInfo, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { expectedCounts } from '@/lib/graph/pipeline';
import { chunkRows, customerRows, productRows, purchaseRows } from '@/lib/graph/rows';
import type { HybridPorts } from '@/lib/recs';
import { CellFailure } from '@/lib/notebook/types';

/** JSON bytes per action call (Next.js' server-action body limit is 1 MB). */
const MAX_BODY_BYTES = 700_000;
/** The candidates action accepts at most 1000 candidates per customer. */
const MAX_CANDIDATES = 1000;

/** Whether Neo4j is reachable and holds exactly this dataset (the Graph cell's load), with the reason when not. */
export async function neo4jHoldsDataset(log: InteractionLog, catalog: ItemCatalog, customers: CustomerTable | undefined, info: DatasetInfo | undefined): Promise<{ ok: boolean; why: string }> {
  const status = await graphStatusAction();
  if (!status.ok) return { ok: false, why: `Neo4j is not available (${status.error})` };
  if (!customers || !info) return { ok: false, why: 'the dataset has no customer table to compare with the graph' };
  const want = expectedCounts({ fingerprint: info.fingerprint, rows: { products: productRows(catalog), customers: customerRows(customers), purchases: purchaseRows(log) } });
  const have = status.data.counts;
  if (have.customers !== want.customers || have.products !== want.products || have.purchases !== want.purchases) {
    return {
      ok: false,
      why: `Neo4j holds ${have.customers} customers, ${have.products} products and ${have.purchases} PURCHASED, not this dataset's ${want.customers}, ${want.products} and ${want.purchases} (run the Graph cell)`,
    };
  }
  return { ok: true, why: `Neo4j at ${status.data.main} holds this dataset` };
}

/** Filter and co-purchase through Neo4j (server actions), in chunks that fit a request. */
export function neo4jPorts(log: InteractionLog): HybridPorts {
  const idOf = new Map(log.itemKeys.map((k, i) => [k, i]));
  const toIds = (codes: readonly string[]) => codes.map((c) => idOf.get(c)).filter((i): i is number => i !== undefined);
  return {
    name: 'Neo4j (batched Cypher through server actions)',
    async filter(reqs) {
      const rows = reqs.map((r) => ({ customer: log.userKeys[r.user], candidates: r.candidates.slice(0, MAX_CANDIDATES).map((i) => log.itemKeys[i]) }));
      const out: number[][] = [];
      for (const chunk of chunkRows(rows, 2000, MAX_BODY_BYTES)) {
        const res = await graphCandidatesAction({ rows: chunk });
        if (!res.ok) throw new CellFailure(`Neo4j candidate filter failed: ${res.error}`, res.hint ?? 'Choose "in memory" for the filter, or check Neo4j.');
        out.push(...res.data.map((r) => toIds(r.kept)));
      }
      return out;
    },
    async coPurchase(users, k) {
      const out: number[][] = [];
      for (let s = 0; s < users.length; s += 1000) {
        const res = await graphCoPurchaseAction({ customers: users.slice(s, s + 1000).map((u) => log.userKeys[u]), k });
        if (!res.ok) throw new CellFailure(`Neo4j co-purchase query failed: ${res.error}`, res.hint ?? 'Choose "in memory", or check Neo4j.');
        out.push(...res.data.map((r) => toIds(r.items.map((x) => x.code))));
      }
      return out;
    },
  };
}

/**
 * Wraps a port so that every call is also answered in memory and the two are
 * compared (the graph and the dataset hold the same purchases, so they must agree).
 */
export function crossChecked(main: HybridPorts, check: HybridPorts): HybridPorts & { agreement(): { filter: [number, number]; coPurchase: [number, number] } } {
  const filter: [number, number] = [0, 0];
  const coPurchase: [number, number] = [0, 0];
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    name: main.name,
    async filter(reqs) {
      const [a, b] = await Promise.all([main.filter(reqs), check.filter(reqs)]);
      a.forEach((x, j) => ((filter[0] += same(x, b[j]) ? 1 : 0), filter[1]++));
      return a;
    },
    async coPurchase(users, k) {
      const [a, b] = await Promise.all([main.coPurchase(users, k), check.coPurchase(users, k)]);
      a.forEach((x, j) => ((coPurchase[0] += same(x, b[j]) ? 1 : 0), coPurchase[1]++));
      return a;
    },
    agreement: () => ({ filter, coPurchase }),
  };
}
