/**
 * Writes the seeded matrix of bench/knn.mjs (n × d float32, uniform in
 * [-1, 1), seed 42, lib/util/random) to a raw little-endian file, so ours
 * (the page fetches it) and the NumPy peer (np.fromfile) get the same bytes.
 * Usage: node --import tsx bench/node/knn-matrix.ts N D FILE
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32 } from '../../lib/util/random';

const [n, d] = process.argv.slice(2, 4).map(Number);
const file = process.argv[4];
if (!(Number.isInteger(n) && n > 0 && Number.isInteger(d) && d > 0 && file)) throw new Error(`invalid arguments: ${process.argv.slice(2).join(' ')}; expected N D FILE`);
const rand = mulberry32(42);
const fd = openSync(file, 'w');
// In chunks of rows (the full 105,542 × 2048 is 865 MB): the same draws, in order, as uniformArray(n * d, 42, -1, 1).
const rowsPerChunk = Math.max(1, Math.floor((16 << 20) / (4 * d)));
for (let r0 = 0; r0 < n; r0 += rowsPerChunk) {
  const chunk = new Float32Array(Math.min(rowsPerChunk, n - r0) * d);
  for (let i = 0; i < chunk.length; i++) chunk[i] = -1 + 2 * rand();
  writeSync(fd, new Uint8Array(chunk.buffer));
}
closeSync(fd);
