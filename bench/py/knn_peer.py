"""Peer of bench/knn.mjs: exact top-k cosine neighbours with NumPy, blocked.

Reads the same matrix as ours (a raw float32 n x d file written by
bench/node/knn-matrix.ts), L2-normalises it, then for each block of rows a
matmul against all rows and argpartition + sort for the top k, self left out.
Threads: OPENBLAS_NUM_THREADS (set by the caller). Peak memory is this
process's max RSS. Writes the neighbour indices (int32, n x k) to OUT when
given. Prints JSON {"seconds": s, "peak_memory_bytes": b, "numpy": v}.
Usage: python knn_peer.py FILE N D K BLOCK_ROWS [OUT]
"""
import json, resource, sys, time
import numpy as np

path = sys.argv[1]
n, d, k, block = (int(a) for a in sys.argv[2:6])
out = sys.argv[6] if len(sys.argv) > 6 else None
x = np.fromfile(path, dtype=np.float32)
if x.size != n * d:
    sys.exit(f"invalid matrix {path}: {x.size} floats; expected {n} x {d}")
x = x.reshape(n, d)
t0 = time.perf_counter()
x /= np.linalg.norm(x, axis=1, keepdims=True)
idx = np.empty((n, k), dtype=np.int32)
val = np.empty((n, k), dtype=np.float32)
for b0 in range(0, n, block):
    s = x[b0:b0 + block] @ x.T
    rows = np.arange(s.shape[0])
    s[rows, b0 + rows] = -np.inf  # leave self out
    part = np.argpartition(-s, k, axis=1)[:, :k]
    ps = np.take_along_axis(s, part, axis=1)
    order = np.argsort(-ps, axis=1)
    idx[b0:b0 + block] = np.take_along_axis(part, order, axis=1)
    val[b0:b0 + block] = np.take_along_axis(ps, order, axis=1)
seconds = time.perf_counter() - t0
if out:
    idx.tofile(out)
print(json.dumps({"seconds": seconds, "peak_memory_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "numpy": np.__version__}))
