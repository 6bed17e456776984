/**
 * Cell 0, System: what this browser and server can do. The TF.js backend the
 * ML worker got (and why better ones failed), the WebGPU adapter, cross-origin
 * isolation and threads, a numeric self-test, and the Neo4j connection.
 */
import { neo4jStatus } from '@/app/actions/system';
import { cellId, type CellOutput } from '@/lib/notebook/types';
import { defineAppCell } from '../define';
import { SELFTEST } from './system-constants';
import { backendChoiceOutputs } from '../backend-record';

export const SYSTEM_CELL = cellId('system');


export const systemCell = defineAppCell({
  id: SYSTEM_CELL,
  title: 'System',
  explanation:
    'Checks the machine before the pipeline runs: the TF.js backend in the ML worker, chosen by measurement (a software GPU such as SwiftShader is never ' +
    'preferred over WASM; when two or more backends qualify, one batch of the default backbone and one two-tower training step run on each, and the fastest ' +
    'wins; the numbers are cached per browser), or the `?backend=` / toolbar override, ' +
    'cross-origin isolation (needed for WASM threads), a small numeric self-test, and the Neo4j server.',
  params: {},
  dependsOn: [],
  async run(ctx) {
    const services = ctx.services;
    const outputs: CellOutput[] = [];
    ctx.progress({ label: 'Starting the ML worker', done: 0, total: 3, unit: 'checks' });
    const report = await services.backend();
    ctx.progress({ label: 'Self-test', done: 1, total: 3, unit: 'checks' });
    const ml = await services.ml();
    const test = await ml.call('backend.selftest', SELFTEST, { signal: ctx.signal });
    ctx.progress({ label: 'Neo4j', done: 2, total: 3, unit: 'checks' });
    const neo = await neo4jStatus();
    ctx.progress({ label: 'Done', done: 3, total: 3, unit: 'checks' });

    outputs.push({
      kind: 'metrics',
      title: 'Compute',
      values: [
        { name: 'TF.js backend', value: report.backend },
        { name: 'requested', value: report.requested ?? 'automatic' },
        { name: 'chosen by', value: report.choice.decision.how === 'measured' ? (report.choice.cached ? 'measurement (cached)' : 'measurement') : report.choice.decision.how },
        { name: 'TF.js', value: report.tfjsVersion },
        { name: 'cross-origin isolated', value: report.crossOriginIsolated ? 'yes' : 'no' },
        { name: 'threads (cores)', value: report.hardwareConcurrency },
        { name: 'WASM SIMD', value: report.wasm ? (report.wasm.simd ? 'yes' : 'no') : 'n/a' },
        { name: 'WASM threaded build', value: report.wasm ? (report.wasm.multithread ? 'yes' : 'no') : 'n/a' },
        { name: 'WASM threads', value: report.wasm ? report.wasm.threads : 'n/a' },
        { name: 'WASM threads asked', value: report.wasm ? report.wasm.threadsAsked : 'n/a' },
        { name: 'backend init', value: Math.round(report.initMs), unit: 'ms' },
      ],
    });
    const adapter = report.adapter;
    outputs.push({
      kind: 'markdown',
      text: adapter
        ? `WebGPU adapter: **${adapter.vendor || '?'} / ${adapter.architecture || '?'}**${adapter.isFallbackAdapter ? ' (software fallback adapter: correct but slow)' : ''}.`
        : 'WebGPU adapter: none in this browser.',
    });
    outputs.push(...backendChoiceOutputs(report));
    const sum = test.values.reduce((a, b) => a + b, 0);
    outputs.push({
      kind: 'table',
      title: `Self-test on ${test.backend}: row Σp² of softmax(A·B), n=${SELFTEST.n}, seed=${SELFTEST.seed} (Σ=${sum.toFixed(6)}, ${test.ms.toFixed(1)} ms)`,
      columns: ['row', 'value'],
      // Strings keep 7 significant digits (numbers are shown rounded).
      rows: Array.from(test.values, (v, i) => [i, v.toPrecision(7)]),
    });
    if (neo.ok) {
      outputs.push({
        kind: 'metrics',
        title: 'Neo4j',
        values: [
          { name: 'server', value: `Neo4j ${neo.version} ${neo.edition}` },
          { name: 'database', value: neo.database },
          { name: 'address', value: neo.address },
          { name: 'latency', value: Number(neo.latencyMs.toFixed(1)), unit: 'ms' },
        ],
      });
    } else {
      outputs.push({ kind: 'markdown', text: `**Neo4j is not available:** ${neo.error}\n\n${neo.hint ?? ''}` });
    }
    return {
      outputs,
      artifacts: { backend: report },
      summary: {
        backend: report.backend,
        backendChosenBy: report.choice.decision.how,
        crossOriginIsolated: report.crossOriginIsolated,
        neo4j: neo.ok ? `${neo.version} ${neo.edition}` : null,
      },
    };
  },
});
