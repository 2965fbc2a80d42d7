# SPDX-License-Identifier: MIT
"""kmq: K-means palette images from Python.

- :func:`encode` / :func:`decode` / :func:`decode_indexed` / :func:`quantize` / :func:`info`
  on numpy arrays and bytes; :func:`encode_file` / :func:`decode_file` as kmqenc and kmqdec.
- :class:`KMeans` and :class:`GaussianMixture`, scikit-learn-style estimators of pixels.
- Pillow opens and saves ``.kmq`` files once kmq is imported.
- :func:`explore` and :func:`compare`: kmqcompare's study in a notebook.
- :mod:`kmq.dask`: a folder tree encoded on a dask.distributed cluster.

Errors the codec reports raise :class:`kmq.Error` with a ``category``. The GIL is released
while the codec works, and calls from several threads give the same results as one.
"""

from ._errors import CATEGORIES, Error
from . import _kmq
from ._codec import (decode, decode_file, decode_indexed, encode, encode_file, encode_with_stats,
                     info, quantize)
from .estimators import GaussianMixture, KMeans
from .explore import Exploration, compare, explore

__version__ = _kmq.version()

try:
    from . import pil_plugin as _pil_plugin  # registers the format with Pillow
except ImportError:  # Pillow is optional
    _pil_plugin = None

__all__ = ["CATEGORIES", "Error", "Exploration", "GaussianMixture", "KMeans", "compare", "decode",
           "decode_file", "decode_indexed", "encode", "encode_file", "encode_with_stats",
           "explore", "info", "quantize"]
