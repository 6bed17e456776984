/**
 * The rule workers/backend.ts applies to pick the ML worker's TF.js backend,
 * as a pure function (no TF.js, no browser) so it is unit-tested in Node.
 *
 * 1. The user's override (URL `?backend=` or the toolbar) wins when it works.
 * 2. A software GPU (a fallback adapter, or an adapter or WebGL renderer named
 *    SwiftShader, llvmpipe, softpipe, Microsoft Basic Render) never beats WASM:
 *    it is not even measured while WASM works.
 * 3. Among the backends left, the short probe of the real work decides: the
 *    lowest estimated time of the default demo's embedding and training.
 * 4. Without probe numbers (a single candidate), the fixed order
 *    webgpu → webgl → wasm → cpu; cpu only when nothing else works.
 */
import { BACKEND_ORDER, type BackendCandidate, type BackendDecision, type BackendName, type ProbeTiming } from './protocol/backend';

export type { BackendCandidate, BackendDecision, ProbeTiming };

/** Work the estimate weighs (the default demo: distinct photos to embed, two-tower steps). */
export const PROBE_WORK = { images: 900, trainSteps: 200 } as const;

/** Names of software renderers (GPU emulated on the CPU). */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|basic render|software/i;

/** True when an adapter description or WebGL renderer string names a software renderer. */
export function isSoftwareRenderer(text: string | null | undefined): boolean {
  return Boolean(text && SOFTWARE.test(text));
}

/** Estimated seconds of the default demo's embedding + training on a backend (PROBE_WORK). */
export function estimatedSeconds(p: ProbeTiming): number {
  return (p.embedMsPerImage * PROBE_WORK.images + p.trainStepMs * PROBE_WORK.trainSteps) / 1000;
}

function timing(c: BackendCandidate): ProbeTiming | null {
  return c.probe && !('error' in c.probe) ? c.probe : null;
}

/** Which candidates are worth a probe: usable, not software (unless WASM is unusable), not cpu. */
export function probeWorthy(cands: readonly BackendCandidate[]): BackendName[] {
  const wasmOk = cands.some((c) => c.backend === 'wasm' && c.usable);
  return cands.filter((c) => c.usable && c.backend !== 'cpu' && !(c.software && wasmOk)).map((c) => c.backend);
}

/** Applies the rule; throws when no candidate is usable. */
export function chooseBackend(cands: readonly BackendCandidate[], override: BackendName | null): BackendDecision {
  const byName = new Map(cands.map((c) => [c.backend, c]));
  if (override) {
    const c = byName.get(override);
    if (c?.usable) return { backend: override, how: 'override', why: `${override} was asked for (URL ?backend= or the toolbar setting).` };
  }
  const usable = cands.filter((c) => c.usable);
  if (!usable.length) throw new Error(`no TF.js backend works: ${cands.map((c) => `${c.backend}: ${c.note ?? 'unusable'}`).join('; ')}`);
  const wasmOk = usable.some((c) => c.backend === 'wasm');
  const eligible = usable.filter((c) => !(c.software && wasmOk) && !(c.backend === 'cpu' && usable.length > 1));
  const pool = eligible.length ? eligible : usable;
  const skipped = usable.filter((c) => c.software && wasmOk).map((c) => `${c.backend} runs on a software GPU (${c.note ?? 'emulated'}) and is never preferred over WASM`);
  const prefix = override ? `${override} was asked for but does not work here; ` : '';
  const measured = pool.map((c) => ({ c, t: timing(c) })).filter((x): x is { c: BackendCandidate; t: ProbeTiming } => x.t !== null);
  if (measured.length >= 2) {
    measured.sort((a, b) => estimatedSeconds(a.t) - estimatedSeconds(b.t));
    const [best, next] = measured;
    const ratio = estimatedSeconds(next.t) / Math.max(1e-9, estimatedSeconds(best.t));
    return {
      backend: best.c.backend,
      how: 'measured',
      why:
        `${prefix}${best.c.backend} measured fastest on the real work: ~${estimatedSeconds(best.t).toFixed(0)} s estimated for the demo's ` +
        `${PROBE_WORK.images} photos and ${PROBE_WORK.trainSteps} training steps, ${ratio.toFixed(1)}× faster than ${next.c.backend} ` +
        `(~${estimatedSeconds(next.t).toFixed(0)} s).` + (skipped.length ? ` ${skipped.join('; ')}.` : ''),
    };
  }
  // A failed probe disqualifies a backend when another one qualifies.
  const probedOk = pool.filter((c) => !(c.probe && 'error' in c.probe));
  const ordered = (probedOk.length ? probedOk : pool).slice().sort((a, b) => BACKEND_ORDER.indexOf(a.backend) - BACKEND_ORDER.indexOf(b.backend));
  const pick = ordered[0];
  const only = ordered.length === 1;
  return {
    backend: pick.backend,
    how: 'rules',
    why:
      prefix +
      (only ? `${pick.backend} is the only backend that qualifies, so there was nothing to measure against.` : `${pick.backend} comes first in the order webgpu → webgl → wasm → cpu.`) +
      (skipped.length ? ` ${skipped.join('; ')}.` : ''),
  };
}
