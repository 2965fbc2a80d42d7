# SPDX-License-Identifier: MIT
"""Pillow opens and saves .kmq files through kmq's plugin."""

import io

import numpy as np
import pytest

import kmq
from conftest import gradient

Image = pytest.importorskip("PIL.Image")


def test_open_palette_image_as_p(tmp_path):
    image = gradient()
    path = tmp_path / "x.kmq"
    path.write_bytes(kmq.encode(image, colors=16))
    with Image.open(path) as opened:
        assert opened.format == "KMQ" and opened.mode == "P" and opened.size == (64, 48)
        assert np.array_equal(np.asarray(opened.convert("RGB")), kmq.decode(path.read_bytes()))
        assert len(opened.getpalette()) // 3 >= 16


def test_open_rgba_p_and_large_palettes(tmp_path):
    rgba = gradient(channels=4)
    path = tmp_path / "a.kmq"
    path.write_bytes(kmq.encode(rgba, colors=16))
    with Image.open(path) as opened:
        assert opened.mode == "P" and "transparency" in opened.info
        assert np.array_equal(np.asarray(opened.convert("RGBA")), kmq.decode(path.read_bytes()))
    for channels, mode in ((3, "RGB"), (4, "RGBA")):
        path = tmp_path / f"big{channels}.kmq"
        path.write_bytes(kmq.encode(gradient(channels=channels), colors=1000))
        with Image.open(path) as opened:
            assert opened.mode == mode
            assert np.array_equal(np.asarray(opened), kmq.decode(path.read_bytes()))


def test_open_from_a_stream_and_draft(tmp_path):
    data = kmq.encode(gradient(), colors=8)
    with Image.open(io.BytesIO(data)) as opened:
        opened.draft("RGB", (32, 24))  # a no-op for .kmq: the full image decodes
        assert opened.convert("RGB").size == (64, 48)
        assert opened.resize((32, 24)).size == (32, 24)


def test_save_with_options_and_metadata(tmp_path):
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture = Image.fromarray(gradient())
    path = tmp_path / "saved.kmq"
    picture.save(path, colors=32, dither=0.5, icc_profile=icc)
    assert path.read_bytes() == kmq.encode(gradient(), colors=32, dither=0.5,
                                           metadata={"icc_profile": icc})
    with Image.open(path) as opened:
        assert opened.info["icc_profile"] == icc
        assert opened.info["kmq"]["palette_size"] == 32
    exif = Image.Exif()
    exif[0x010F] = "kmq"
    picture.save(tmp_path / "exif.kmq", colors=4, exif=exif.tobytes())
    with Image.open(tmp_path / "exif.kmq") as opened:
        assert opened.getexif()[0x010F] == "kmq"


def test_save_palette_and_grey_images_exactly(tmp_path):
    grey = Image.fromarray((np.arange(64 * 48) % 200).astype(np.uint8).reshape(48, 64), "L")
    grey.save(tmp_path / "grey.kmq")
    with Image.open(tmp_path / "grey.kmq") as opened:
        assert np.array_equal(np.asarray(opened.convert("L")), np.asarray(grey))
    paletted = Image.fromarray(gradient()).quantize(12)
    paletted.save(tmp_path / "p.kmq")
    with Image.open(tmp_path / "p.kmq") as opened:
        assert np.array_equal(np.asarray(opened.convert("RGB")),
                              np.asarray(paletted.convert("RGB")))
    with pytest.raises(TypeError, match="unexpected keyword"):
        Image.fromarray(gradient()).save(tmp_path / "bad.kmq", colours=3)


def test_not_a_kmq_file_is_left_to_other_plugins(tmp_path):
    path = tmp_path / "x.png"
    Image.fromarray(gradient()).save(path)
    with Image.open(path) as opened:
        assert opened.format == "PNG"
    (tmp_path / "broken.kmq").write_bytes(b"\x8bKMQ\r\n\x1a\n" + b"\0" * 8)
    with pytest.raises(kmq.Error):
        Image.open(tmp_path / "broken.kmq")
