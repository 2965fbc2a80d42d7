# SPDX-License-Identifier: MIT
"""kmq.encode / decode / decode_indexed / quantize / info on arrays and bytes."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import kmq
from conftest import ROOT, gradient, kmqenc_bytes

VECTORS = ROOT / "format-spec" / "vectors"

# Every kmqenc option that applies to pixels, each against the CLI's bytes.
OPTION_SETS = [
    {},
    {"colors": 1},
    {"colors": 16},
    {"colors": 300},
    {"colors": 65536},
    {"colors": 16, "method": "minibatch", "batch_size": 512, "max_no_improvement": 3,
     "reassignment_ratio": 0.02},
    {"colors": 8, "method": "gmm", "gmm_assign": "nearest", "gmm_tolerance": 0.01,
     "gmm_floor": 0.001},
    {"colors": 32, "space": "oklab"},
    {"colors": 32, "tune": "perceptual"},
    {"colors": 16, "dither": True},
    {"colors": 16, "dither": 0.5},
    {"colors": 16, "ordered": True},
    {"colors": 16, "ordered": True, "dither": 0.5},
    {"colors": 32, "rd": 24},
    {"target_psnr": 30.0, "rd": 0},
    {"colors": 16, "seed": 9, "max_iterations": 5, "tolerance": 0.01},
    {"colors": 32, "sample": 500},
    {"target_psnr": 30.0},
    {"target_ssim": 0.9},
    {"max_mse": 40.0, "colors": 128},
    {"max_bytes": 2500},
    {"colors": 16, "effort": 1},
    {"colors": 16, "effort": 6},
    {"colors": 16, "level": 19},
    {"colors": 16, "label_coding": "raw"},
    {"colors": 16, "label_coding": "contexts"},
    {"colors": 16, "label_coding": "partitions"},
    {"colors": 16, "label_coding": "tiles", "tiles": 3},
    {"colors": 16, "label_coding": "copies", "tiles": 2},
    {"colors": 16, "jobs": 1},
    {"colors": 16, "max_pixels": 1 << 20},
    {"colors": 16, "strip": True},
]


def cli_words(options):
    words = []
    for key, value in options.items():
        name = "--" + key.replace("_", "-")
        words.append(name if value is True else f"{name}={value}")
    return words


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: ",".join(map(str, o.items())))
@pytest.mark.parametrize("channels", [3, 4])
def test_encode_matches_kmqenc(tools, tmp_path, options, channels):
    image = gradient(channels=channels)
    assert kmq.encode(image, **options) == kmqenc_bytes(tools, tmp_path, image,
                                                        cli_words(options))


def test_png_format_matches_kmqenc(tools, tmp_path):
    image = gradient()
    source = tmp_path / "in.ppm"
    from conftest import run_tool, write_netpbm
    write_netpbm(source, image)
    done = run_tool(tools, "kmqenc", "-k", "16", str(source), "-o", str(tmp_path / "o.png"))
    assert done.returncode == 0
    data = kmq.encode(image, colors=16, format="png")
    assert data == (tmp_path / "o.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_fixed_palette_file(tools, tmp_path):
    image = gradient()
    palette_source = tmp_path / "palette.kmq"
    palette_source.write_bytes(kmq.encode(gradient(seed=5), colors=8))
    expected = kmqenc_bytes(tools, tmp_path, image, [f"--palette={palette_source}"])
    assert kmq.encode(image, palette=palette_source) == expected
    palette, _ = kmq.decode_indexed(expected)
    assert palette.shape == (8, 3)


@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("colors", [1, 2, 16, 256, 257, 4000])
def test_round_trip(channels, colors):
    image = gradient(channels=channels)
    data = kmq.encode(image, colors=colors)
    decoded = kmq.decode(data)
    assert decoded.dtype == np.uint8 and decoded.shape == image.shape
    palette, labels = kmq.decode_indexed(data)
    assert labels.dtype == np.uint16 and labels.shape == image.shape[:2]
    assert palette.dtype == np.uint8 and palette.shape[1] == channels
    assert palette.shape[0] <= colors
    assert np.array_equal(palette[labels], decoded)
    quantized_palette, quantized_labels, stats = kmq.quantize(image, colors=colors)
    assert np.array_equal(quantized_palette[quantized_labels], decoded)
    assert stats["colors"] == palette.shape[0]
    facts = kmq.info(data)
    assert (facts["width"], facts["height"], facts["channels"]) == (64, 48, channels)
    assert facts["palette_size"] == palette.shape[0]
    assert facts["file_size"] == len(data)
    assert [c["type"] for c in facts["chunks"]][0] == "HEAD"


def test_lossless_when_colours_fit():
    image = gradient()[:, :, :3] // 64 * 64  # 64 colours at most
    assert np.array_equal(kmq.decode(kmq.encode(image, colors=256)), image)


def test_strided_and_non_contiguous_arrays_encode_as_their_copies():
    base = gradient(96, 128, 4)
    views = [base[::2, ::2, :3], base[:, :, 2::-1], np.asfortranarray(base[..., :3]),
             base[10:40, 5:60, :]]
    for view in views:
        assert kmq.encode(view, colors=16) == kmq.encode(np.ascontiguousarray(view), colors=16)


def test_array_likes_and_bytes_like_inputs():
    image = gradient(4, 5)
    assert kmq.encode(image.tolist(), colors=4) == kmq.encode(image, colors=4)
    data = kmq.encode(image, colors=4)
    for wrapped in (bytearray(data), memoryview(data), np.frombuffer(data, np.uint8)):
        assert np.array_equal(kmq.decode(wrapped), kmq.decode(data))


@pytest.mark.parametrize("array, error, words", [
    (np.zeros((4, 4, 3), np.float32), TypeError, "dtype float32"),
    (np.zeros((4, 4, 3), np.uint16), TypeError, "dtype uint16"),
    (np.zeros((4, 4), np.uint8), ValueError, "shape (4, 4)"),
    (np.zeros((4, 4, 2), np.uint8), ValueError, "shape (4, 4, 2)"),
    (np.zeros((0, 4, 3), np.uint8), ValueError, "shape (0, 4, 3)"),
    (np.zeros((2, 2, 2, 3), np.uint8), ValueError, "shape (2, 2, 2, 3)"),
])
def test_bad_arrays_name_the_problem(array, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        kmq.encode(array)
    with pytest.raises(error):
        kmq.quantize(array)


def test_bad_options():
    image = gradient(8, 8)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colours'"):
        kmq.encode(image, colours=4)
    with pytest.raises(TypeError, match="unexpected keyword argument 'output'"):
        kmq.encode(image, output="x.kmq")
    with pytest.raises(ValueError, match="--colors must be in 1..65536, not 0"):
        kmq.encode(image, colors=0)
    with pytest.raises(ValueError, match="--method must be one of"):
        kmq.encode(image, method="median-cut")
    with pytest.raises(ValueError, match="--dither must be in 0..1"):
        kmq.encode(image, dither=2)
    with pytest.raises(TypeError, match="strip is a flag"):
        kmq.encode(image, strip="yes")
    with pytest.raises(TypeError, match="decode_file\\(\\) got an unexpected"):
        kmq.decode_file("a.kmq", "b.png", colors=3)
    with pytest.raises(TypeError, match="bytes"):
        kmq.decode("not bytes")
    with pytest.raises(ValueError, match="max_pixels"):
        kmq.decode(b"", max_pixels=0)


def test_target_not_met_and_limits():
    image = gradient()
    with pytest.raises(kmq.Error) as caught:
        kmq.encode(image, max_bytes=20)
    assert caught.value.category == "target_not_met"
    data = kmq.encode(image, colors=4)
    with pytest.raises(kmq.Error) as caught:
        kmq.decode(data, max_pixels=100)
    assert caught.value.category == "limit_exceeded"
    assert "limit" in str(caught.value) or "pixels" in str(caught.value)


def expected_categories():
    lines = (VECTORS / "invalid" / "expected.txt").read_text().split("\n")
    return [tuple(line.split()) for line in lines if line.strip()]


@pytest.mark.parametrize("name, category", expected_categories())
def test_invalid_vectors_raise_their_category(name, category):
    data = (VECTORS / "invalid" / f"{name}.kmq").read_bytes()
    with pytest.raises(kmq.Error) as caught:
        kmq.decode(data)
    assert caught.value.category == category
    assert caught.value.category in kmq.CATEGORIES
    assert caught.value.message and str(caught.value).startswith(category.replace("_", " "))


def read_pam(path: Path) -> np.ndarray:
    data = path.read_bytes()
    header, _, pixels = data.partition(b"ENDHDR\n")
    fields = dict(line.split(b" ", 1) for line in header.split(b"\n")[1:] if b" " in line)
    width, height, depth = (int(fields[k]) for k in (b"WIDTH", b"HEIGHT", b"DEPTH"))
    return np.frombuffer(pixels, np.uint8).reshape(height, width, depth)


@pytest.mark.parametrize("path", sorted((VECTORS / "valid").glob("*.kmq")), ids=lambda p: p.stem)
def test_valid_vectors_decode_exactly(path):
    expected = read_pam(path.with_suffix(".pam"))
    assert np.array_equal(kmq.decode(path.read_bytes()), expected)


def test_metadata_round_trip():
    image = gradient(8, 8)
    exif = b"MM\x00\x2a\x00\x00\x00\x08\x00\x00"
    data = kmq.encode(image, colors=4, metadata={
        "exif": exif, "xmp": "<x:xmpmeta/>", "text": [{"keyword": "Title", "text": "kmq"}]})
    metadata = kmq.info(data)["metadata"]
    assert metadata["exif"] == exif and metadata["xmp"] == "<x:xmpmeta/>"
    assert metadata["text"][0]["keyword"] == "Title" and metadata["text"][0]["text"] == "kmq"
    assert "exif" not in kmq.info(kmq.encode(image, colors=4, strip=True,
                                             metadata={"exif": exif}))["metadata"]
    with pytest.raises(ValueError, match="unknown metadata key"):
        kmq.encode(image, metadata={"comment": "x"})
    with pytest.raises(kmq.Error):
        kmq.encode(image, metadata={"text": [{"keyword": "", "text": "x"}]})


def test_encode_with_stats_reports_the_json_fields():
    data, fields = kmq.encode_with_stats(gradient(), colors=16)
    assert fields["bytes"] == len(data) and fields["colors"] == 16 and fields["ok"]
    assert fields["psnr"] > 20 and fields["stats"]["iterations"] >= 1


def test_rd_labels_shrink_the_file_and_report_their_lambda():
    pixels = gradient()
    plain, _ = kmq.encode_with_stats(pixels, colors=32)
    rated, fields = kmq.encode_with_stats(pixels, colors=32, rd=40)
    assert len(rated) < len(plain)
    assert fields["rd_lambda"] == 40 and fields["expected_label_bits_per_pixel"] > 0
    with pytest.raises(ValueError):
        kmq.encode(pixels, colors=16, rd=8, dither=True)


def test_threads_give_the_same_bytes_and_release_the_gil():
    images = [gradient(120, 160, 3, seed=s) for s in range(4)]
    expected = [kmq.encode(image, colors=64, jobs=1) for image in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            got = list(pool.map(lambda image: kmq.encode(image, colors=64), images))
            assert got == expected
            decoded = list(pool.map(kmq.decode, got))
            assert all(np.array_equal(d, kmq.decode(e)) for d, e in zip(decoded, expected))
    # While one thread encodes a large image, another runs Python code: the GIL is free.
    big = gradient(1024, 1024, 3)
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        kmq.encode(big, colors=256, jobs=1)
    finally:
        done.set()
        counter.join()
    assert ticks > 1000


def test_error_pickles_with_its_category():
    import pickle

    error = pickle.loads(pickle.dumps(kmq.Error("file truncated", "corrupt_file")))
    assert error.category == "corrupt_file" and error.message == "file truncated"
