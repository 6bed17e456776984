/**
 * The recs.hybrid handler as the worker runs it (minus the thread): the
 * lists from typed arrays equal the page's in-memory hybrid on the same data,
 * co-purchase ties included (they break by article key).
 */
import { describe, expect, it } from 'vitest';
import { historyBefore, hybridRecommend, memoryPorts, packRecsData, REC_SOURCES } from '../../lib/recs';
import { fixtureCatalog, fixtureLog, fixtureModel, fixtureNeighbours } from '../../lib/recs/fixture';
import type { HandlerContext } from '../../lib/rpc/server';
import { recsHandlers } from './recs';

describe('recs.hybrid handler', () => {
  it('returns the in-memory hybrid lists, sources and stats as typed arrays', async () => {
    const log = fixtureLog();
    const catalog = fixtureCatalog();
    const nb = fixtureNeighbours();
    const model = fixtureModel();
    const popular = [7, 6, 5, 4, 3, 2, 1, 0];
    const history = historyBefore(log);
    const users = Array.from({ length: log.nUsers }, (_, u) => u);
    const page = await hybridRecommend({
      users, history, neighbours: nb, popular, ports: memoryPorts(history, catalog, log.itemKeys), k: 4, excludeBought: true, maxCandidates: 300,
      ranker: (u, c) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null),
    });
    const progress: number[] = [];
    const ctx: HandlerContext = { signal: new AbortController().signal, progress: (p) => progress.push(p.done), log: () => {} };
    const res = await recsHandlers['recs.hybrid']({ data: packRecsData(log, catalog, null, nb), als: model.save(), popular: Int32Array.from(popular), excludeBought: true, maxCandidates: 300, k: 4 }, ctx);
    expect(res.items).toBeInstanceOf(Int32Array);
    page.lists.forEach((l, u) => {
      const items = Array.from(res.items.subarray(u * 4, u * 4 + 4)).filter((i) => i >= 0);
      expect(items).toEqual(l.items);
      expect(Array.from(res.sources.subarray(u * 4, u * 4 + items.length), (s) => REC_SOURCES[s])).toEqual(l.sources);
    });
    expect(res.stats).toEqual(page.stats);
    expect(progress.at(-1)).toBe(log.nUsers);
  });
});
