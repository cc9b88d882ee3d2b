"""The reference side (b) of bench/predict: scikit-learn's Pipeline.predict_proba with the very model Enclave scores with.

Run with Debian's interpreter (python3-sklearn):
  /usr/bin/python3 bench/predict/sklearn_predict.py CSV MODEL_JSON RUNS [HEAD_ROWS]

Reads the CSV with pandas (not timed), then builds
  Pipeline([("prep", ColumnTransformer([
              ("num", Pipeline([SimpleImputer(strategy="mean"), StandardScaler()]), numeric columns),
              ("cat", Pipeline([SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")]), categorical columns)])),
            ("mlp", MLPClassifier(hidden_layer_sizes=(64, 32), activation="relu"))])
whose every fitted number comes from MODEL_JSON (bench/predict/model.ts): the preprocessing is fitted on the first
rows only to get its structure, then the imputers' statistics_, the scaler's mean_/scale_/var_ are overwritten with the
fitted recipe's fills, centres and scales, and the encoder's categories are the recipe's (passed as `categories`, so
categories_ is exactly that list). The MLP is not fitted at all: coefs_/intercepts_ are Enclave's kernels and biases
(float64), the first layer's rows reordered from Enclave's feature order to the ColumnTransformer's output order (by
name), out_activation_ "softmax" over the 2 outputs as Enclave's network (so predict_proba is that softmax).

Then RUNS times (in this one process) predict_proba on all rows, timed, and RUNS times more with BLAS held to one
thread (threadpoolctl); prints one JSON line with every run's seconds and the best of all (whichever thread setting
gave it: the headline is scikit-learn at its best on this machine), and the probabilities of the first HEAD_ROWS
rows (default 1000), row-major, which bench/predict/run.ts compares with Enclave's.
"""
import gc
import json
import platform
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [{k: p.get(k) for k in ("user_api", "internal_api", "version", "num_threads", "threading_layer", "architecture")}
            for p in threadpool_info()]


def step_state(fitted, kind, columns):
    """The state of the recipe step of this kind on this selector (the recipe in model.ts has exactly one of each)."""
    found = [s["state"] for s in fitted["steps"] if s["spec"]["kind"] == kind and s["spec"].get("columns") == columns]
    if len(found) != 1:
        raise SystemExit(f"the fitted recipe has {len(found)} {kind} steps on {columns}, expected 1")
    return found[0]["columns"]


