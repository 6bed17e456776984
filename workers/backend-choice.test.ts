import { describe, expect, it } from 'vitest';
import { chooseBackend, estimatedSeconds, isSoftwareRenderer, probeWorthy, type BackendCandidate } from './backend-choice';
import type { BackendName } from './protocol/backend';

const cand = (backend: BackendName, over: Partial<BackendCandidate> = {}): BackendCandidate => ({
  backend,
  usable: true,
  software: false,
  note: null,
  probe: null,
  ...over,
});

describe('chooseBackend', () => {
  it('never lets a fallback adapter win over WASM, even with faster probe numbers', () => {
    const cands = [
      cand('webgpu', { software: true, note: 'fallback adapter: google / swiftshader', probe: { embedMsPerImage: 1, trainStepMs: 1 } }),
      cand('webgl', { software: true, note: 'software renderer: ANGLE (SwiftShader)', probe: { embedMsPerImage: 2, trainStepMs: 2 } }),
      cand('wasm', { probe: { embedMsPerImage: 60, trainStepMs: 40 } }),
      cand('cpu'),
    ];
    const d = chooseBackend(cands, null);
    expect(d.backend).toBe('wasm');
    expect(d.why).toMatch(/never preferred over WASM/);
    // And it is not even worth probing.
    expect(probeWorthy(cands)).toEqual(['wasm']);
  });

  it('lets the probe decide between real backends', () => {
    const cands = [
      cand('webgpu', { probe: { embedMsPerImage: 30, trainStepMs: 50 } }),
      cand('webgl', { probe: { embedMsPerImage: 10, trainStepMs: 20 } }),
      cand('wasm', { probe: { embedMsPerImage: 60, trainStepMs: 40 } }),
      cand('cpu'),
    ];
    const d = chooseBackend(cands, null);
    expect(d).toMatchObject({ backend: 'webgl', how: 'measured' });
    expect(d.why).toContain('faster than webgpu');
    // The same candidates with WASM fastest: WASM wins over the GPUs.
    const slowGpus = cands.map((c) => (c.backend === 'wasm' ? { ...c, probe: { embedMsPerImage: 5, trainStepMs: 5 } } : c));
    expect(chooseBackend(slowGpus, null).backend).toBe('wasm');
    expect(probeWorthy(cands)).toEqual(['webgpu', 'webgl', 'wasm']);
  });

  it('drops a backend whose probe failed and falls back to the order without numbers', () => {
    const cands = [cand('webgpu', { probe: { error: 'slower than 30 s: out' } }), cand('webgl', { usable: false, note: 'no WebGL' }), cand('wasm'), cand('cpu')];
    expect(chooseBackend(cands, null)).toMatchObject({ backend: 'wasm', how: 'rules' });
  });

  it('keeps the override when it works, and says so when it does not', () => {
    const cands = [cand('webgpu', { software: true }), cand('webgl', { usable: false }), cand('wasm'), cand('cpu')];
    expect(chooseBackend(cands, 'webgpu')).toMatchObject({ backend: 'webgpu', how: 'override' });
    expect(chooseBackend(cands, 'cpu')).toMatchObject({ backend: 'cpu', how: 'override' });
    const d = chooseBackend(cands, 'webgl');
    expect(d.backend).toBe('wasm');
    expect(d.why).toMatch(/webgl was asked for but does not work here/);
  });

  it('uses a software GPU only when WASM does not work, and cpu only as the last resort', () => {
    expect(chooseBackend([cand('webgpu', { software: true }), cand('wasm', { usable: false }), cand('cpu')], null).backend).toBe('webgpu');
    expect(chooseBackend([cand('webgpu', { usable: false }), cand('wasm', { usable: false }), cand('cpu')], null).backend).toBe('cpu');
    expect(() => chooseBackend([cand('wasm', { usable: false, note: 'no wasm' })], null)).toThrow(/no TF.js backend works: wasm: no wasm/);
  });

  it('weighs the demo work in the estimate and names software renderers', () => {
    expect(estimatedSeconds({ embedMsPerImage: 10, trainStepMs: 5 })).toBeCloseTo(10, 6);
    expect(isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)')).toBe(false);
    expect(isSoftwareRenderer(null)).toBe(false);
  });
});
