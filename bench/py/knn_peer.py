"""Peer of bench/knn.mjs: exact top-k cosine neighbours with NumPy, blocked.

Same seeded data as ours is not needed (timing only): random uniform [-1, 1)
vectors, float32, L2-normalised, then for each block of rows a matmul against
all rows and argpartition + sort for the top k+1, self removed. Peak memory is
this process's max RSS. Prints JSON {"seconds": s, "peak_memory_bytes": b}.
Usage: python knn_peer.py N D K BLOCK_ROWS
"""
import json, resource, sys, time
import numpy as np

n, d, k, block = (int(a) for a in sys.argv[1:5])
rng = np.random.default_rng(0)
x = rng.random((n, d), dtype=np.float32) * 2 - 1
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
print(json.dumps({"seconds": seconds, "peak_memory_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "numpy": np.__version__}))
