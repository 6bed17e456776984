/**
 * Handlers for the Collaborative filtering cell: a thin adapter over lib/cf.
 * It posts progress per iteration (and per row chunk inside long
 * iterations), a log line with the loss after every iteration, honours
 * cancel, and scores the holdout before replying. The factors go back as
 * transferred typed arrays. With a cache key, the reply is kept in IndexedDB
 * (keyed by dataset fingerprint + parameters, set by the cell), so re-running
 * an unchanged cell, or after a reload, skips the fit.
 */
import * as tf from '@tensorflow/tfjs';
import { evaluateAls, fitAls, makeSolver, wasmSimdAvailable } from '../../lib/cf';
import type { Handlers } from '../../lib/rpc/server';
import type { AlsFitResult } from '../protocol/als';
import type { BackendName } from '../protocol/backend';
import type { MlMethods } from '../protocol/ml';
import { alsThreadCount, spawnWebCgThread } from './als-threads';
import { idbStore } from './idb';

/** Progress posts at most every 100 ms: a row chunk can take a millisecond. */
const PROGRESS_MS = 100;
const cache = idbStore('atelier-als', 'fits');
/** The largest fit written to the cache (bytes): under Chromium's limit for one IndexedDB value (133,169,152 bytes). */
const CACHE_VALUE_LIMIT = 120 * 2 ** 20;

export const alsHandlers: Pick<Handlers<MlMethods>, 'als.fit'> = {
  'als.fit': async (req, ctx) => {
    if (req.cacheKey) {
      const hit = await cache.request<AlsFitResult>('readonly', (s) => s.get(req.cacheKey!)).catch((err: unknown) => {
        ctx.log(`ALS cache unavailable: ${(err as Error).message}`);
        return undefined;
      });
      if (hit) {
        ctx.log(`loaded the fitted model from the browser cache (${hit.model.loss.length} iterations)`);
        return { ...hit, cached: true };
      }
    }
    const seconds: number[] = [];
    let last = 0;
    let iteration = 0;
    const total = req.params.iterations;
    const simd = req.solver === 'cg' && req.params.factors % 4 === 0 && wasmSimdAvailable();
    const requested = simd ? alsThreadCount(req.threads) : 1;
    const solver = makeSolver(req.solver, {
      // GPU backends gather factor rows on the device; wasm and cpu are faster gathering on the host.
      tfjs: { gather: ['webgpu', 'webgl'].includes(tf.getBackend()) ? 'device' : 'host' },
      cg: { threads: requested, spawn: spawnWebCgThread },
    });
    let told = false;
    const model = await fitAls(req.weights, req.params, {
      solver,
      signal: ctx.signal,
      filteredUsers: req.filteredUsers,
      filteredItems: req.filteredItems,
      onRows: (side, done, rows) => {
        if (!told && simd && solver.threadsUsed !== undefined) {
          // Said once the kernel has started: the threads it really runs on, and why fewer when fewer.
          told = true;
          const t = solver.threadsUsed;
          ctx.log(`ALS: WebAssembly SIMD kernel on ${t} thread${t === 1 ? '' : 's'}${solver.threadsNote ? ` (${solver.threadsNote})` : ''}`);
        }
        const now = performance.now();
        if (now - last < PROGRESS_MS) return;
        last = now;
        // Fractional iterations, so a long iteration still moves the bar and the ETA.
        const within = (side === 'users' ? 0 : 0.5) + (0.5 * done) / Math.max(1, rows);
        ctx.progress({ label: `ALS iteration ${iteration + 1}/${total} (${side})`, done: iteration + within, total, unit: 'iterations' });
      },
      onIteration: (info) => {
        iteration = info.iteration;
        seconds.push(info.seconds);
        ctx.progress({ label: `ALS iterations · loss ${info.loss.toPrecision(5)}`, done: info.iteration, total, unit: 'iterations' });
        ctx.log(`iteration ${info.iteration}/${total}: loss ${info.loss.toPrecision(6)} (${info.seconds.toFixed(3)} s)`);
      },
    });
    let metrics = null;
    let unscorable = 0;
    if (req.evaluate) {
      ctx.progress({ label: 'scoring the holdout', done: 0, total: req.evaluate.spec.users.length, unit: 'users' });
      const r = evaluateAls(model, req.evaluate.spec, { filterAlreadyBought: req.evaluate.filterAlreadyBought });
      metrics = r.report;
      unscorable = r.unscorable;
    }
    const result: AlsFitResult = {
      model: model.save(),
      seconds: Float64Array.from(seconds),
      solver: req.solver,
      backend: tf.getBackend() as BackendName,
      simd,
      threads: simd ? (solver.threadsUsed ?? 1) : 1,
      metrics,
      unscorable,
      cached: false,
    };
    const bytes = Object.values(result.model).reduce((n: number, v) => n + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
    if (req.cacheKey && bytes > CACHE_VALUE_LIMIT) {
      // Chromium refuses one stored value over ~127 MiB (the transaction aborts), and the attempt would clone it all first.
      ctx.log(`ALS fit not cached: ${(bytes / 2 ** 20).toFixed(0)} MiB is over the browser's limit for one stored value (${CACHE_VALUE_LIMIT / 2 ** 20} MiB here); a reload fits again`);
    } else if (req.cacheKey) {
      // Stored before replying: the reply transfers (detaches) these arrays.
      await cache.request('readwrite', (s) => s.put(result, req.cacheKey!)).catch((err: unknown) => ctx.log(`ALS cache not written: ${(err as Error).message}`));
    }
    return result;
  },
};
