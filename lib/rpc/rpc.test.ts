import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { RpcClient, RpcProtocolError, RpcTimeoutError } from './client';
import { serveRpc } from './server';
import type { PortLike } from './wire';
import { CancelledError } from '../util/cancel';

type Methods = {
  double: { req: { xs: Float32Array }; res: { ys: Float32Array } };
  slow: { req: { steps: number }; res: number };
  fail: { req: null; res: never };
  hang: { req: null; res: never };
};

// node:worker_threads ports deliver {data}-less messages to 'message' listeners via EventTarget semantics.
function pair() {
  const ch = new MessageChannel();
  const wrap = (p: typeof ch.port1): PortLike => ({
    postMessage: (m, t) => p.postMessage(m, t as never),
    addEventListener: (type, l) => p.addEventListener(type, l as never),
    removeEventListener: (type, l) => p.removeEventListener(type, l as never),
  });
  return { a: wrap(ch.port1), b: wrap(ch.port2), close: () => (ch.port1.close(), ch.port2.close()) };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

function setup() {
  const { a, b, close } = pair();
  const seenCancel: number[] = [];
  const stop = serveRpc<Methods>(b, {
    double: ({ xs }) => ({ ys: xs.map((x) => 2 * x) }),
    slow: async ({ steps }, ctx) => {
      for (let i = 0; i < steps; i++) {
        if (ctx.signal.aborted) {
          seenCancel.push(i);
          throw new Error('aborted');
        }
        ctx.progress({ label: 'step', done: i + 1, total: steps });
        await new Promise((r) => setTimeout(r, 5));
      }
      return steps;
    },
    fail: () => {
      const e = new Error('bad input at row 3') as Error & { hint: string };
      e.name = 'ValidationError';
      e.hint = 'fix row 3';
      throw e;
    },
    hang: () => new Promise<never>(() => {}),
  });
  const problems: RpcProtocolError[] = [];
  const client = new RpcClient<Methods>(a, (e) => problems.push(e));
  cleanup.push(() => {
    stop();
    client.dispose();
    close();
  });
  return { client, a, b, problems, seenCancel };
}

describe('worker RPC', () => {
  it('round-trips typed arrays', async () => {
    const { client } = setup();
    const r = await client.call('double', { xs: new Float32Array([1, 2, 3]) });
    expect(Array.from(r.ys)).toEqual([2, 4, 6]);
    expect(client.inFlight).toBe(0);
  });

  it('forwards progress events', async () => {
    const { client } = setup();
    const seen: number[] = [];
    const r = await client.call('slow', { steps: 3 }, { onProgress: (p) => seen.push(p.done) });
    expect(r).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('transports errors with name, message and hint', async () => {
    const { client } = setup();
    await expect(client.call('fail', null)).rejects.toMatchObject({ name: 'ValidationError', message: 'bad input at row 3', hint: 'fix row 3' });
  });

  it('cancels: rejects at once and aborts the handler', async () => {
    const { client, seenCancel } = setup();
    const ac = new AbortController();
    const p = client.call('slow', { steps: 1000 }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    await new Promise((r) => setTimeout(r, 30));
    expect(seenCancel.length).toBe(1);
    expect(client.inFlight).toBe(0);
  });

  it('times out', async () => {
    const { client } = setup();
    await expect(client.call('hang', null, { timeoutMs: 20 })).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(client.inFlight).toBe(0);
  });

  it('rejects unknown methods and unknown replies', async () => {
    const { client, b, problems } = setup();
    await expect(client.call('nope' as 'fail', null)).rejects.toThrow(/unknown method: nope/);
    b.postMessage({ kind: 'response', id: 999, ok: true, payload: 1 });
    b.postMessage('garbage');
    await new Promise((r) => setTimeout(r, 20));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/unknown request 999/), expect.stringMatching(/invalid reply/)]);
  });

  it('rejects pending calls when disposed (worker crash)', async () => {
    const { client } = setup();
    const p = client.call('hang', null);
    client.dispose(new Error('ML worker crashed'));
    await expect(p).rejects.toThrow('ML worker crashed');
  });
});
