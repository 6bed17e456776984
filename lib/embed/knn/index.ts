/**
 * Exact top-k cosine neighbours: `bruteForceTopK` (plain reference),
 * `blockedTopK` (TF.js, bounded memory) and `wasmTopK` (WebAssembly SIMD
 * kernel, fused scores and top-k, on a pool of threads). All meet the
 * contract in types.ts and pass knn.test.ts.
 */
export { bruteForceTopK } from './reference';
export { blockedTopK, defaultBlockRows, DEFAULT_BLOCK_FLOATS } from './blocked';
export { relaxedSimdAvailable, wasmTopK, wasmKnnBytes, wasmBlockRows, type WasmKnnOptions, type WasmKnnResult } from './wasm';
export { checkKnnInput, rowNorms, type KnnOptions, type KnnResult, type VectorSet } from './types';
