#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kmq.KMeans against sklearn.cluster.KMeans(n_init=1) on the pixels of photos: fit time and
inertia (measured the same way for both, on the returned centres and labels), side by side in
one run. A benchmark, not a test: run it in the virtual environment ./build.sh test makes:

    build/python-venv/bin/python python/benchmarks/estimators_vs_sklearn.py \
        ../shared/corpus/coffee.png ../shared/corpus/eveningglow_2560x1600.jpg

Options: --colors 16,64 --runs 3 (kmq's time is the median of the runs; scikit-learn's is
one run, which it takes long enough for) --seed 0 --seeds 1. A single start of either is a
random draw (on coffee at K = 16 scikit-learn's random_state 0 is its best of 5 and kmq's seed
0 its worst), so with --seeds S both also fit with seeds seed .. seed + S - 1 and the last
column compares the medians of their inertias.
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.cluster import KMeans as SklearnKMeans

import kmq


def inertia(X: np.ndarray, centres: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for begin in range(0, len(X), 1 << 20):
        part = X[begin:begin + (1 << 20)].astype(np.float64)
        total += float(((part - centres[labels[begin:begin + len(part)]]) ** 2).sum())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("images", nargs="+", type=Path)
    parser.add_argument("--colors", default="16,64")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    print(f"{'image':<28} {'MP':>5} {'K':>4} {'kmq s':>8} {'sklearn s':>10} {'speed-up':>9} "
          f"{'kmq inertia':>14} {'sklearn inertia':>16} {'ratio':>7}"
          + (f" {'median ratio':>13}" if args.seeds > 1 else ""))
    for path in args.images:
        X = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
        for k in (int(k) for k in args.colors.split(",")):
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                ours = kmq.KMeans(n_clusters=k, random_state=args.seed).fit(X)
                times.append(time.perf_counter() - start)
            start = time.perf_counter()
            theirs = SklearnKMeans(n_clusters=k, n_init=1, random_state=args.seed).fit(X)
            their_time = time.perf_counter() - start
            our_inertia = inertia(X, ours.cluster_centers_, ours.labels_)
            their_inertia = inertia(X, theirs.cluster_centers_, theirs.labels_)
            our_time = statistics.median(times)
            line = (f"{path.name:<28} {len(X) / 1e6:5.2f} {k:4d} {our_time:8.3f} "
                    f"{their_time:10.2f} {their_time / our_time:8.1f}x {our_inertia:14.6g} "
                    f"{their_inertia:16.6g} {our_inertia / their_inertia:7.4f}")
            if args.seeds > 1:
                ours_all, theirs_all = [our_inertia], [their_inertia]
                for seed in range(args.seed + 1, args.seed + args.seeds):
                    model = kmq.KMeans(n_clusters=k, random_state=seed).fit(X)
                    ours_all.append(inertia(X, model.cluster_centers_, model.labels_))
                    model = SklearnKMeans(n_clusters=k, n_init=1, random_state=seed).fit(X)
                    theirs_all.append(inertia(X, model.cluster_centers_, model.labels_))
                line += f" {statistics.median(ours_all) / statistics.median(theirs_all):13.4f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
