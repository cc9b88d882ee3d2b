"""The reference side (b) of bench/train: scikit-learn's MLPClassifier on the same data, same architecture and schedule.

Run with Debian's interpreter (python3-sklearn): /usr/bin/python3 bench/train/sklearn_train.py PATH N D [RUNS]

Reads the file bench/train/generate.ts wrote (float32 X, n × d, row-major, then int32 y), not timed. Then RUNS times
(default 3), in this one process, times fit() of
  MLPClassifier(hidden_layer_sizes=(64, 32), batch_size=256, max_iter=3, solver='adam', learning_rate_init=0.001,
                shuffle=True, random_state=0, early_stopping=False, tol=0, n_iter_no_change=1000)
(alpha, the L2 penalty, left at its default 1e-4, as the studio's mlp l2 default; relu as both). The ConvergenceWarning
that max_iter=3 raises is silenced. X stays float32 (scikit-learn ≥ 1.1 then trains in float32, as tfjs does).
Prints one JSON line: every run's seconds, the best, the training accuracy after the fit, and what BLAS ran on
(threadpoolctl, when installed), and the best of RUNS more fits with BLAS held to one thread.
"""
import gc
import json
import platform
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [{k: p.get(k) for k in ("user_api", "internal_api", "version", "num_threads", "threading_layer", "architecture")}
            for p in threadpool_info()]


def main():
    path, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    raw = np.fromfile(path, dtype=np.uint8)
    X = raw[: n * d * 4].view("<f4").reshape(n, d)
    y = raw[n * d * 4: n * d * 4 + n * 4].view("<i4")
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    def fit_times():
        out, model = [], None
        for _ in range(runs):
            gc.collect()
            model = MLPClassifier(hidden_layer_sizes=(64, 32), batch_size=256, max_iter=3, solver="adam",
                                  learning_rate_init=0.001, shuffle=True, random_state=0, early_stopping=False, tol=0,
                                  n_iter_no_change=1000)
            t0 = time.perf_counter()
            model.fit(X, y)
            out.append(time.perf_counter() - t0)
        return out, model

    seconds, model = fit_times()
    best = min(seconds)
    try:  # the same with BLAS held to one thread (information only: the headline uses BLAS's default)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1):
            one_thread = min(fit_times()[0])
    except ImportError:
        one_thread = None
    print(json.dumps({
        "seconds": seconds,
        "best": best,
        "samples_per_second": 3 * n / best,
        "one_thread_best": one_thread,
        "epochs": model.n_iter_,
        "loss": float(model.loss_),
        "train_accuracy": float(model.score(X, y)),
        "dtype": str(model.coefs_[0].dtype),
        "blas": blas_info(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