def build(saved, frame):
    card, model = saved["card"], saved["model"]
    fitted = card["fitted"]
    num_fill = step_state(fitted, "impute", "*numeric")
    cat_fill = step_state(fitted, "impute", "*categorical")
    scale = step_state(fitted, "scale", "*numeric")
    onehot = step_state(fitted, "onehot", "*categorical")
    numeric = [c["name"] for c in num_fill]
    categorical = [c["name"] for c in cat_fill]
    if [c["name"] for c in scale] != numeric or [c["name"] for c in onehot] != categorical:
        raise SystemExit("the recipe's steps do not work on the same columns")
    if any(c["infrequent"] for c in onehot):
        raise SystemExit("infrequent categories are not modelled here")
    categories = [np.array(c["categories"], dtype=object) for c in onehot]

    prep = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="mean")), ("scale", StandardScaler())]), numeric),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(categories=categories, handle_unknown="ignore", sparse_output=False))]), categorical),
    ])
    prep.fit(frame.iloc[:2000])  # structure only: every fitted number is replaced below
    num, cat = prep.named_transformers_["num"], prep.named_transformers_["cat"]
    num["impute"].statistics_ = np.array([c["fill"] for c in num_fill], dtype=np.float64)
    sc = num["scale"]
    sc.mean_ = np.array([c["center"] for c in scale], dtype=np.float64)
    sc.scale_ = np.array([c["scale"] for c in scale], dtype=np.float64)
    sc.var_ = sc.scale_ ** 2
    cat["impute"].statistics_ = np.array([c["fill"] for c in cat_fill], dtype=object)
    enc = cat["onehot"]
    assert all(list(a) == list(b) for a, b in zip(enc.categories_, categories)), "encoder categories differ from the recipe's"

    # Output order of the ColumnTransformer, in Enclave's names: x1 … then "c1=c1_a" … (onehot names "<col>=<category>").
    sk_names = numeric + [f"{col}={v}" for col, cats in zip(categorical, enc.categories_) for v in cats]
    features = card["features"]
    if sorted(sk_names) != sorted(features):
        raise SystemExit(f"feature sets differ: sklearn {sk_names} vs Enclave {features}")
    order = [features.index(name) for name in sk_names]

    weights = {w["name"]: np.frombuffer(__import__("base64").b64decode(w["data"]), dtype="<f4").reshape(w["shape"])
               for w in model["weights"]}
    layers = len(model["weights"]) // 2
    coefs = [weights[f"dense_{i + 1}/kernel"].astype(np.float64) for i in range(layers)]
    intercepts = [weights[f"dense_{i + 1}/bias"].astype(np.float64) for i in range(layers)]
    coefs[0] = coefs[0][order, :]  # Enclave's input order → the ColumnTransformer's
    hp = model["spec"]["hyperparameters"]
    mlp = MLPClassifier(hidden_layer_sizes=tuple(hp["units"]), activation=hp["activation"])
    mlp.coefs_, mlp.intercepts_ = coefs, intercepts
    mlp.n_layers_ = layers + 1
    mlp.n_outputs_ = coefs[-1].shape[1]
    mlp.out_activation_ = "softmax"
    mlp.n_features_in_ = coefs[0].shape[0]
    mlp.classes_ = np.array([int(c) for c in card["classNames"]])
    return Pipeline([("prep", prep), ("mlp", mlp)])


def main():
    csv, model_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    head_rows = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    with open(model_path) as f:
        saved = json.load(f)
    t0 = time.perf_counter()
    frame = pd.read_csv(csv)
    read_seconds = time.perf_counter() - t0
    X = frame.drop(columns=[saved["card"]["target"]])
    pipe = build(saved, X)

    def timed():
        out, proba = [], None
        for _ in range(runs):
            gc.collect()
            t0 = time.perf_counter()
            proba = pipe.predict_proba(X)
            out.append(time.perf_counter() - t0)
        return out, proba

    seconds, proba = timed()
    try:  # the same with BLAS held to one thread: on 2 shared cores a second BLAS thread can cost more than it gives
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1):
            one_thread = timed()[0]
    except ImportError:
        one_thread = []
    best = min(seconds + one_thread)

    best_threads = "1" if one_thread and min(one_thread) < min(seconds) else "default"

    # Where sklearn's time goes (piece by piece, with the thread setting that gave the best run).
    def pieces():  # two passes, the faster of each piece (one pass is at the mercy of the machine's load)
        best = [float("inf"), float("inf")]
        for _ in range(2):
            gc.collect()
            t0 = time.perf_counter()
            Z = pipe.named_steps["prep"].transform(X)
            t1 = time.perf_counter()
            pipe.named_steps["mlp"].predict_proba(Z)
            best = [min(best[0], t1 - t0), min(best[1], time.perf_counter() - t1)]
        return Z, best[0], best[1]

    if best_threads == "1":
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1):
            Z, transform_seconds, mlp_seconds = pieces()
    else:
        Z, transform_seconds, mlp_seconds = pieces()

    out = {
        "rows": int(len(X)),
        "read_seconds": read_seconds,
        "seconds": seconds,
        "one_thread_seconds": one_thread,
        "best": best,
        "best_threads": best_threads,
        "rows_per_second": len(X) / best,
        "transform_seconds": transform_seconds,
        "mlp_seconds": mlp_seconds,
        "matrix": [int(Z.shape[0]), int(Z.shape[1])],
        "dtype": str(Z.dtype),
        "predicted_share": [float(np.mean(proba.argmax(axis=1) == k)) for k in range(proba.shape[1])],
        "blas": blas_info(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
    }
    out["head"] = proba[:head_rows].ravel().tolist()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
