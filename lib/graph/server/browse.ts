/**
 * Browse queries for the Graph cell: a customer's purchases, departments and indexes, and
 * co-purchase neighbours; a product's catalogue context, buyers and SIMILAR items. Composed across
 * main and products in split mode (purchases from main, catalogue details from products).
 */
import 'server-only';
import neo4j from 'neo4j-driver';
import { readQuery, type Graphs } from './conn';

const neo4jInt = (n: number) => neo4j.int(n);
import { similarOf } from './similar';
import type { CustomerView, ProductCard, ProductView, PurchaseLine } from '../model';





/** Cards of products (missing codes are left out). */
export async function productCards(graphs: Graphs, codes: readonly string[]): Promise<Map<string, ProductCard>> {
  const recs = await readQuery<ProductCard>(
    graphs.products,
    `UNWIND $codes AS code
     MATCH (p:Product {code: code})
     RETURN p.code AS code, p.name AS name,
       head([(p)-[:FROM_DEPARTMENT]->(x) | x.name]) AS department,
       head([(p)-[:HAS_INDEX]->(x) | x.name]) AS index,
       head([(p)-[:IN_INDEX_GROUP]->(x) | x.name]) AS index_group,
       head([(p)-[:SUBSET_OF]->(x:ProductType) | x.name]) AS product_type,
       head([(p)-[:IN_PRODUCT_GROUP]->(x) | x.name]) AS product_group,
       head([(p)-[:IN_SECTION]->(x) | x.name]) AS section,
       head([(p)-[:IN_GARMENT_GROUP]->(x) | x.name]) AS garment_group,
       head([(p)-[:HAS_COLOUR]->(x) | x.name]) AS colour`,
    { codes: [...new Set(codes)] },
  );
  return new Map(recs.map((r) => [r.code, r]));
}

const emptyCard = (code: string): ProductCard => ({
  code, name: null, department: null, index: null, index_group: null, product_type: null,
  product_group: null, section: null, garment_group: null, colour: null,
});

function tally(lines: readonly PurchaseLine[], field: 'department' | 'index'): { name: string; units: number }[] {
  const m = new Map<string, number>();
  for (const l of lines) {
    const name = l[field];
    if (name !== null) m.set(name, (m.get(name) ?? 0) + l.quantity);
  }
  return [...m.entries()].map(([name, units]) => ({ name, units })).sort((a, b) => b.units - a.units || a.name.localeCompare(b.name));
}

/** A customer's view, or null when the customer is not in the graph. */
export async function customerView(graphs: Graphs, id: string, limit = 50): Promise<CustomerView | null> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`invalid limit: ${limit}; expected an integer >= 1`);
  const [c] = await readQuery<{
    id: string; age: number | null; club: string | null; news: string | null;
    purchases: { code: string; t_dat: string; channel: number; quantity: number; price: number }[];
    neighbours: { id: string; shared: number }[];
  }>(
    graphs.main,
    `MATCH (c:Customer {id: $id})
     RETURN c.id AS id, c.age AS age, c.club_member_status AS club, c.fashion_news_frequency AS news,
       COLLECT { MATCH (c)-[r:PURCHASED]->(p:Product)
                 RETURN {code: p.code, t_dat: toString(r.t_dat), channel: r.channel, quantity: r.quantity, price: r.price} AS line
                 ORDER BY r.t_dat DESC, p.code } AS purchases,
       COLLECT { MATCH (c)-[:PURCHASED]->(p:Product)<-[:PURCHASED]-(o:Customer) WHERE o <> c
                 WITH o, count(DISTINCT p) AS shared ORDER BY shared DESC, o.id LIMIT 10
                 RETURN {id: o.id, shared: shared} } AS neighbours`,
    { id },
  );
  if (!c) return null;
  const cards = await productCards(graphs, c.purchases.map((p) => p.code));
  const lines: PurchaseLine[] = c.purchases.map((p) => ({ ...(cards.get(p.code) ?? emptyCard(p.code)), ...p }));
  return {
    id: c.id,
    age: c.age,
    club_member_status: c.club,
    fashion_news_frequency: c.news,
    purchases: lines.slice(0, limit),
    totalPurchases: lines.length,
    departments: tally(lines, 'department'),
    indexes: tally(lines, 'index'),
    neighbours: c.neighbours,
  };
}

/** A product's view, or null when it is not in the graph. */
export async function productView(graphs: Graphs, code: string): Promise<ProductView | null> {
  const cards = await productCards(graphs, [code]);
  const card = cards.get(code);
  if (!card) return null;
  const [[meta], [sales], similar] = await Promise.all([
    readQuery<{ product_code: string | null }>(graphs.products, 'MATCH (p:Product {code: $code}) RETURN p.product_code AS product_code', { code }),
    readQuery<{ buyers: number; units: number }>(
      graphs.main,
      `OPTIONAL MATCH (c:Customer)-[r:PURCHASED]->(:Product {code: $code})
       RETURN count(DISTINCT c) AS buyers, coalesce(sum(r.quantity), 0) AS units`,
      { code },
    ),
    similarOf(graphs.products, code),
  ]);
  const names = await productCards(graphs, similar.map((s) => s.code));
  return {
    ...card,
    product_code: meta?.product_code ?? null,
    buyers: sales?.buyers ?? 0,
    units: sales?.units ?? 0,
    similar: similar.map((s) => ({ ...s, name: names.get(s.code)?.name ?? null })),
  };
}

/** Customers with the most purchased units (browse's default pick), best first. */
export async function topCustomers(graphs: Graphs, n = 10): Promise<{ id: string; units: number }[]> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`invalid n: ${n}; expected an integer >= 1`);
  return readQuery<{ id: string; units: number }>(
    graphs.main,
    `MATCH (c:Customer)-[r:PURCHASED]->()
     WITH c, sum(r.quantity) AS units ORDER BY units DESC, c.id LIMIT $n
     RETURN c.id AS id, units`,
    { n: neo4jInt(n) },
  );
}
