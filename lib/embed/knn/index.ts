/**
 * Exact top-k cosine neighbours: `bruteForceTopK` (plain reference) and
 * `blockedTopK` (TF.js, bounded memory). Both meet the contract in types.ts
 * and pass knn.test.ts.
 */
export { bruteForceTopK } from './reference';
export { blockedTopK, defaultBlockRows, DEFAULT_BLOCK_FLOATS } from './blocked';
export { checkKnnInput, rowNorms, type KnnOptions, type KnnResult, type VectorSet } from './types';
