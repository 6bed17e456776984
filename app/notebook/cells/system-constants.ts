/** The System cell's self-test shape; the WebGPU e2e spec recomputes it on the cpu backend in Node. */
export const SELFTEST = { n: 16, seed: 1 } as const;
