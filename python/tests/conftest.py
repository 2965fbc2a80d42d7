# SPDX-License-Identifier: MIT
"""Shared fixtures: the project's tools (to compare bytes with), images made here."""

import os
import subprocess
from pathlib import Path
from typing import List

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def tools_dir() -> Path:
    folder = Path(os.environ.get("KMQ_TOOLS_DIR", ROOT / "build" / "tools"))
    if not (folder / "kmqenc").exists():
        pytest.skip(f"kmqenc is not built in {folder} (set KMQ_TOOLS_DIR)")
    return folder


@pytest.fixture(scope="session")
def tools() -> Path:
    return tools_dir()


def run_tool(tools: Path, name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(tools / name), *args], capture_output=True, check=False)


def gradient(height: int = 48, width: int = 64, channels: int = 3, seed: int = 3) -> np.ndarray:
    """A smooth image with some noise: many colours, deterministic."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    planes = [x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), (x + y) * 2 % 256]
    if channels == 4:
        planes.append(np.where(x < width // 4, 0, np.where(y < height // 3, 128, 255)))
    image = np.stack(planes, axis=-1).astype(np.int32)
    image[..., :3] += rng.integers(-6, 7, size=(height, width, 3))
    return np.clip(image, 0, 255).astype(np.uint8)


def write_netpbm(path: Path, image: np.ndarray) -> None:
    height, width, channels = image.shape
    if channels == 3:
        header = b"P6\n%d %d\n255\n" % (width, height)
    else:
        header = (b"P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n"
                  % (width, height))
    path.write_bytes(header + np.ascontiguousarray(image).tobytes())


def kmqenc_bytes(tools: Path, folder: Path, image: np.ndarray, options: List[str]) -> bytes:
    """What kmqenc writes for these pixels with these options."""
    source = folder / ("cli-in.ppm" if image.shape[2] == 3 else "cli-in.pam")
    output = folder / "cli-out.kmq"
    write_netpbm(source, image)
    done = run_tool(tools, "kmqenc", *options, str(source), "-o", str(output), "--force", "-q")
    assert done.returncode == 0, done.stderr.decode()
    return output.read_bytes()
