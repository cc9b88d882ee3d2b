"""The peer of bench/scale: pandas + scikit-learn doing what `enclave train FILE --target label --algorithm logistic` does.

Run with Debian's interpreter (python3-pandas, python3-sklearn): /usr/bin/python3 bench/scale/sklearn_train.py PATH [SEED]

Timed stages, in this one process (`import pandas, sklearn` not timed):
  read      pd.read_csv(path) with default options (C parser, type inference, '' as missing)
  split     rows without a label left out; 60/20/20 stratified on the label with random_state=SEED (default 42, the
            studio's default seed) by two train_test_split calls — the same proportions and stratification as the
            studio's split, not the same rows (the two use different random generators)
  prepare   ColumnTransformer fitted on train, applied to validation and test: numeric columns (float and integer)
            SimpleImputer(mean) + StandardScaler; object columns SimpleImputer(most_frequent) + OneHotEncoder
            (handle_unknown='ignore') — the studio's default recipe; scikit-learn's defaults otherwise, so the prepared
            matrices come out sparse (CSR, float64): 19 of 136 values per row are non-zero
  fit       LogisticRegression(solver='lbfgs', C=1.0, max_iter=1000) on the prepared training matrix
  score     accuracy on train, validation and test
Prints one JSON line: {seconds, read_seconds, split_seconds, prepare_seconds, fit_seconds, score_seconds, accuracy:
{train, validation, test}, n_iter, rows: {total, train, validation, test}, features, peak_rss_bytes, versions}.
peak_rss_bytes is ru_maxrss × 1024 (Linux reports KiB): the whole interpreter's peak.
"""
import json
import platform
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

TARGET = "label"


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: /usr/bin/python3 sklearn_train.py PATH [SEED]")
    path = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) == 3 else 42
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()

    df = df[df[TARGET].notna()]
    y = df[TARGET].to_numpy()
    X = df.drop(columns=[TARGET])
    del df
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=0.6, stratify=y, random_state=seed)
    X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=0.5, stratify=y_rest, random_state=seed)
    del X, X_rest
    t2 = time.perf_counter()

    numeric = [c for c in X_train.columns if X_train[c].dtype.kind in "fiub"]
    categorical = [c for c in X_train.columns if c not in numeric]
    pre = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="mean")), ("scale", StandardScaler())]), numeric),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), categorical),
    ])  # sparse_threshold left at 0.3: with 120 one-hot columns of 136 the result is sparse (CSR), as by default
    A_train = pre.fit_transform(X_train)
    A_val = pre.transform(X_val)
    A_test = pre.transform(X_test)
    t3 = time.perf_counter()

    model = LogisticRegression(solver="lbfgs", C=1.0, max_iter=1000)
    model.fit(A_train, y_train)
    t4 = time.perf_counter()

    accuracy = {
        "train": float(model.score(A_train, y_train)),
        "validation": float(model.score(A_val, y_val)),
        "test": float(model.score(A_test, y_test)),
    }
    t5 = time.perf_counter()

    print(json.dumps({
        "seconds": t5 - t0,
        "read_seconds": t1 - t0,
        "split_seconds": t2 - t1,
        "prepare_seconds": t3 - t2,
        "fit_seconds": t4 - t3,
        "score_seconds": t5 - t4,
        "accuracy": accuracy,
        "n_iter": int(model.n_iter_[0]),
        "rows": {"total": len(y), "train": len(y_train), "validation": len(y_val), "test": len(y_test)},
        "features": int(A_train.shape[1]),
        "dtype": str(A_train.dtype),
        "sparse": bool(hasattr(A_train, "tocsr")),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "pandas": pd.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
