/**
 * The fastest CPU path: the CG solver of `cg.ts` as a WebAssembly SIMD kernel
 * (`cg.wat`, f32x4). WebAssembly is part of the JS runtime in Node, pages and
 * workers alike, so this stays plain lib/ code.
 *
 * Memory layout per fit (byte offsets, 16-aligned):
 *   [ YᵀY + λI (k²) | scratch (3k) | CSR of users×items | CSR of items×users | fixed factors | target factors ]
 * The two CSRs are copied in once per fit and reused every iteration; factors
 * are copied in and out per half-step (O(rows·k), small next to the solve).
 */
import { yieldToEventLoop, cgSolveRows } from '../cg';
import { throwIfAborted } from '../../util/cancel';
import type { Csr } from '../../data/csr';
import { gram } from '../linalg';
import type { AlsSolver, SolveArgs } from '../types';
import { CG_KERNEL_WASM } from './kernel-bytes';

type SolveFn = (
  r0: number,
  r1: number,
  k: number,
  steps: number,
  yty: number,
  y: number,
  x: number,
  indptr: number,
  indices: number,
  conf: number,
  scratch: number,
) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when this runtime lacks WebAssembly SIMD. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(CG_KERNEL_WASM);
    } catch {
      // Compilation fails only on runtimes without SIMD or bulk memory; the JS path is used then.
      compiled = null;
    }
  }
  return compiled;
}

/** True when the SIMD kernel can run here. */
export function wasmSimdAvailable(): boolean {
  return typeof WebAssembly === 'object' && kernelModule() !== null;
}

const align = (n: number) => (n + 15) & ~15;
const PAGE = 65536;

interface CsrRegion {
  indptr: number;
  indices: number;
  conf: number;
}

/**
 * CG with the SIMD kernel. Needs k divisible by 4; other k (and runtimes
 * without SIMD) fall back to the TypeScript rows solver with the same result
 * up to float rounding. Rows go in chunks of about `chunkEntries` entries,
 * yielding in between so cancel messages get through.
 */
export function wasmCgSolver(chunkEntries = 400_000): AlsSolver {
  let instance: WebAssembly.Instance | null = null;
  let regions = new Map<Csr, CsrRegion>();
  let bump = 0;
  let headerK = -1;
  const memory = () => instance!.exports.mem as WebAssembly.Memory;
  const ensure = (bytes: number) => {
    const have = memory().buffer.byteLength;
    if (bytes > have) memory().grow(Math.ceil((bytes - have) / PAGE));
  };

  return {
    name: 'cg',
    async solve(args: SolveArgs): Promise<void> {
      const { confidence: m, target, fixed, factors: k, regularization, cgSteps, signal } = args;
      const module = kernelModule();
      if (!module || k % 4 !== 0) {
        const yty = gram(fixed, m.nCols, k, regularization);
        cgSolveRows(args, yty, 0, m.nRows);
        args.onRows?.(m.nRows, m.nRows);
        return;
      }
      if (!instance || headerK !== k) {
        instance = new WebAssembly.Instance(module, {});
        regions = new Map();
        headerK = k;
        bump = align(k * k * 4) + align(3 * k * 4);
      }
      let region = regions.get(m);
      if (!region) {
        if (regions.size >= 2) {
          // A new fit: forget the previous fit's matrices.
          regions = new Map();
          bump = align(k * k * 4) + align(3 * k * 4);
        }
        const nnz = m.indices.length;
        region = { indptr: bump, indices: bump + align((m.nRows + 1) * 4), conf: 0 };
        region.conf = region.indices + align(nnz * 4);
        bump = region.conf + align(nnz * 4);
        ensure(bump);
        new Int32Array(memory().buffer, region.indptr, m.nRows + 1).set(m.indptr);
        new Int32Array(memory().buffer, region.indices, nnz).set(m.indices);
        new Float32Array(memory().buffer, region.conf, nnz).set(m.data);
        regions.set(m, region);
      }
      const yOff = bump;
      const xOff = yOff + align(fixed.length * 4);
      ensure(xOff + target.length * 4);
      const buf = memory().buffer;
      new Float32Array(buf, 0, k * k).set(gram(fixed, m.nCols, k, regularization));
      new Float32Array(buf, yOff, fixed.length).set(fixed);
      const xView = new Float32Array(buf, xOff, target.length);
      xView.set(target);
      const solve = instance.exports.solve as SolveFn;
      const scratch = align(k * k * 4);
      let row = 0;
      while (row < m.nRows) {
        throwIfAborted(signal, 'ALS fit cancelled');
        let end = row + 1;
        const limit = m.indptr[row] + chunkEntries;
        while (end < m.nRows && m.indptr[end + 1] <= limit) end++;
        solve(row, end, k, cgSteps, 0, yOff, xOff, region.indptr, region.indices, region.conf, scratch);
        row = end;
        args.onRows?.(row, m.nRows);
        if (row < m.nRows) await yieldToEventLoop();
      }
      target.set(xView);
    },
    dispose() {
      instance = null;
      regions = new Map();
      headerK = -1;
    },
  };
}
