#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# PSNR of scikit-learn's KMeans(n_init=1) at K colours, the reference point of kmq's quantizer.
# Usage: sklearn_psnr.py IMAGE K [SEED]   (needs python3-sklearn and python3-pil)
import sys, time
import numpy as np
from PIL import Image
from sklearn.cluster import KMeans

path, k = sys.argv[1], int(sys.argv[2])
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rgb = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64).reshape(-1, 3)
start = time.perf_counter()
model = KMeans(n_clusters=k, n_init=1, random_state=seed).fit(rgb)
elapsed = time.perf_counter() - start
palette = np.clip(np.rint(model.cluster_centers_), 0, 255)
# Map every pixel to its nearest *stored* (rounded) colour, as a palette file must.
d = ((rgb[:, None, :] - palette[None, :, :]) ** 2).sum(-1) if len(rgb) * k < 5e7 else None
labels = d.argmin(1) if d is not None else model.predict(rgb)
mse = ((rgb - palette[labels]) ** 2).mean()
print(f"{10 * np.log10(255 ** 2 / mse):.3f} {elapsed:.2f}")
