"""Peers of bench/recs: implicit ALS per cutoff, and LightGBM fit/predict on the two-stage features.

Modes (first argument):
  als           JSON on stdin: {nUsers, nItems, params, n, fits: [{indptr, indices, data, users}]}; prints the top-n
                of each user per fit (already-bought articles filtered, as implicit does by default).
  lgbm-fit DIR  reads DIR/X.f32, DIR/y.f32, DIR/groups.i32, DIR/meta.json ({nFeatures, params, seeds});
                trains one booster per seed, saves DIR/model_SEED.txt; prints {seconds, version}.
  lgbm-predict DIR  reads DIR/P.f32 and the boosters; writes the mean prediction to DIR/pred.f64.
"""
import json
import os
import sys
import time

import numpy as np


def als():
    import implicit
    import scipy.sparse as sp
    from implicit.cpu.als import AlternatingLeastSquares

    inp = json.load(sys.stdin)
    p = inp["params"]
    out = []
    for f in inp["fits"]:
        m = sp.csr_matrix(
            (np.array(f["data"], dtype=np.float32), np.array(f["indices"], dtype=np.int32), np.array(f["indptr"], dtype=np.int32)),
            shape=(inp["nUsers"], inp["nItems"]),
        )
        model = AlternatingLeastSquares(factors=p["factors"], regularization=p["regularization"], alpha=1.0, iterations=p["iterations"],
                                        use_cg=True, calculate_training_loss=False, random_state=p["seed"])
        model.fit(m, show_progress=False)
        users = np.array(f["users"], dtype=np.int32)
        ids, _ = model.recommend(users, m[users], N=inp["n"], filter_already_liked_items=True)
        out.append([[int(i) for i in row if i >= 0] for row in ids])
    print(json.dumps({"version": implicit.__version__, "lists": out}))


def lgbm_params(p, seed):
    q = {
        "objective": p["objective"], "learning_rate": p["learningRate"], "num_leaves": p["numLeaves"], "max_depth": p["maxDepth"],
        "min_data_in_leaf": p["minDataInLeaf"], "feature_fraction": p["featureFraction"], "bagging_fraction": p["baggingFraction"],
        "bagging_freq": 1 if p["baggingFraction"] < 1 else 0, "lambda_l2": p["lambdaL2"], "max_bin": p["maxBin"], "min_data_in_bin": p["minDataInBin"], "seed": seed,
        "num_threads": int(os.environ.get("BENCH_THREADS", "2")), "verbosity": -1, "deterministic": True, "force_row_wise": True,
    }
    if p["objective"] == "lambdarank":
        q["eval_at"] = [12]
    return q


def lgbm_fit(d):
    import lightgbm as lgb

    meta = json.load(open(os.path.join(d, "meta.json")))
    nf = meta["nFeatures"]
    X = np.fromfile(os.path.join(d, "X.f32"), dtype=np.float32).reshape(-1, nf)
    y = np.fromfile(os.path.join(d, "y.f32"), dtype=np.float32)
    groups = np.fromfile(os.path.join(d, "groups.i32"), dtype=np.int32)
    t0 = time.perf_counter()
    for seed in meta["seeds"]:
        ds = lgb.Dataset(X, label=y, group=groups if meta["params"]["objective"] == "lambdarank" else None, free_raw_data=False)
        b = lgb.train(lgbm_params(meta["params"], seed), ds, num_boost_round=meta["params"]["numRounds"])
        b.save_model(os.path.join(d, f"model_{seed}.txt"))
    print(json.dumps({"seconds": time.perf_counter() - t0, "version": lgb.__version__}))


def lgbm_predict(d):
    import lightgbm as lgb

    meta = json.load(open(os.path.join(d, "meta.json")))
    P = np.fromfile(os.path.join(d, "P.f32"), dtype=np.float32).reshape(-1, meta["nFeatures"])
    pred = np.zeros(P.shape[0])
    for seed in meta["seeds"]:
        pred += lgb.Booster(model_file=os.path.join(d, f"model_{seed}.txt")).predict(P)
    (pred / len(meta["seeds"])).astype(np.float64).tofile(os.path.join(d, "pred.f64"))
    print(json.dumps({"rows": int(P.shape[0])}))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "als":
        als()
    elif mode == "lgbm-fit":
        lgbm_fit(sys.argv[2])
    elif mode == "lgbm-predict":
        lgbm_predict(sys.argv[2])
    else:
        raise SystemExit(f"invalid mode: {mode}; expected als, lgbm-fit or lgbm-predict")
