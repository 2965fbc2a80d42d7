#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# scikit-learn reference numbers for kmq's methods on one image:
#   sklearn_methods.py IMAGE K gmm|minibatch [SEED]
# gmm: prints mean log-likelihood per pixel (GaussianMixture.score) and fit seconds;
# minibatch: prints PSNR of MiniBatchKMeans (palette rounded to 8 bits) and fit seconds.
import sys, time
import numpy as np
from PIL import Image

path, k, method = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
rgb = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64).reshape(-1, 3)
start = time.perf_counter()
if method == "gmm":
    from sklearn.mixture import GaussianMixture
    model = GaussianMixture(n_components=k, covariance_type="full", random_state=seed).fit(rgb)
    elapsed = time.perf_counter() - start
    print(f"{model.score(rgb):.5f} {elapsed:.2f}")
else:
    from sklearn.cluster import MiniBatchKMeans
    model = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=1).fit(rgb)
    elapsed = time.perf_counter() - start
    palette = np.clip(np.rint(model.cluster_centers_), 0, 255)
    labels = np.empty(len(rgb), dtype=np.int64)
    for start in range(0, len(rgb), 65536):  # bounded memory on large images
        block = rgb[start:start + 65536]
        labels[start:start + 65536] = np.argmin(((block[:, None, :] - palette[None]) ** 2).sum(-1), 1)
    mse = ((rgb - palette[labels]) ** 2).mean()
    print(f"{10 * np.log10(255 ** 2 / mse):.3f} {elapsed:.2f}")
