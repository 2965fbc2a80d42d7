# SPDX-License-Identifier: MIT
"""kmqcompare in a notebook: the size-against-quality study of images over several K, as rows
or as kmqcompare's self-contained HTML report shown inline (no server)."""

import html
import json
import os
import tempfile
from typing import Any, Dict, Iterable, List, Sequence, Union

import numpy as np

from . import _kmq
from ._options import command_line

DEFAULT_COLORS = (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
_STUDY_OPTIONS = frozenset({"method", "space", "seed", "level", "dither", "rd", "jobs",
                            "max-pixels"})

ImageLike = Union[str, "os.PathLike[str]", np.ndarray]


def _study(images: Union[ImageLike, Sequence[ImageLike]], colors: Iterable[int], html_report: bool,
           max_side: int, options: Dict[str, Any]) -> tuple:
    if isinstance(images, (str, os.PathLike, np.ndarray)):
        images = [images]
    colors = [int(k) for k in colors]
    if not colors or any(not 1 <= k <= 65536 for k in colors):
        raise ValueError("colors must be K values in 1..65536")
    if not 16 <= max_side <= 4096:
        raise ValueError("max_side must be in 16..4096")
    words = command_line("compare", options, _STUDY_OPTIONS)
    with tempfile.TemporaryDirectory(prefix="kmq-explore-") as folder:
        paths = []
        for i, image in enumerate(images):
            if isinstance(image, np.ndarray):
                from PIL import Image  # arrays reach the study as PNG files

                path = os.path.join(folder, f"array{i}.png")
                Image.fromarray(np.ascontiguousarray(image)).save(path)
                paths.append(path)
            else:
                paths.append(os.fspath(image))
        return _kmq.compare(paths, colors, words, html_report, max_side)


def compare(images: Union[ImageLike, Sequence[ImageLike]],
            colors: Iterable[int] = DEFAULT_COLORS, **options: Any) -> Any:
    """One row per image and K: ``image``, ``k``, ``palette_size``, ``kmq_bytes``,
    ``png_bytes``, ``jpeg_quality``, ``jpeg_bytes``, ``jpeg_psnr``, ``psnr``, ``ssim``,
    ``encode_ms``, ``decode_ms``... as kmqcompare --json gives them. A pandas DataFrame when
    pandas is installed, else a list of dicts. Options: ``method``, ``space``, ``seed``,
    ``level``, ``dither``, ``rd`` (each K also with rate-distortion labels of that lambda:
    ``rd_kmq_bytes``, ``rd_psnr``, ``rd_ssim``), ``jobs``, ``max_pixels``. Images are paths or
    uint8 arrays."""
    text, _ = _study(images, colors, False, 640, options)
    rows: List[Dict[str, Any]] = []
    for study in json.loads(text)["images"]:
        for result in study["results"]:
            row = {key: study[key] for key in ("image", "path", "width", "height", "channels",
                                                "original_bytes")}
            row.update(result)
            rows.append(row)
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)


class Exploration:
    """kmqcompare's HTML report of a study: shown inline by Jupyter (``_repr_html_``, in an
    iframe so that its script runs apart from the notebook's), ``html`` as a whole page,
    ``save(path)`` to keep it, ``rows`` as :func:`compare` gives them."""

    def __init__(self, page: str, rows: List[Dict[str, Any]], height: int) -> None:
        self.html = page
        self.rows = rows
        self.height = height

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width: 100%; height: {self.height}px; border: 0" '
                'title="kmq size and quality report"></iframe>')

    def save(self, path: "os.PathLike[str] | str") -> None:
        """Writes the page as a self-contained .html file."""
        with open(path, "w", encoding="utf-8") as out:
            out.write(self.html)


def explore(images: Union[ImageLike, Sequence[ImageLike]],
            colors: Iterable[int] = DEFAULT_COLORS, *, max_side: int = 640, height: int = 900,
            **options: Any) -> Exploration:
    """The interactive report (K slider, pictures, palette, sizes against PNG and JPEG) of
    :func:`compare`'s study, for Jupyter. ``max_side``: the longest side of its pictures."""
    text, page = _study(images, colors, True, max_side, options)
    rows = []
    for study in json.loads(text)["images"]:
        for result in study["results"]:
            rows.append(dict(result, image=study["image"]))
    return Exploration(page, rows, height)
