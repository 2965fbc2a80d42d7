# SPDX-License-Identifier: MIT
"""The codec on numpy arrays and on files: encode, decode, quantize, info."""

import os
import warnings
from typing import Any, Dict, Optional, Tuple

import numpy as np

from . import _kmq
from ._options import (DECODE_FILE_OPTIONS, ENCODE_FILE_OPTIONS, ENCODE_OPTIONS, KMQDEC_FLAGS,
                       command_line, path_word)

DEFAULT_MAX_PIXELS = 1 << 28


def _warn(messages: Any) -> None:
    for message in messages:
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def _pixels(array: Any) -> np.ndarray:
    # Lists and other array-likes are accepted as numpy would read them; arrays pass through
    # without a copy (the codec copies once, into its own buffer).
    if isinstance(array, np.ndarray):
        return array
    converted = np.asarray(array)
    if converted.dtype != np.uint8 and np.issubdtype(converted.dtype, np.integer):
        if converted.size and (converted.min() < 0 or converted.max() > 255):
            raise ValueError("pixel values must be in 0..255")
        converted = converted.astype(np.uint8)
    return converted


def encode(array: Any, *, metadata: Optional[Dict[str, Any]] = None, **options: Any) -> bytes:
    """Encodes an H x W x 3 (RGB) or H x W x 4 (RGBA) uint8 array as a .kmq file.

    Every kmqenc option is a keyword argument by its long name, dashes as underscores:
    ``colors`` (K, default 256), ``method`` ("kmeans", "minibatch", "gmm"), ``space``
    ("rgb", "oklab"), ``tune`` ("psnr", "perceptual"), ``dither`` (True or a strength 0..1), ``ordered`` (True: ordered
    dithering, which compresses far better than error diffusion), ``rd`` (rate-distortion lambda:
    smaller files at a lower PSNR; with a target searched by default), ``seed``, ``sample``,
    ``target_psnr``, ``max_mse``, ``target_ssim`` (0..1), ``max_bytes``, ``effort`` (1..6),
    ``level``, ``label_coding``, ``tiles``, ``palette`` (a file whose palette to map to),
    ``strip``,
    ``jobs`` (threads, 0 = all cores; the bytes do not depend on it), ``max_iterations``,
    ``tolerance``, ``batch_size``, ``max_no_improvement``, ``reassignment_ratio``,
    ``gmm_assign``, ``gmm_tolerance``, ``gmm_floor``, ``max_pixels``, and ``format="png"`` for
    an optimised indexed PNG instead. The bytes are those kmqenc writes for the same pixels.

    ``metadata``: ``icc_profile`` (bytes), ``icc_profile_name``, ``exif`` (bytes from the TIFF
    header on), ``xmp`` (str), ``text`` (list of dicts with ``keyword`` and ``text``).

    Raises TypeError (dtype, unknown option), ValueError (shape, option value) or
    :class:`kmq.Error`.
    """
    data, _, messages = _kmq.encode(_pixels(array), command_line("encode", options,
                                                                 ENCODE_OPTIONS),
                                    metadata or {})
    _warn(messages)
    return data


def encode_with_stats(array: Any, *, metadata: Optional[Dict[str, Any]] = None,
                      **options: Any) -> Tuple[bytes, Dict[str, Any]]:
    """As :func:`encode`, with kmqenc --json's fields (``colors``, ``psnr``, ``mse``,
    ``label_bits_per_pixel``, ``bytes``...) and the quantizer's ``stats``."""
    data, fields, messages = _kmq.encode(_pixels(array), command_line(
        "encode_with_stats", options, ENCODE_OPTIONS), metadata or {})
    _warn(messages)
    return data, fields


