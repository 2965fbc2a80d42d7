# SPDX-License-Identifier: MIT
"""kmq.compare's rows and kmq.explore's inline report."""

import html

import pytest

import kmq
from conftest import ROOT, gradient

SAMPLE = ROOT / "tests" / "data" / "rocket.jpg"


def test_compare_rows():
    rows = kmq.compare([SAMPLE, gradient()], colors=[4, 16])
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else rows
    assert len(records) == 4
    for row in records:
        assert row["k"] in (4, 16) and row["kmq_bytes"] > 0 and row["png_bytes"] > 0
        assert row["psnr"] > 10
    assert records[0]["image"] == "rocket.jpg"
    with pytest.raises(ValueError, match="colors"):
        kmq.compare(SAMPLE, colors=[0])
    with pytest.raises(kmq.Error):
        kmq.compare(ROOT / "missing.png", colors=[4])


def test_explore_renders_the_report_inline(tmp_path):
    report = kmq.explore(SAMPLE, colors=[4, 16], max_side=64)
    shown = report._repr_html_()
    assert shown.startswith("<iframe srcdoc=")
    page = html.unescape(shown.split('srcdoc="', 1)[1].split('" style=', 1)[0])
    assert page == report.html
    assert "<script" in page and "data:image/png;base64," in page
    assert 'src="http' not in page and 'href="http' not in page
    assert [row["k"] for row in report.rows] == [4, 16]
    report.save(tmp_path / "report.html")
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == report.html
