# The scikit-learn references of tests/unit/logistic-lbfgs.test.ts (sklearn 1.2.1, scipy 1.10.1, /usr/bin/python3).
# Usage: /usr/bin/python3 tests/unit/logistic-lbfgs-sklearn.py DIR > tests/fixtures/logistic-lbfgs-sklearn.json
# (DIR holds the CSVs the test writes, see tests/unit/logistic-lbfgs-data.ts). For each fit: coef_ (classes ×
# features), intercept_, n_iter_ and max |gradient| of the objective at that solution, by solver:
#   lbfgs:     LogisticRegression(C=1.0, solver='lbfgs', max_iter=1000, tol=1e-10) — scipy's L-BFGS-B stops on its
#              relative-decrease test (ftol 2.2e-9, which sklearn does not expose) long before gtol 1e-10;
#   newton-cg: the same objective with solver='newton-cg', tol=1e-12: the optimum to ~1e-9.
import json, sys
import numpy as np
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight

FITS = [
    ('penguins', dict(multi_class='multinomial')),
    ('penguins', dict(multi_class='multinomial', class_weight='balanced')),
    ('breast_cancer', dict(multi_class='multinomial')),
    ('breast_cancer', dict(multi_class='auto')),  # binary: one sigmoid column
    ('three_blobs', dict(multi_class='multinomial')),
]


def grad_max(X, y, coef, intercept, extra):
    W, b = np.array(coef), np.array(intercept)
    k = len(np.unique(y))
    s = compute_class_weight('balanced', classes=np.arange(k), y=y)[y] if extra.get('class_weight') else np.ones(len(y))
    if extra['multi_class'] == 'auto' and W.shape[0] == 1:  # sigmoid: one column
        p = 1 / (1 + np.exp(-(X @ W[0] + b[0])))
        r = s * (p - y)
        return float(np.abs(np.r_[X.T @ r + W[0], r.sum()]).max())
    if W.shape[0] == 1:
        W, b = np.r_[-W, W], np.r_[-b, b]
    Z = X @ W.T + b
    R = s[:, None] * (np.exp(Z - logsumexp(Z, axis=1, keepdims=True)) - np.eye(k)[y])
    return float(np.abs(np.r_[(R.T @ X + W).ravel(), R.sum(0)]).max())


out = {}
for name, extra in FITS:
    data = np.loadtxt(f'{sys.argv[1]}/{name}.csv', delimiter=',')
    X, y = data[:, :-1], data[:, -1].astype(int)
    key = name + ''.join(f'/{v}' for v in extra.values())
    for solver, opts in [('lbfgs', dict(max_iter=1000, tol=1e-10)), ('newton-cg', dict(max_iter=10000, tol=1e-12))]:
        m = LogisticRegression(C=1.0, solver=solver, **opts, **extra).fit(X, y)
        out[f'{key}/{solver}'] = {'coef': m.coef_.tolist(), 'intercept': m.intercept_.tolist(), 'n_iter': int(m.n_iter_[0]),
                                  'grad_max': grad_max(X, y, m.coef_, m.intercept_, extra)}
print(json.dumps(out, indent=1))
