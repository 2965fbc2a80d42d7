# SPDX-License-Identifier: MIT
"""kmq.encode_file and kmq.decode_file write what kmqenc and kmqdec write."""

import json
import re

import numpy as np
import pytest

import kmq
from conftest import ROOT, gradient, run_tool, write_netpbm
from kmq import _options

SAMPLE = ROOT / "tests" / "data" / "rocket.jpg"


@pytest.fixture
def photo_with_metadata(tmp_path):
    """A JPEG with an ICC profile and Exif, made by Pillow."""
    from PIL import Image, ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "kmq test camera"
    path = tmp_path / "photo.jpg"
    Image.fromarray(gradient(60, 80)).save(path, quality=92, icc_profile=icc, exif=exif.tobytes())
    return path


@pytest.mark.parametrize("options", [{"colors": 16}, {"colors": 64, "dither": 0.75},
                                     {"target_psnr": 32.0}, {"colors": 16, "strip": True},
                                     {"colors": 8, "format": "png"}])
def test_encode_file_matches_kmqenc(tools, tmp_path, photo_with_metadata, options):
    suffix = ".png" if options.get("format") == "png" else ".kmq"
    ours, theirs = tmp_path / f"ours{suffix}", tmp_path / f"theirs{suffix}"
    result = kmq.encode_file(photo_with_metadata, ours, **options)
    words = [f"--{k.replace('_', '-')}" + ("" if v is True else f"={v}") for k, v in
             options.items()]
    done = run_tool(tools, "kmqenc", *words, "--json", str(photo_with_metadata), "-o",
                    str(theirs))
    assert done.returncode == 0, done.stderr.decode()
    assert ours.read_bytes() == theirs.read_bytes()
    cli = json.loads(done.stdout)[0]
    for key, value in cli.items():
        assert key in result
        if key not in ("seconds", "output"):
            assert result[key] == (pytest.approx(value, rel=1e-4, abs=1e-5)
                                  if isinstance(value, float) else value)
    if suffix == ".kmq":
        metadata = kmq.info(ours.read_bytes())["metadata"]
        assert ("icc_profile" in metadata) != bool(options.get("strip"))
        assert ("exif" in metadata) != bool(options.get("strip"))


def test_encode_file_refuses_to_overwrite(tmp_path):
    output = tmp_path / "out.kmq"
    kmq.encode_file(SAMPLE, output, colors=4)
    first = output.read_bytes()
    with pytest.raises(kmq.Error) as caught:
        kmq.encode_file(SAMPLE, output, colors=8)
    assert caught.value.category == "io" and "exists" in caught.value.message
    assert output.read_bytes() == first
    kmq.encode_file(SAMPLE, output, colors=8, force=True)
    assert output.read_bytes() != first
    with pytest.raises(ValueError, match="refusing to overwrite the input"):
        kmq.encode_file(output, output, colors=4, force=True)


def test_encode_file_errors_leave_nothing(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 30)
    with pytest.raises(kmq.Error) as caught:
        kmq.encode_file(bad, tmp_path / "bad.kmq")
    assert caught.value.category == "corrupt_file"
    with pytest.raises(kmq.Error) as caught:
        kmq.encode_file(tmp_path / "missing.png", tmp_path / "missing.kmq")
    assert caught.value.category == "io"
    with pytest.raises(kmq.Error) as caught:
        kmq.encode_file(SAMPLE, tmp_path / "tiny.kmq", max_bytes=50)
    assert caught.value.category == "target_not_met"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.png"]


def test_skip_if_larger_writes_nothing(tmp_path):
    source = tmp_path / "flat.png"
    from PIL import Image

    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(source)
    result = kmq.encode_file(source, tmp_path / "flat.kmq", skip_if_larger=True, colors=2,
                             effort=1, level=1)
    if result.get("skipped"):
        assert not (tmp_path / "flat.kmq").exists() and not result["ok"]
    else:
        assert (tmp_path / "flat.kmq").stat().st_size <= source.stat().st_size


@pytest.mark.parametrize("suffix, options", [(".png", {}), (".ppm", {}), (".pam", {}),
                                             (".jpg", {"quality": 80}), (".png", {"strip": True})])
def test_decode_file_matches_kmqdec(tools, tmp_path, photo_with_metadata, suffix, options):
    source = tmp_path / "in.kmq"
    kmq.encode_file(photo_with_metadata, source, colors=32)
    ours, theirs = tmp_path / f"ours{suffix}", tmp_path / f"theirs{suffix}"
    result = kmq.decode_file(source, ours, **options)
    words = [f"--{k}" + ("" if v is True else f"={v}") for k, v in options.items()]
    done = run_tool(tools, "kmqdec", *words, str(source), "-o", str(theirs))
    assert done.returncode == 0, done.stderr.decode()
    assert ours.read_bytes() == theirs.read_bytes()
    assert result["bytes"] == ours.stat().st_size and result["colors"] == 32


def test_decode_file_compare_and_errors(tmp_path):
    source = tmp_path / "in.kmq"
    kmq.encode_file(SAMPLE, source, colors=16)
    result = kmq.decode_file(source, tmp_path / "out.png", compare=SAMPLE)
    assert 20 < result["psnr"] < 40
    (tmp_path / "bad.kmq").write_bytes(b"\x8bKMQ\r\n\x1a\n")
    with pytest.raises(kmq.Error) as caught:
        kmq.decode_file(tmp_path / "bad.kmq", tmp_path / "bad.png")
    assert caught.value.category == "corrupt_file"
    assert not (tmp_path / "bad.png").exists()
    with pytest.raises(ValueError, match="output format"):
        kmq.decode_file(source, tmp_path / "out.tiff")


def test_decode_file_warns_of_dropped_metadata(tmp_path, photo_with_metadata):
    source = tmp_path / "in.kmq"
    kmq.encode_file(photo_with_metadata, source, colors=16)
    with pytest.warns(RuntimeWarning, match="cannot hold"):
        kmq.decode_file(source, tmp_path / "out.ppm")


def test_paths_that_look_like_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_netpbm(tmp_path / "-dash.ppm", gradient(8, 8))
    kmq.encode_file("-dash.ppm", "-dash.kmq", colors=4)
    assert (tmp_path / "-dash.kmq").exists()


def help_options(tools, name):
    text = run_tool(tools, name, "--help").stdout.decode()
    return set(re.findall(r"--([a-z][a-z-]+)", text)) - {"help", "version"}


def test_option_tables_match_the_tools(tools):
    kmqenc = _options.KMQENC_VALUES | _options.KMQENC_OPTIONAL_VALUES | _options.KMQENC_FLAGS
    assert help_options(tools, "kmqenc") >= kmqenc
    usage = run_tool(tools, "kmqenc", "--help").stdout.decode()
    listed = set(re.findall(r"^\s+(?:-\w, )?--([a-z][a-z-]+)", usage, re.M))
    assert listed - {"help", "version"} == kmqenc
    usage = run_tool(tools, "kmqdec", "--help").stdout.decode()
    listed = set(re.findall(r"^\s+(?:-\w, )?--([a-z][a-z-]+)", usage, re.M))
    assert listed - {"help", "version"} == _options.KMQDEC_VALUES | _options.KMQDEC_FLAGS
