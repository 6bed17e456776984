/**
 * Handlers for the Hybrid and Evaluate cells: thin adapters over lib/recs.
 * They unpack the typed-array inputs, run the in-memory hybrid or the
 * rolling backtest with progress and cancel, and reply with typed arrays
 * (transferred by lib/rpc). The hybrid's Neo4j path stays on the page: its
 * filter and co-purchase are server actions, which a worker cannot call.
 */
import { AlsModel } from '../../lib/cf';
import type { Handlers } from '../../lib/rpc/server';
import { historyBefore, hybridRecommend, memoryPorts, REC_SOURCES, RecsInputError, runEvaluation, unpackRecsData } from '../../lib/recs';
import type { MlMethods } from '../protocol/ml';

/** Progress posts at most every 100 ms. */
const PROGRESS_MS = 100;

export const recsHandlers: Pick<Handlers<MlMethods>, 'recs.hybrid' | 'recs.backtest'> = {
  'recs.hybrid': async (req, ctx) => {
    const d = unpackRecsData(req.data);
    if (!d.image) throw new RecsInputError('invalid data.image: none; the hybrid needs image neighbours');
    if (!d.catalog) throw new RecsInputError('invalid data.department: none; the hybrid filters by department and index');
    const model = req.als ? AlsModel.load(req.als) : null;
    const history = historyBefore(d.log);
    const users = Array.from({ length: d.log.nUsers }, (_, u) => u);
    let last = 0;
    const { lists, stats } = await hybridRecommend({
      users, history, neighbours: d.image, popular: Array.from(req.popular), ports: memoryPorts(history, d.catalog, d.log.itemKeys),
      ranker: model ? (u, c) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null) : null,
      k: req.k, excludeBought: req.excludeBought, maxCandidates: req.maxCandidates, signal: ctx.signal,
      onProgress: (done, total) => {
        const now = performance.now();
        if (now - last < PROGRESS_MS && done < total) return;
        last = now;
        ctx.progress({ label: 'Recommending', done, total, unit: 'customers' });
      },
    });
    const items = new Int32Array(users.length * req.k).fill(-1);
    const sources = new Int8Array(users.length * req.k).fill(-1);
    lists.forEach((l, u) => l.items.forEach((i, j) => ((items[u * req.k + j] = i), (sources[u * req.k + j] = REC_SOURCES.indexOf(l.sources[j])))));
    return { items, sources, stats };
  },
  'recs.backtest': async (req, ctx) => {
    let last = 0;
    return runEvaluation(unpackRecsData(req.data), req.settings, {
      signal: ctx.signal,
      onLog: (line) => ctx.log(line),
      onProgress: (label, done, total, unit) => {
        const now = performance.now();
        if (now - last < PROGRESS_MS && done < total) return;
        last = now;
        ctx.progress({ label, done, total, unit });
      },
    });
  },
};
