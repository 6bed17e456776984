/**
 * Cell 3, Graph: loads the dataset into Neo4j (customers, the catalogue hierarchy, PURCHASED with
 * quantities) through server actions in idempotent, resumable batches with progress, checks the
 * counts, and browses a customer's neighbourhood. In split mode (NEO4J_PRODUCTS_URI) the catalogue
 * goes to the second server.
 */
import {
  graphBeginAction, graphCoPurchaseAction, graphCustomerAction, graphFinishAction, graphStatusAction,
  graphTopCustomersAction, graphWriteAction, type ActionResult,
} from '@/app/actions/graph';
import type { CustomerTable, DatasetInfo, InteractionLog, ItemCatalog } from '@/lib/data/dataset';
import { customerGraph } from '@/lib/graph/picture';
import { LOAD_PHASES, type GraphLoadPort, type LoadPhase, type PhaseBatch } from '@/lib/graph/model';
import { expectedCounts, runLoad, type LoadInput } from '@/lib/graph/pipeline';
import { purchaseTable, tableLength } from '@/lib/graph/purchases';
import { customerRows, productRows } from '@/lib/graph/rows';
import { CellFailure, cellId, type CellOutput } from '@/lib/notebook/types';
import { CancelledError } from '@/lib/util/cancel';
import { defineAppCell } from '../define';
import { catchUp, deferredWrites, neo4jDown, skippedNote } from './neo4j-pending';
import { checkMemory, graphEstimate } from '@/lib/notebook/memory';
import { budgetBytes, memoryBudgetParam } from './memory-budget';

export const GRAPH_CELL = cellId('graph');
const DATA_CELL = cellId('data');
/** JSON bytes per write call: stays under Next.js' 1 MB server-action body limit. */
const MAX_BATCH_BYTES = 700_000;

function unwrap<T>(res: ActionResult<T>, what: string): T {
  if (res.ok) return res.data;
  throw new CellFailure(`${what}: ${res.error}`, res.hint ?? 'Run the cell again to resume the load from its checkpoint.');
}

/** The load port backed by server actions. */
const actionPort: GraphLoadPort = {
  async begin(plan, replace) {
    return unwrap(await graphBeginAction({ plan, replace }), 'Preparing the graph failed');
  },
  async write<P extends LoadPhase>(fingerprint: string, phase: P, index: number, batch: PhaseBatch[P]) {
    unwrap(await graphWriteAction({ fingerprint, phase, index, rows: batch }), `Writing ${phase} batch ${index + 1} failed`);
  },
  async finish(fingerprint, expected) {
    return unwrap(await graphFinishAction({ fingerprint, expected }), 'Checking the counts failed');
  },
};

const PHASE_LABEL: Record<LoadPhase, string> = { products: 'Products and catalogue', customers: 'Customers', purchases: 'PURCHASED' };