def quantize(array: Any, **options: Any) -> Tuple[np.ndarray, np.ndarray, Dict[str, Any]]:
    """Quantizes without coding: ``(palette, labels, stats)``.

    ``palette`` is K x 3 (or K x 4) uint8, ``labels`` H x W uint16 indices into it, ``stats``
    a dict (``colors``, ``iterations``, ``inertia``, ``mse``, ``psnr``, ``distinct_colors``...).
    ``palette[labels]`` is the image :func:`decode` returns for :func:`encode`'s file.
    Takes :func:`encode`'s options.
    """
    return _kmq.quantize(_pixels(array), command_line("quantize", options, ENCODE_OPTIONS))


def _limits(max_pixels: int, threads: int) -> Tuple[int, int]:
    if max_pixels < 1:
        raise ValueError("max_pixels must be at least 1")
    if not 0 <= threads <= 4096:
        raise ValueError("threads must be in 0..4096 (0 = all cores)")
    return max_pixels, threads


def decode(data: Any, *, max_pixels: int = DEFAULT_MAX_PIXELS, threads: int = 0) -> np.ndarray:
    """Decodes a .kmq file (bytes, bytearray, memoryview) to an H x W x 3 or H x W x 4 uint8
    array. Files of more than ``max_pixels`` pixels are refused before anything is allocated
    (:class:`kmq.Error` ``limit_exceeded``); ``threads``: 0 = all cores."""
    return _kmq.decode(data, *_limits(max_pixels, threads))


def decode_indexed(data: Any, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                   threads: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Decodes a .kmq file to ``(palette, labels)``: K x C uint8 and H x W uint16."""
    return _kmq.decode_indexed(data, *_limits(max_pixels, threads))


def info(data: Any, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Dict[str, Any]:
    """A .kmq file's structure without decoding its labels: ``width``, ``height``,
    ``channels``, ``palette_size``, ``label_coding`` (and its name), ``label_tiles``,
    ``label_strips``, ``file_size``, ``label_bytes``, ``bits_per_pixel``, ``chunks`` and
    ``metadata`` (as :func:`encode` takes it, plus the colour chunks)."""
    return _kmq.info(data, _limits(max_pixels, 0)[0])


def encode_file(src: "os.PathLike[str] | str", dst: "os.PathLike[str] | str",
                **options: Any) -> Dict[str, Any]:
    """Encodes an image file (PNG, JPEG, PPM/PAM, or .kmq) as kmqenc does: the same bytes,
    the metadata kept (``strip=True`` drops it), the output written atomically and never over
    an existing file unless ``force=True``, nor ever over the input.

    Takes :func:`encode`'s options and ``force``, ``skip_if_larger``. Returns kmqenc --json's
    fields for the file (``input``, ``output``, ``ok``, ``format``, ``bytes``,
    ``input_bytes``, ``colors``, ``psnr``, ``mse``, ``label_bits_per_pixel``, ``seconds``,
    ``skipped`` when ``skip_if_larger`` held it back) and the quantizer's ``stats``. Safe to
    call from several threads or processes (Dask workers) at once.
    """
    result, messages = _kmq.encode_file(path_word(src), path_word(dst), command_line(
        "encode_file", options, ENCODE_FILE_OPTIONS))
    _warn(messages)
    return result


def decode_file(src: "os.PathLike[str] | str", dst: "os.PathLike[str] | str",
                **options: Any) -> Dict[str, Any]:
    """Decodes a .kmq file to PNG, JPEG, PPM or PAM (by ``dst``'s extension, or ``format``)
    as kmqdec does: the same bytes, metadata kept in PNG and JPEG. Options: ``format``,
    ``quality`` (JPEG), ``strip``, ``force``, ``compare`` (an original: the result has its
    ``psnr``), ``jobs``, ``max_pixels``."""
    result, messages = _kmq.decode_file(path_word(src), path_word(dst), command_line(
        "decode_file", options, DECODE_FILE_OPTIONS, KMQDEC_FLAGS))
    _warn(messages)
    return result


__all__ = ["encode", "encode_with_stats", "quantize", "decode", "decode_indexed", "info",
           "encode_file", "decode_file"]
