import { describe, expect, it } from 'vitest';
import { wasmSimdAvailable } from './kernel';
import { CG_KERNEL_WASM } from './kernel-bytes';
import { compileKernel } from './build.mjs';

describe('SIMD CG kernel', () => {
  it('is compiled from the committed cg.wat (run `node lib/cf/wasm/build.mjs` after editing it)', async () => {
    const fresh: Uint8Array = await compileKernel();
    expect(Array.from(fresh)).toEqual(Array.from(CG_KERNEL_WASM));
  });

  it('runs on this Node (WebAssembly SIMD present)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });
});
