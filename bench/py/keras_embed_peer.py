"""Keras peer of bench/image-embed.mjs: Keras ResNet50V2 (include_top=False, pooling='avg') on CPU,
with the weights read from the same TF.js layers-format files our side loads (written by
test/keras/keras_peer.py: seeded random weights), so both run the same network with the same numbers.

Usage: python keras_embed_peer.py MODEL_DIR BATCH RUNS WARMUP THREADS
Prints JSON: {"seconds_per_image": [...], "peak_rss_bytes": n, "tensorflow": v, "keras": v, "threads": n}
"""
import json, os, resource, sys, time

model_dir, batch, runs, warmup, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(threads)
tf.config.threading.set_inter_op_parallelism_threads(threads)
import keras

model = keras.applications.ResNet50V2(include_top=False, pooling="avg", weights=None, input_shape=(224, 224, 3))
manifest = json.load(open(os.path.join(model_dir, "model.json")))["weightsManifest"]
data = b"".join(open(os.path.join(model_dir, p), "rb").read() for g in manifest for p in g["paths"])
values, o = {}, 0
for w in (w for g in manifest for w in g["weights"]):
    n = int(np.prod(w["shape"]))
    values[w["name"]] = np.frombuffer(data, "<f4", n, o).reshape(w["shape"])
    o += 4 * n
for layer in model.layers:
    if layer.weights:
        layer.set_weights([values[f"{layer.name}/{w.name.split('/')[-1].split(':')[0]}"] for w in layer.weights])
x = (np.random.default_rng(0).random((batch, 224, 224, 3), dtype=np.float32) * 2 - 1)
out = []
for i in range(warmup + runs):
    t0 = time.perf_counter()
    y = model(x, training=False).numpy()
    if i >= warmup:
        out.append((time.perf_counter() - t0) / batch)
print(json.dumps({
    "seconds_per_image": out,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "tensorflow": tf.__version__,
    "keras": keras.__version__,
    "threads": threads,
    "dim": int(y.shape[1]),
}))
