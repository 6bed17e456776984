/**
 * The hybrid cell's access to Neo4j: the graph engineer's batched Cypher
 * filter and co-purchase query, called through the server actions in
 * app/actions/graph.ts in request-sized chunks (lib/recs/graph-ports.ts maps
 * ids to keys), and the check that Neo4j holds this dataset.
 */
import { graphCandidatesAction, graphCoPurchaseAction, graphStatusAction } from '@/app/actions/graph';
import type { CustomerTable, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { chunkRows } from '@/lib/graph/rows';
import { countDailyPurchases, type GraphQueries } from '@/lib/recs';
import { CellFailure } from '@/lib/notebook/types';

/** JSON bytes per action call (the server-action body limit is 8 MB, next.config.js): the demo's candidates go in one call. */
const MAX_BODY_BYTES = 4_000_000;
/** The candidates action accepts at most 1000 candidates per customer. */
const MAX_CANDIDATES = 1000;

/** Whether Neo4j is reachable and holds exactly this dataset (the Graph cell's load), with the reason when not. */
export async function neo4jHoldsDataset(log: InteractionLog, catalog: ItemCatalog, customers: CustomerTable | undefined): Promise<{ ok: boolean; why: string }> {
  const status = await graphStatusAction();
  if (!status.ok) return { ok: false, why: `Neo4j is not available (${status.error})` };
  // As lib/graph/pipeline expectedCounts, but counted, not built: hm-scale has millions of PURCHASED rows.
  const union = (a: readonly string[], b: readonly string[]) => {
    const set = new Set(a);
    let extra = 0;
    for (const k of b) if (!set.has(k)) extra++;
    return set.size + extra;
  };
  const want = { customers: union(customers?.keys ?? [], log.userKeys), products: union(catalog.keys, log.itemKeys), purchases: countDailyPurchases(log) };
  const have = status.data.counts;
  if (have.customers !== want.customers || have.products !== want.products || have.purchases !== want.purchases) {
    return {
      ok: false,
      why: `Neo4j holds ${have.customers} customers, ${have.products} products and ${have.purchases} PURCHASED, not this dataset's ${want.customers}, ${want.products} and ${want.purchases} (run the Graph cell)`,
    };
  }
  return { ok: true, why: `Neo4j at ${status.data.main} holds this dataset` };
}

/** The graph queries through the server actions, in chunks that fit a request. */
export function actionQueries(): GraphQueries {
  return {
    name: 'Neo4j (batched Cypher through server actions)',
    async candidates(rows) {
      const out: { customer: string; kept: string[] }[] = [];
      const capped = rows.map((r) => ({ customer: r.customer, candidates: r.candidates.slice(0, MAX_CANDIDATES) }));
      for (const chunk of chunkRows(capped, 2000, MAX_BODY_BYTES)) {
        const res = await graphCandidatesAction({ rows: chunk });
        if (!res.ok) throw new CellFailure(`Neo4j candidate filter failed: ${res.error}`, res.hint ?? 'Choose "in memory" for the filter, or check Neo4j.');
        out.push(...res.data);
      }
      return out;
    },
    async coPurchase(customers, k) {
      const out: { customer: string; items: { code: string; score: number }[] }[] = [];
      for (let s = 0; s < customers.length; s += 1000) {
        const res = await graphCoPurchaseAction({ customers: customers.slice(s, s + 1000), k });
        if (!res.ok) throw new CellFailure(`Neo4j co-purchase query failed: ${res.error}`, res.hint ?? 'Choose "in memory", or check Neo4j.');
        out.push(...res.data);
      }
      return out;
    },
  };
}
