"""Peer of bench/image-embed.mjs: torchvision CNN forward passes on CPU.

Random weights (as ours in the timing figures), eval mode, no grad, the same
batch size, all cores. Prints JSON: {"seconds_per_image": [...], "torch": version, ...};
"cpu_seconds_per_image" is the process's CPU time per image of each run (on one
thread, the compute time whatever else loads the machine).
Usage: python embed_peer.py MODEL BATCH RUNS WARMUP [THREADS]
  MODEL: resnet50 | mobilenet_v2 | mobilenet_v2_140 (width 1.4, 1792-d: the same network as ours)
  THREADS default: all cores
"""
import json, os, resource, sys, time
import torch, torchvision

model_name, batch, runs, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else os.cpu_count()
torch.manual_seed(0)
torch.set_num_threads(threads)
if model_name == "mobilenet_v2_140":
    model = torchvision.models.mobilenet_v2(weights=None, width_mult=1.4).eval()
else:
    model = getattr(torchvision.models, model_name)(weights=None).eval()
# The embedding, not the classifier: drop the last layer as Keras's include_top=False + avg pool does.
if model_name == "resnet50":
    model.fc = torch.nn.Identity()
else:
    model.classifier = torch.nn.Identity()
x = torch.rand(batch, 3, 224, 224) * 2 - 1
out = []
cpu = []
with torch.inference_mode():
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        y = model(x)
        y.numpy()
        if i >= warmup:
            out.append((time.perf_counter() - t0) / batch)
            cpu.append((time.process_time() - c0) / batch)
print(json.dumps({"seconds_per_image": out, "cpu_seconds_per_image": cpu, "torch": torch.__version__, "torchvision": torchvision.__version__, "dim": int(y.shape[1]),
                  "threads": threads, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
