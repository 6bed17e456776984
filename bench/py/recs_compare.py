"""LightGBM's side of bench/node/recs-compare.ts, on the matrices bench/node/recs-dump.ts exported.

  python recs_compare.py DIR PARAMS_JSON SEEDS

Per seed: trains on DIR/X.f32, y.f32 (groups.i32 for lambdarank) with the peer's parameters (bench/py/recs_peer.py),
records the training loss after every round, predicts DIR/P.f32 (mean raw scores to DIR/lgbm_pred.f64) and scores MAP@12 over the buyers (DIR/Pgroups.i32,
Py.f32, Pbought.i32: Kaggle's apk, the denominator min(purchases, 12)). Prints one JSON line.
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from recs_peer import lgbm_params  # noqa: E402


def map12(pred, y, groups, bought):
    total = 0.0
    at = 0
    for g, size in enumerate(groups):
        s = pred[at:at + size]
        lab = y[at:at + size]
        order = np.lexsort((np.arange(size), -s))[:12]
        hits = 0
        ap = 0.0
        for k, r in enumerate(order):
            if lab[r] > 0:
                hits += 1
                ap += hits / (k + 1)
        total += ap / min(bought[g], 12)
        at += size
    return total / len(groups)


def main():
    import lightgbm as lgb

    d, params, seeds = sys.argv[1], json.loads(sys.argv[2]), [int(s) for s in sys.argv[3].split(",")]
    meta = json.load(open(os.path.join(d, "meta.json")))
    nf = meta["nFeatures"]
    X = np.fromfile(os.path.join(d, "X.f32"), dtype=np.float32).reshape(-1, nf)
    y = np.fromfile(os.path.join(d, "y.f32"), dtype=np.float32)
    groups = np.fromfile(os.path.join(d, "groups.i32"), dtype=np.int32)
    P = np.fromfile(os.path.join(d, "P.f32"), dtype=np.float32).reshape(-1, nf)
    Py = np.fromfile(os.path.join(d, "Py.f32"), dtype=np.float32)
    Pg = np.fromfile(os.path.join(d, "Pgroups.i32"), dtype=np.int32)
    Pb = np.fromfile(os.path.join(d, "Pbought.i32"), dtype=np.int32)
    out = {"version": lgb.__version__, "seeds": [], "seconds": 0.0}
    mean = np.zeros(P.shape[0])
    for seed in seeds:
        q = lgbm_params(params, seed)
        lambdarank = params["objective"] == "lambdarank"
        q["metric"] = "ndcg" if lambdarank else "binary_logloss"
        ds = lgb.Dataset(X, label=y, group=groups if lambdarank else None, free_raw_data=False)
        rec = {}
        t0 = time.perf_counter()
        b = lgb.train(q, ds, num_boost_round=params["numRounds"], valid_sets=[ds], valid_names=["train"], callbacks=[lgb.record_evaluation(rec)])
        out["seconds"] += time.perf_counter() - t0
        p = b.predict(P, raw_score=True)
        mean += p / len(seeds)
        curve = list(rec["train"].values())[0]
        leaves = [t["num_leaves"] for t in b.dump_model()["tree_info"]]
        out["seeds"].append({"seed": seed, "map12": map12(p, Py, Pg, Pb), "loss": [curve[i] for i in (0, 9, 49, 99, len(curve) - 1) if i < len(curve)], "mean_leaves": float(np.mean(leaves))})
    out["map12_mean_pred"] = map12(mean, Py, Pg, Pb)
    mean.astype(np.float64).tofile(os.path.join(d, "lgbm_pred.f64"))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