export const graphCell = defineAppCell({
  id: GRAPH_CELL,
  title: 'Graph',
  explanation:
    'Loads the dataset into **Neo4j**: `Customer`, `Product` and the catalogue hierarchy (`Department`, `Index`, `IndexGroup`, `ProductType`, `ProductGroup`, `Colour`, ...) ' +
    'and `(Customer)-[:PURCHASED {t_dat, channel, quantity, price}]->(Product)`, one relationship per customer, product, day and channel with identical rows counted in `quantity`. ' +
    'Uniqueness constraints come first; rows go in `UNWIND` batches through server actions, each batch committing its checkpoint, so a second run changes nothing and an ' +
    'interrupted load (cancel, closed tab, Neo4j restart) resumes where it stopped. Counts are checked at the end. Then browse a customer: purchases, departments, indexes, ' +
    'neighbours and co-purchase recommendations. With `NEO4J_PRODUCTS_URI` set the catalogue lives on a second server. ' +
    'With Neo4j down the cell writes nothing and says so (Run all goes on: later cells work in memory); run it again once Neo4j is up and it loads the graph ' +
    'and catches up on the writes other cells skipped.',
  params: {
    batchSize: { kind: 'number', label: 'Rows per batch', default: 10000, min: 100, max: 20000, step: 100, integer: true, help: 'One transaction each; also capped at ~700 kB per request (PURCHASED travels in columns)' },
    replace: {
      kind: 'select', label: 'Existing graph', default: 'auto',
      options: [
        { value: 'auto', label: 'replace it if it holds another dataset' },
        { value: 'always', label: 'always clear it first' },
        { value: 'never', label: 'merge into it' },
      ],
    },
    customer: { kind: 'text', label: 'Browse customer', default: '', help: 'Customer id; empty: the customer with the most purchases' },
    memoryBudgetMB: memoryBudgetParam,
  },
  dependsOn: [DATA_CELL],
  async run(ctx) {
    const interactions = ctx.artifacts.get<InteractionLog>(DATA_CELL, 'interactions');
    const catalog = ctx.artifacts.get<ItemCatalog>(DATA_CELL, 'catalog');
    const customers = ctx.artifacts.get<CustomerTable>(DATA_CELL, 'customers');
    const info = ctx.artifacts.get<DatasetInfo>(DATA_CELL, 'info');

    // Neo4j down: nothing to load, Run all goes on (later cells work in memory); a re-run catches up.
    const down = await neo4jDown();
    if (down) {
      const waiting = deferredWrites();
      return {
        outputs: [
          skippedNote(`the dataset's ${interactions.user.length.toLocaleString('en')} transactions, customers and catalogue${waiting.length ? ` and ${waiting.join('; ')}` : ''}`, down),
        ],
        artifacts: { loaded: null },
        summary: { skipped: down },
      };
    }
    // Before the purchases are folded into columns (the cell's largest allocation).
    ctx.log(checkMemory(
      graphEstimate({ rows: interactions.user.length, users: customers.keys.length, items: catalog.keys.length }),
      budgetBytes(ctx.params.memoryBudgetMB),
      'Load a smaller dataset into the graph.',
    ));
    const status = unwrap(await graphStatusAction(), 'Neo4j is not available');
    ctx.log(`Neo4j: ${status.split ? `customers on ${status.main}, catalogue on ${status.products}` : status.main}`);

    const input: LoadInput = {
      fingerprint: info.fingerprint,
      name: info.name,
      rows: { products: productRows(catalog), customers: customerRows(customers), purchases: purchaseTable(interactions) },
    };
    const expected = expectedCounts(input);
    ctx.log(`${tableLength(input.rows.purchases)} PURCHASED relationships from ${interactions.user.length} transaction rows`);
    let report;
    const t0 = performance.now();
    try {
      report = await runLoad(actionPort, input, {
        batchSize: ctx.params.batchSize,
        maxBatchBytes: MAX_BATCH_BYTES,
        replace: ctx.params.replace === 'always' ? 'always' : ctx.params.replace === 'never' ? 'never' : 'auto',
        signal: ctx.signal,
        onProgress: (p) => ctx.progress({ label: PHASE_LABEL[p.phase], done: p.done, total: p.total, unit: 'rows' }),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'CancelledError') throw new CancelledError('graph load cancelled; run again to resume');
      throw err;
    }
    const { check, start } = report;
    const t1 = performance.now();
    ctx.log(`loaded in ${((t1 - t0) / 1000).toFixed(1)} s: ${LOAD_PHASES.map((ph) => `${PHASE_LABEL[ph]} ${report.seconds[ph].toFixed(1)} s`).join(', ')}, the rest preparing and checking the counts`);
    const outputs: CellOutput[] = [];
    if (start.cleared) outputs.push({ kind: 'markdown', text: 'The graph held another dataset; it was cleared first.' });
    if (start.complete) outputs.push({ kind: 'markdown', text: 'This dataset was already loaded: nothing was written (the load is idempotent).' });
    else if (Object.values(start.resume).some((n) => n > 0)) {
      outputs.push({ kind: 'markdown', text: `Resumed an interrupted load at batches ${JSON.stringify(start.resume)}.` });
    }
    outputs.push({
      kind: 'table',
      title: check.ok ? 'Neo4j matches the dataset' : 'Neo4j does NOT match the dataset',
      columns: ['what', 'in the dataset', 'in Neo4j', 'written now', 'rows/s'],
      rows: [
        ['customers', expected.customers, check.actual.customers, report.written.customers, rate(report.written.customers, report.seconds.customers)],
        ['products', expected.products, check.actual.products, report.written.products, rate(report.written.products, report.seconds.products)],
        ['PURCHASED', expected.purchases, check.actual.purchases, report.written.purchases, rate(report.written.purchases, report.seconds.purchases)],
        ['units (Σ quantity)', expected.units, check.actual.units, null, null],
      ],
    });
    if (!check.ok) {
      throw new CellFailure(`Counts differ after the load: ${check.mismatches.join('; ')}`, 'Run the cell again with "always clear it first".');
    }

    outputs.push(...(await browse(ctx.params.customer.trim(), catalog)));
    ctx.log(`browsed customer in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    // Writes other cells skipped while Neo4j was down.
    outputs.push(...(await catchUp((label, done, total) => ctx.progress({ label, done, total, unit: 'rows' }), ctx.signal)));
    return {
      outputs,
      artifacts: { loaded: { fingerprint: info.fingerprint, counts: check.actual, split: status.split } },
      summary: { ...check.actual, split: status.split, fingerprint: info.fingerprint, skipped: null },
    };
  },
});

function rate(rows: number, seconds: number): number | null {
  return rows > 0 && seconds > 0 ? Math.round(rows / seconds) : null;
}

async function browse(requested: string, catalog: ItemCatalog): Promise<CellOutput[]> {
  let id = requested;
  if (!id) {
    const top = unwrap(await graphTopCustomersAction({ n: 1 }), 'Finding a customer to browse failed');
    if (!top.length) return [{ kind: 'markdown', text: 'No purchases in the graph: nothing to browse.' }];
    id = top[0].id;
  }
  const view = unwrap(await graphCustomerAction({ id, limit: 30 }), 'Browsing the customer failed');
  if (!view) return [{ kind: 'markdown', text: `Customer \`${id}\` is not in the graph.` }];
  const [recs] = unwrap(await graphCoPurchaseAction({ customers: [id], k: 12 }), 'Co-purchase query failed');
  const position = new Map(catalog.keys.map((k, i) => [k, i]));
  const outputs: CellOutput[] = [
    {
      kind: 'metrics',
      title: `Customer ${view.id}`,
      values: [
        { name: 'age', value: view.age },
        { name: 'club member status', value: view.club_member_status },
        { name: 'fashion news', value: view.fashion_news_frequency },
        { name: 'PURCHASED relationships', value: view.totalPurchases },
      ],
    },
    { kind: 'graph', title: 'Neighbourhood', ...customerGraph(view) },
    {
      kind: 'table',
      title: 'Purchases (newest first)',
      columns: ['day', 'article', 'name', 'department', 'index', 'quantity', 'price'],
      rows: view.purchases.map((p) => [p.t_dat, p.code, p.name, p.department, p.index, p.quantity, Number(p.price.toFixed(4))]),
      totalRows: view.totalPurchases,
    },
    { kind: 'table', title: 'Departments bought from', columns: ['department', 'units'], rows: view.departments.map((d) => [d.name, d.units]) },
    { kind: 'table', title: 'Indexes bought from', columns: ['index', 'units'], rows: view.indexes.map((d) => [d.name, d.units]) },
    { kind: 'table', title: 'Customers sharing the most products', columns: ['customer', 'shared products'], rows: view.neighbours.map((n) => [n.id, n.shared]) },
    {
      kind: 'table',
      title: 'Co-purchase recommendations (bought by customers who bought the same products)',
      columns: ['rank', 'article', 'name', 'co-purchasers'],
      rows: recs.items.map((r, i) => [i + 1, r.code, catalog.name[position.get(r.code) ?? -1] ?? null, r.score]),
    },
  ];
  const images = recs.items
    .map((r) => ({ r, i: position.get(r.code) }))
    .filter((x): x is { r: typeof x.r; i: number } => x.i !== undefined && catalog.imageUrl[x.i] != null)
    .map(({ r, i }) => ({ src: catalog.imageUrl[i]!, caption: catalog.name[i] ?? r.code, detail: `${r.score} co-purchasers` }));
  if (images.length) outputs.push({ kind: 'images', title: 'Co-purchase recommendations', items: images });
  return outputs;
}
