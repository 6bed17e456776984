/** The compiled CG kernel (cg.wat): compiled once per runtime, null where WebAssembly SIMD is missing. */
import { CG_KERNEL_WASM } from './kernel-bytes';

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when this runtime lacks WebAssembly SIMD. */
export function kernelModule(): WebAssembly.Module | null {
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
