# SPDX-License-Identifier: MIT
"""Pillow reads and writes .kmq files once ``import kmq`` has run (or through Pillow's plugin
entry point).

Opening gives mode ``P`` with the file's palette when it has at most 256 colours (as a PNG8
opens; RGBA palettes give their alpha as ``info["transparency"]``, so ``convert("RGBA")`` is
exact), else ``RGB`` or ``RGBA``. The ICC profile and Exif come back in ``info``.

``img.save("x.kmq", colors=64, dither=True, ...)`` takes :func:`kmq.encode`'s options and
keeps ``icc_profile`` and ``exif`` (from the keyword arguments or ``img.info``). A ``P`` or
``L`` image is saved with as many colours as it has, unless ``colors`` is given, so its pixels
survive exactly.
"""

from typing import IO, Any, Dict, Tuple

import numpy as np
from PIL import Image, ImageFile

from . import _codec

SIGNATURE = b"\x8bKMQ\r\n\x1a\n"
_EXIF_PREFIX = b"Exif\x00\x00"


def _accept(prefix: bytes) -> bool:
    return prefix[:8] == SIGNATURE


class KmqImageFile(ImageFile.ImageFile):
    """A .kmq file, decoded by kmq when its pixels are first needed."""

    format = "KMQ"
    format_description = "kmq palette image"

    def _open(self) -> None:
        data = self.fp.read()
        if not _accept(data):
            raise SyntaxError("not a .kmq file")
        facts = _codec.info(data)
        self._kmq_data = data
        self._size = (facts["width"], facts["height"])
        palette_size, channels = facts["palette_size"], facts["channels"]
        self._indexed = palette_size <= 256
        if self._indexed:
            self.mode = "P"
        else:
            self.mode = "RGBA" if channels == 4 else "RGB"
        metadata = facts["metadata"]
        if "icc_profile" in metadata:
            self.info["icc_profile"] = metadata["icc_profile"]
        if "exif" in metadata:
            self.info["exif"] = _EXIF_PREFIX + metadata["exif"]
        if "xmp" in metadata:
            self.info["xmp"] = metadata["xmp"].encode()
        for entry in metadata.get("text", []):
            self.info[entry["keyword"]] = entry["text"]
        if "density" in metadata and metadata["density"][2] == "per_metre":
            x, y, _ = metadata["density"]
            self.info["dpi"] = (x * 0.0254, y * 0.0254)
        self.info["kmq"] = facts
        self._decoded_labels = None
        if self._indexed:
            self._load_palette()
        self.tile = [("kmq", (0, 0) + self._size, 0, None)]

    def _load_palette(self) -> None:
        # Pillow needs a P image's palette at open; the labels come with it and wait for load().
        palette, labels = _codec.decode_indexed(self._kmq_data)
        self._decoded_labels = labels
        rgb = np.ascontiguousarray(palette[:, :3])
        self.putpalette(rgb.tobytes(), "RGB")
        if palette.shape[1] == 4:
            self.info["transparency"] = palette[:, 3].tobytes()

    def load(self) -> Any:
        if self.tile:
            if self._indexed:
                pixels = self._decoded_labels.astype(np.uint8)
                raw_mode = "P"
            else:
                pixels = _codec.decode(self._kmq_data)
                raw_mode = self.mode
            self.load_prepare()
            Image.Image.frombytes(self, np.ascontiguousarray(pixels).tobytes(), "raw", raw_mode)
            self.tile = []
            self.readonly = 0
            self._kmq_data = b""
            self._decoded_labels = None
        return Image.Image.load(self)


def _encode_options(im: Image.Image) -> Tuple[np.ndarray, Dict[str, Any], Dict[str, Any]]:
    options = dict(im.encoderinfo)
    metadata: Dict[str, Any] = {}
    icc = options.pop("icc_profile", im.info.get("icc_profile"))
    if icc:
        metadata["icc_profile"] = icc
    exif = options.pop("exif", im.info.get("exif"))
    if isinstance(exif, Image.Exif):
        exif = exif.tobytes()
    if exif:
        metadata["exif"] = exif[len(_EXIF_PREFIX):] if exif.startswith(_EXIF_PREFIX) else exif
    for pillow_only in ("format", "save_all", "append_images", "optimize", "transparency",
                        "dpi", "bitmap_format"):
        options.pop(pillow_only, None)
    source = im
    if im.mode in ("P", "PA", "L", "LA", "1", "I", "I;16", "F"):
        has_alpha = im.mode in ("PA", "LA") or "transparency" in im.info
        if "colors" not in options and im.mode in ("P", "L", "1"):
            colours = im.getcolors(65536)
            options["colors"] = max(1, len(colours)) if colours else 256
        source = im.convert("RGBA" if has_alpha else "RGB")
    elif im.mode not in ("RGB", "RGBA"):
        source = im.convert("RGBA" if "A" in im.mode else "RGB")
    return np.asarray(source), options, metadata


def _save(im: Image.Image, fp: IO[bytes], filename: Any) -> None:
    pixels, options, metadata = _encode_options(im)
    fp.write(_codec.encode(pixels, metadata=metadata, **options))


def register() -> None:
    """Registers the format with Pillow (done by ``import kmq``)."""
    if "KMQ" in Image.OPEN:
        return
    Image.register_open(KmqImageFile.format, KmqImageFile, _accept)
    Image.register_save(KmqImageFile.format, _save)
    Image.register_extension(KmqImageFile.format, ".kmq")
    Image.register_mime(KmqImageFile.format, "image/x-kmq")


register()
