"""The reference side (b) of bench/prepare: the same preparation in pandas + scikit-learn, on the same CSV.

Run with Debian's interpreter (python3-pandas, python3-sklearn): /usr/bin/python3 bench/prepare/sklearn_prepare.py PATH [RUNS]

pd.read_csv(path) once, not timed (the studio side builds its Table once, not timed either). Then RUNS times (default
2), in this one process, each timed as a whole and by stage:
  split_seconds      train_test_split twice, stratified by the target: 60% train, then the other 40% halved into
                     validation and test (random_state=42 both times)
  fit_seconds        ColumnTransformer.fit_transform(X_train): numeric columns SimpleImputer(median) → MinMaxScaler,
                     categorical columns SimpleImputer(most_frequent) → OneHotEncoder(handle_unknown='ignore',
                     sparse_output=False); fitted on the training rows only, and train transformed
  transform_seconds  ct.transform(X_val) and ct.transform(X_test)
gc.collect() runs (untimed) before each run. Prints one JSON line with every run and the best (fastest) one.
"""
import gc
import json
import platform
import resource
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

NUMERIC = ["price", "score", "ratio", "temp", "weight", "balance", "qty", "visits"]
CATEGORICAL = ["segment", "region", "product"]
TARGET = "label"


def prepare(X: pd.DataFrame, y: pd.Series) -> dict:
    t0 = time.perf_counter()
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.4, stratify=y, random_state=42)
    X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=42)
    t1 = time.perf_counter()
    ct = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", MinMaxScaler())]), NUMERIC),
        ("cat", Pipeline([
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]), CATEGORICAL),
    ])
    train = ct.fit_transform(X_train)
    t2 = time.perf_counter()
    val = ct.transform(X_val)
    test = ct.transform(X_test)
    t3 = time.perf_counter()
    return {
        "seconds": t3 - t0,
        "split_seconds": t1 - t0,
        "fit_seconds": t2 - t1,
        "transform_seconds": t3 - t2,
        "shapes": [list(train.shape), list(val.shape), list(test.shape)],
        "classes_train": {str(k): int(v) for k, v in y_train.value_counts().items()},
    }


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: /usr/bin/python3 sklearn_prepare.py PATH [RUNS]")
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) == 3 else 2
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    read_seconds = time.perf_counter() - t0
    y = df[TARGET]
    X = df.drop(columns=[TARGET])
    results = []
    for _ in range(runs):
        gc.collect()
        results.append(prepare(X, y))
        print(f"run {len(results)}: {results[-1]['seconds']:.3f} s", file=sys.stderr, flush=True)
    best = min(results, key=lambda r: r["seconds"])
    print(json.dumps({
        "best": best,
        "runs": results,
        "read_seconds": read_seconds,
        "rows": int(df.shape[0]),
        "dtypes": {c: str(t) for c, t in df.dtypes.items()},
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
