# SPDX-License-Identifier: MIT
"""What the benchmark scripts measure images with: running a tool, reading RGB, PSNR, the
blur of a viewer's eye, and butteraugli."""

import subprocess

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {done.returncode}: {done.stderr}")
    return done


def rgb(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)


def psnr(a, b):
    mse = ((a - b) ** 2).mean()
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def blurred(a, sigma=1.5):
    return np.stack([gaussian_filter(a[..., c], sigma) for c in range(3)], axis=-1)


def butteraugli(original_png, candidate_png):
    """Butteraugli's score of a PNG against the original (lower is better)."""
    return float(run(["butteraugli", original_png, candidate_png]).stdout.split()[0])
