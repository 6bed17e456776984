/**
 * The hybrid's ports over graph queries that speak article and customer
 * keys (Neo4j's batched Cypher in lib/graph, reached directly or through
 * server actions): ids are mapped to keys and back here, so the browser
 * (server actions) and Node (tests, headless runs) share one adapter. Also a
 * cross-check that answers every call twice and counts agreement.
 */
import type { HybridPorts } from './hybrid';

/** The graph engineer's two queries (lib/graph/candidates.ts, lib/graph/copurchase.ts), by key. */
export interface GraphQueries {
  readonly name: string;
  /** Kept candidates per row, in the rows' order (department AND index filter). */
  candidates(rows: { customer: string; candidates: string[] }[]): Promise<{ customer: string; kept: string[] }[]>;
  /** Up to k co-purchase products per customer, best first. */
  coPurchase(customers: string[], k: number): Promise<{ customer: string; items: { code: string; score: number }[] }[]>;
}

/** Hybrid ports backed by graph queries; `userKeys` / `itemKeys` map dense ids to the graph's keys. */
export function graphPorts(userKeys: readonly string[], itemKeys: readonly string[], q: GraphQueries): HybridPorts {
  const idOf = new Map(itemKeys.map((k, i) => [k, i]));
  // A key the dataset does not know (another dataset's product) cannot be recommended: drop it.
  const toIds = (codes: readonly string[]) => codes.map((c) => idOf.get(c)).filter((i): i is number => i !== undefined);
  return {
    name: q.name,
    async filter(reqs) {
      const res = await q.candidates(reqs.map((r) => ({ customer: userKeys[r.user], candidates: r.candidates.map((i) => itemKeys[i]) })));
      return res.map((r) => toIds(r.kept));
    },
    async coPurchase(users, k) {
      const res = await q.coPurchase(users.map((u) => userKeys[u]), k);
      return res.map((r) => toIds(r.items.map((x) => x.code)));
    },
  };
}

/** How often two ports agreed: [equal answers, answers] for each query. */
export interface Agreement {
  filter: [number, number];
  coPurchase: [number, number];
}

/**
 * Answers every call with `main` and with `check` and counts the customers on
 * which they agree (the graph and the dataset hold the same purchases, so they must).
 */
export function crossChecked(main: HybridPorts, check: HybridPorts): HybridPorts & { agreement(): Agreement } {
  const a: Agreement = { filter: [0, 0], coPurchase: [0, 0] };
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  const count = (into: [number, number], xs: number[][], ys: number[][]) => {
    xs.forEach((x, j) => {
      if (same(x, ys[j])) into[0]++;
      into[1]++;
    });
  };
  return {
    name: main.name,
    async filter(reqs) {
      const [x, y] = await Promise.all([main.filter(reqs), check.filter(reqs)]);
      count(a.filter, x, y);
      return x;
    },
    async coPurchase(users, k) {
      const [x, y] = await Promise.all([main.coPurchase(users, k), check.coPurchase(users, k)]);
      count(a.coPurchase, x, y);
      return x;
    },
    agreement: () => ({ filter: [...a.filter], coPurchase: [...a.coPurchase] }),
  };
}
