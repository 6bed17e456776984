"""Writes Keras's ImageNet ResNet50V2 (include_top=False) as TF.js layers-format files for the
Image embeddings cell: model.json + group1-shardKofN.bin, the manifest in the order and with the
names that `tensorflowjs_converter --input_format=keras` uses (layers sorted by name, each layer's
weights in its own order, `layer/weight`, float32, 4 MiB shards).

Needs only TensorFlow (no tensorflowjs package, whose converter does not import with
tensorflow-cpu 2.21) and internet once, for Keras's weight download:

  python3 -m venv .venv-keras && .venv-keras/bin/pip install tensorflow-cpu
  .venv-keras/bin/python scripts/keras_to_tfjs.py public/vendor/models/resnet50v2

Then give the cell /vendor/models/resnet50v2/model.json (or pick model.json and the 23 shards).
The same writer produces the Keras parity test's files (test/keras/keras_peer.py).
"""
import json, os, sys


def write_layers_model(model, directory, shard_bytes=4 * 1024 * 1024, converted_by="scripts/keras_to_tfjs.py"):
    """Writes `model` (a Keras model) to `directory` as model.json + shards; returns the manifest entries."""
    import keras
    import numpy as np

    os.makedirs(directory, exist_ok=True)
    entries, chunks = [], []
    for layer in sorted(model.layers, key=lambda l: l.name):
        for w in layer.weights:
            # Keras 3 names a variable `kernel` (path `conv1_conv/kernel`); Keras 2 `conv1_conv/kernel:0`.
            name = f"{layer.name}/{w.name.split('/')[-1].split(':')[0]}"
            value = np.asarray(w.numpy(), dtype="<f4")
            entries.append({"name": name, "shape": list(value.shape), "dtype": "float32"})
            chunks.append(value.tobytes())
    data = b"".join(chunks)
    n = max(1, -(-len(data) // shard_bytes))
    paths = [f"group1-shard{i + 1}of{n}.bin" for i in range(n)]
    for i, p in enumerate(paths):
        with open(os.path.join(directory, p), "wb") as f:
            f.write(data[i * shard_bytes:(i + 1) * shard_bytes])
    topology = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "model_config": json.loads(model.to_json())}
    with open(os.path.join(directory, "model.json"), "w") as f:
        json.dump({
            "format": "layers-model",
            "generatedBy": f"keras v{keras.__version__}",
            "convertedBy": converted_by,
            "modelTopology": topology,
            "weightsManifest": [{"paths": paths, "weights": entries}],
        }, f)
    return entries


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python scripts/keras_to_tfjs.py OUT_DIR")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    m = keras.applications.ResNet50V2(include_top=False, weights="imagenet", input_shape=(224, 224, 3), pooling="avg")
    entries = write_layers_model(m, sys.argv[1])
    print(f"wrote {len(entries)} weights to {sys.argv[1]}/model.json")
