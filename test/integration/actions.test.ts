/**
 * The server actions as the browser calls them, against the real embedded Neo4j: malformed input is
 * rejected with a message naming the field before any connection is made (so no Cypher can run), and
 * 20 parallel sessions of load batches and queries neither exhaust the driver's pool nor lose or
 * duplicate rows.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  graphBeginAction, graphCandidatesAction, graphCoPurchaseAction, graphCustomerAction, graphFinishAction,
  graphProductAction, graphStatusAction, graphTopCustomersAction, graphWriteAction,
} from '../../app/actions/graph';
import { similarFromGraphAction, vectorRecallAction, writeSimilarAction } from '../../app/actions/similar';
import { purchaseColumns } from '../../lib/graph/columns';
import { closeDrivers } from '../../lib/graph/server/driver';
import { graphsFromEnv } from '../../lib/graph/server/conn';
import { clearGraph } from '../../lib/graph/server/load';
import type { CustomerRow, ProductRow, PurchaseRow } from '../../lib/graph/model';

const { main } = inject('neo4j');
const saved = { ...process.env };
const useEnv = (uri: string) => {
  process.env.NEO4J_URI = uri;
  process.env.NEO4J_USERNAME = main.user;
  process.env.NEO4J_PASSWORD = main.password;
  process.env.NEO4J_DATABASE = 'neo4j';
  delete process.env.NEO4J_PRODUCTS_URI;
};

afterAll(async () => {
  await closeDrivers();
  process.env = saved;
});

describe('server actions reject malformed input before any Cypher', () => {
  // A server that is not there: an action that got past validation would come back with a connection error.
  beforeAll(() => useEnv('bolt://127.0.0.1:1'));

  const malformed: [string, () => Promise<{ ok: boolean; error?: string }>, RegExp][] = [
    ['begin: negative batch size', () => graphBeginAction({ plan: { fingerprint: 'f', batchSize: -1, batches: { products: 1, customers: 1, purchases: 1 } }, replace: 'auto' }), /^invalid batchSize: /],
    ['begin: unknown replace policy', () => graphBeginAction({ plan: { fingerprint: 'f', batchSize: 10, batches: { products: 1, customers: 1, purchases: 1 } }, replace: 'DROP' }), /^invalid /],
    ['write: unknown phase', () => graphWriteAction({ fingerprint: 'f', phase: 'users', index: 0, rows: [] }), /^invalid phase: /],
    ['write: Cypher text as a key', () => graphWriteAction({ fingerprint: 'f', phase: 'products', index: 0, rows: [{ code: '' }] }), /^invalid rows\.0\./],
    ['write: purchases of unequal lengths', () => graphWriteAction({ fingerprint: 'f', phase: 'purchases', index: 0, rows: { customers: ['c'], products: ['p'], customer: [0, 0], product: [0], day: [1], channel: [1], quantity: [1], price: [1] } }), /^invalid|length/],
    ['finish: counts as text', () => graphFinishAction({ fingerprint: 'f', expected: { customers: '1', products: 1, purchases: 1, units: 1 } }), /^invalid customers: /],
    ['top customers: n = 0', () => graphTopCustomersAction({ n: 0 }), /^invalid /],
    ['customer: empty id', () => graphCustomerAction({ id: '' }), /^invalid id: /],
    ['product: a number for a code', () => graphProductAction({ code: 5 }), /^invalid /],
    ['co-purchase: k too large', () => graphCoPurchaseAction({ customers: ['a'], k: 10_000 }), /^invalid k: /],
    ['candidates: rows not a list', () => graphCandidatesAction({ rows: 'MATCH (n) DETACH DELETE n' }), /^invalid /],
    ['vector recall: k as text', () => vectorRecallAction({ codes: ['a'], k: 'all' as unknown as number }), /invalid/],
    ['similar from graph: codes not a list', () => similarFromGraphAction({ codes: 'x' as unknown as string[] }), /invalid/],
    ['write similar: nothing', () => writeSimilarAction(undefined as never), /invalid/],
  ];
  for (const [what, call, message] of malformed) {
    it(`rejects ${what} with a message and no connection`, async () => {
      const r = await call();
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(message);
    });
  }

  it('a well-formed call does reach for the server (so the rejections above came first)', async () => {
    const r = await graphTopCustomersAction({ n: 5 });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).not.toMatch(/^invalid /);
  });
});

describe('20 parallel sessions against one server', () => {
  const SESSIONS = 20;
  const PER = 50;
  beforeAll(async () => {
    useEnv(main.uri);
    await clearGraph(graphsFromEnv());
  });

  it('the same load sent by every session at once, with queries: no pool exhaustion, no lost or duplicated rows', async () => {
    // 20 tabs loading one dataset: every session sends every batch in order (as the Graph cell does) while the
    // others do the same, and queries between batches. The checkpoint lock must keep each row written once.
    const fingerprint = 'parallel-sessions';
    const BATCHES = 4;
    const begun = await graphBeginAction({ plan: { fingerprint, batchSize: PER, batches: { products: BATCHES, customers: BATCHES, purchases: BATCHES } }, replace: 'always' });
    expect(begun).toMatchObject({ ok: true });
    const code = (b: number, k: number) => `${String(b).padStart(4, '0')}${String(k).padStart(6, '0')}`;
    const cust = (b: number, k: number) => `c${b}-${k}`;
    const products = (b: number): ProductRow[] => Array.from({ length: PER }, (_, k) => ({
      code: code(b, k), name: `item ${b}/${k}`, product_code: null, appearance: null, department: `dept ${b % 3}`, index: null,
      index_group: null, product_type: null, product_group: null, section: null, garment_group: null, colour: null,
    }));
    const customers = (b: number): CustomerRow[] => Array.from({ length: PER }, (_, k) => ({ id: cust(b, k), age: 20 + k, club_member_status: null, fashion_news_frequency: null }));
    const purchases = (b: number): PurchaseRow[] =>
      Array.from({ length: PER }, (_, k) => ({ customer: cust(b, k), product: code(b, (k + 1) % PER), t_dat: '2020-09-01', channel: 1 + (k % 2), quantity: 1 + (k % 3), price: 0.01 * (k + 1) }));
    const session = async (s: number) => {
      const failures: string[] = [];
      const note = (what: string, r: { ok: boolean; error?: string }) => {
        if (!r.ok) failures.push(`session ${s} ${what}: ${r.error}`);
      };
      for (let b = 0; b < BATCHES; b++) note(`products ${b}`, await graphWriteAction({ fingerprint, phase: 'products', index: b, rows: products(b) }));
      for (let b = 0; b < BATCHES; b++) note(`customers ${b}`, await graphWriteAction({ fingerprint, phase: 'customers', index: b, rows: customers(b) }));
      for (let b = 0; b < BATCHES; b++) {
        note(`purchases ${b}`, await graphWriteAction({ fingerprint, phase: 'purchases', index: b, rows: purchaseColumns(purchases(b)) }));
        const [product, customer, top] = await Promise.all([graphProductAction({ code: code(b, 1) }), graphCustomerAction({ id: cust(b, 0) }), graphTopCustomersAction({ n: 5 })]);
        note('product', product);
        note('customer', customer);
        note('top', top);
        if (product.ok && product.data?.code !== code(b, 1)) failures.push(`session ${s}: product ${code(b, 1)} read back as ${product.data?.code}`);
      }
      return failures;
    };
    const failures = (await Promise.all(Array.from({ length: SESSIONS }, (_, s) => session(s)))).flat();
    expect(failures).toEqual([]);
    const n = BATCHES * PER;
    const units = Array.from({ length: PER }, (_, k) => 1 + (k % 3)).reduce((a, b) => a + b, 0) * BATCHES;
    const finished = await graphFinishAction({ fingerprint, expected: { customers: n, products: n, purchases: n, units } });
    expect(finished).toMatchObject({ ok: true, data: { ok: true, mismatches: [] } });
    const status = await graphStatusAction();
    expect(status).toMatchObject({ ok: true, data: { counts: { customers: n, products: n, purchases: n, units } } });
  });
});
