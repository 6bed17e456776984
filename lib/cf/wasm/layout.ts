/**
 * The CG kernel's memory layout constants, apart from the kernel so that memory estimates
 * (lib/notebook/memory.ts) read them without loading the kernel's bytes.
 *
 * Memory layout per fit (byte offsets, 16-aligned), T threads:
 *   [ YᵀY + λI (k² f32) | 8 Gram slots (k² f32, k² f64) | per thread: scratch (3k f32, row copy)
 *   | counters | CSR of users×items | CSR of items×users | user factors | item factors | chunk table ]
 */

/** Rounds a byte count up to 16 (the kernel's alignment). */
export const align = (n: number) => (n + 15) & ~15;
/** A WebAssembly page. */
export const PAGE = 65536;

/**
 * YᵀY is summed in GRAM_SLOTS slots of GRAM_BLOCK-row blocks (slot s takes
 * blocks s, s + GRAM_SLOTS, …, each in its own float64 accumulator); threads
 * take whole slots from a counter and the slots are added in slot order, so
 * the Gram matrix (and so every factor) is the same bit for bit on any
 * number of threads, and a thread that starts late leaves its slots to the others.
 */
export const GRAM_SLOTS = 8;
/** Rows per Gram block: the kernel widens its f32 sums to f64 every 256 rows. */
export const GRAM_BLOCK = 256;
/** The half-step's counters (i32, in this order): next Gram slot, Gram slots done, YᵀY ready, next chunk, rows done. */
export const CTL = { gramNext: 0, gramDone: 1, ready: 2, chunkNext: 3, rowsDone: 4, ints: 8 } as const;

/**
 * Bytes per thread for the kernel's row copy: the residual pass copies the fixed factor rows a row's
 * entries gather (up to copyEntries of them) into the thread's scratch, and the CG steps read them
 * from there in order instead of gathering them again (random gathers over a large factor matrix
 * miss the TLB: WebAssembly memory gets no huge pages).
 */
export const COPY_BYTES = 4 << 20;

/** Entries of one row the kernel copies (even, at least 2). */
export const copyEntries = (k: number) => Math.max(2, Math.floor(COPY_BYTES / (k * 4)) & ~1);

/** Bytes of one thread's scratch: r, p, Ap (k f32 each), 16 bytes for the kernel's prefetching loads, the row copy. */
export const scratchBytes = (k: number) => align(3 * k * 4) + 16 + copyEntries(k) * k * 4;

/** Bytes of the kernel's memory header for k factors and T threads: YᵀY, the Gram slots, per-thread scratch, the counters. */
export function kernelHeaderBytes(k: number, T: number): number {
  return align(k * k * 4) + GRAM_SLOTS * (align(k * k * 4) + align(k * k * 8)) + T * scratchBytes(k) + align(CTL.ints * 4);
}
