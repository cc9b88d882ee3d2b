"""The reference side (b) of bench/ingest: pandas read_csv + describe on the same CSV.

Run with Debian's interpreter (it has python3-pandas): /usr/bin/python3 bench/ingest/pandas_ingest.py PATH

Times, in this one process and without a warm-up run:
  read_seconds      pd.read_csv(path) with default options (C parser, type inference, 'NA'/'' as missing)
  describe_seconds  df.describe(include='all')
include='all' so that the string (categorical) and boolean columns are counted too (count / unique / top / freq),
not only the numeric ones: closer to what the studio's profile does for every column. The studio does more still
(histograms, missing counts, duplicates, correlations, hashing, storing), so this is a conservative baseline.
`import pandas` is not timed. bench/ingest/run.ts starts this script twice, in separate processes, and keeps the
faster run (the file is in the OS page cache for both, as it is for the browser runs).

Prints one JSON line: {seconds, read_seconds, describe_seconds, peak_rss_bytes, rows, columns, pandas, numpy, python}.
peak_rss_bytes is this process's ru_maxrss (Linux reports KiB) × 1024: the whole interpreter's peak, pandas included.
"""
import json
import platform
import resource
import sys
import time

import numpy as np
import pandas as pd


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 pandas_ingest.py PATH")
    path = sys.argv[1]

    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    desc = df.describe(include="all")
    t2 = time.perf_counter()

    # Touch the result so nothing lazy is left out of the timing (describe is eager, this is a guard).
    assert desc.shape[1] == df.shape[1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({
        "seconds": t2 - t0,
        "read_seconds": t1 - t0,
        "describe_seconds": t2 - t1,
        "peak_rss_bytes": peak,
        "rows": int(df.shape[0]),
        "columns": int(df.shape[1]),
        "dtypes": {c: str(t) for c, t in df.dtypes.items()},
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
