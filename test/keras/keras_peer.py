"""Keras reference for the parity tests (test/integration/keras-parity.test.ts, e2e/keras-webgpu.spec.ts).

Builds a Keras application with `weights=None`, gives it seeded random weights
(every kernel, bias, BN gamma/beta AND the BN moving statistics, so a wrong
weight order, a swapped mean/variance or a wrong epsilon shows), writes it in
the TF.js layers format, and embeds real photos the way the seeds did:
`load_img(path, target_size=(224, 224))` + `preprocess_input` + `predict`.

Usage: python keras_peer.py OUT_DIR MODEL SEED PHOTO...
  MODEL: resnet50v2 | mobilenetv2-140

Writes to OUT_DIR:
  model/model.json + group1-shardKofN.bin  the TF.js layers format: written by
      tensorflowjs_converter (--input_format=keras) when the tensorflowjs package
      imports, else by scripts/keras_to_tfjs.py (same manifest order and names; what users run)
  pixels.bin       PIL's decoded RGB bytes of each photo at full size, concatenated
  inputs.bin       the float32 224x224x3 network input of each photo (after load_img + preprocess_input)
  embeddings.bin   Keras's float32 embeddings, one row per photo
  reference.json   versions, converter, shapes, photo sizes
"""
import json, os, subprocess, sys, time

out_dir, model_name, seed, photos = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from keras_to_tfjs import write_layers_model  # noqa: E402  (the converter users run)
import keras
from keras.utils import img_to_array, load_img
from PIL import Image, __version__ as pil_version

keras.utils.set_random_seed(seed)
if model_name == "resnet50v2":
    from keras.applications import resnet_v2 as app

    model = app.ResNet50V2(include_top=False, pooling="avg", weights=None, input_shape=(224, 224, 3))
elif model_name == "mobilenetv2-140":
    from keras.applications import mobilenet_v2 as app

    model = app.MobileNetV2(alpha=1.4, include_top=False, pooling="avg", weights=None, input_shape=(224, 224, 3))
else:
    raise SystemExit(f"invalid model: {model_name}; expected resnet50v2 or mobilenetv2-140")

# Seeded random weights, every one drawn here so none is at a default: kernels,
# biases, BN scale/offset and the BN moving statistics.
rng = np.random.default_rng(seed)
for layer in model.layers:
    cls = layer.__class__.__name__
    if cls == "BatchNormalization":
        gamma, beta, mean, var = layer.get_weights()
        n = gamma.shape
        layer.set_weights([
            rng.uniform(0.7, 1.3, n).astype("float32"),
            rng.normal(0.0, 0.1, n).astype("float32"),
            rng.normal(0.0, 0.2, n).astype("float32"),
            rng.uniform(0.5, 2.0, n).astype("float32"),
        ])
    elif cls in ("Conv2D", "DepthwiseConv2D"):
        ws = layer.get_weights()
        k = ws[0]
        # He-normal kernels (fan-in of one output): the photo's signal survives 50 layers, so
        # embeddings of different photos differ clearly (Glorot's halving left them ~0.9999 alike).
        fan_in = k.shape[0] * k.shape[1] * (k.shape[2] if cls == "Conv2D" else 1)
        ws[0] = rng.normal(0.0, np.sqrt(2.0 / fan_in), k.shape).astype("float32")
        if len(ws) == 2:
            ws[1] = rng.normal(0.0, 0.05, ws[1].shape).astype("float32")
        layer.set_weights(ws)


model_dir = os.path.join(out_dir, "model")
os.makedirs(model_dir, exist_ok=True)
converter = None
try:
    import tensorflowjs  # noqa: F401

    h5 = os.path.join(out_dir, "model.h5")
    model.save(h5)
    subprocess.run([sys.executable, "-m", "tensorflowjs.converters.converter", "--input_format=keras", h5, model_dir], check=True)
    converter = f"tensorflowjs_converter {tensorflowjs.__version__} --input_format=keras"
except Exception as e:  # the converter does not import with every TensorFlow: say so, then write the format here
    print(f"keras_peer: tensorflowjs_converter unavailable ({type(e).__name__}: {e}); writing model.json + shards directly", file=sys.stderr)
    for f in os.listdir(model_dir):
        os.remove(os.path.join(model_dir, f))
    write_layers_model(model, model_dir, converted_by="scripts/keras_to_tfjs.py (parity test, random weights)")
    converter = "scripts/keras_to_tfjs.py write_layers_model"

if not photos:  # weights only (bench/image-embed.mjs)
    print(json.dumps({"ok": True, "converter": converter}))
    raise SystemExit(0)

pixels, inputs, sizes = [], [], []
for p in photos:
    with Image.open(p) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    pixels.append(rgb.tobytes())
    sizes.append({"file": os.path.basename(p), "width": int(rgb.shape[1]), "height": int(rgb.shape[0])})
    x = img_to_array(load_img(p, target_size=(224, 224)))
    inputs.append(app.preprocess_input(x[None, ...].copy()))
batch = np.concatenate(inputs, axis=0).astype("float32")
t0 = time.perf_counter()
emb = model.predict(batch, batch_size=len(photos), verbose=0).astype("<f4")
seconds = time.perf_counter() - t0

with open(os.path.join(out_dir, "pixels.bin"), "wb") as f:
    f.write(b"".join(pixels))
with open(os.path.join(out_dir, "inputs.bin"), "wb") as f:
    f.write(batch.astype("<f4").tobytes())
with open(os.path.join(out_dir, "embeddings.bin"), "wb") as f:
    f.write(emb.tobytes())
with open(os.path.join(out_dir, "reference.json"), "w") as f:
    json.dump({
        "model": model_name,
        "seed": seed,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "pillow": pil_version,
        "numpy": np.__version__,
        "converter": converter,
        "weights": len(model.weights),
        "params": int(sum(int(np.prod(w.shape)) for w in model.weights)),
        "dim": int(emb.shape[1]),
        "photos": sizes,
        "predictSeconds": seconds,
        "embeddingAbsMax": float(np.abs(emb).max()),
        "embeddingStd": float(emb.std()),
    }, f, indent=1)
print(json.dumps({"ok": True, "converter": converter, "dim": int(emb.shape[1])}))
