#!/usr/bin/python3
"""Draws the graphics the label-coding benchmarks judge kmq on: charts, documents, UI
screenshots, a terminal, a spreadsheet and pixel art, the kinds of image palettes are for.

The shared corpus holds one chart and one documentation page; these add more of each kind so
that no result rests on one file. Text comes from files every Debian machine has (licences,
headers, manuals), charts from matplotlib, pages from headless Chromium, pixel art from a
seeded generator. Nothing here is tuned to kmq: the pages are what such screens look like.

Usage: make_graphics.py OUTPUT_DIR   (needs python3-matplotlib, python3-numpy, python3-pil,
chromium; ./build.sh bench installs them)
"""
from __future__ import annotations

import html
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image


def read_text(path: str, limit: int) -> str:
    try:
        return Path(path).read_text(errors="replace")[:limit]
    except OSError:
        return "The quick brown fox jumps over the lazy dog. " * (limit // 45)


def screenshot(page: str, out: Path, width: int, height: int) -> None:
    """Renders an HTML page with headless Chromium at device scale 1."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("make_graphics.py: chromium is needed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "page.html"
        source.write_text(page)
        subprocess.run(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--force-device-scale-factor=1", f"--user-data-dir={scratch}/profile",
             f"--window-size={width},{height}", f"--screenshot={out}", source.as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    # Chromium writes RGBA; the pages are opaque.
    Image.open(out).convert("RGB").save(out)


def paragraphs(text: str) -> list[str]:
    blocks = [" ".join(b.split()) for b in text.split("\n\n")]
    return [b for b in blocks if len(b) > 80]


def article_page() -> str:
    """A long-form document: headings, paragraphs, a list, a table, a code block."""
    prose = paragraphs(read_text("/usr/share/common-licenses/GPL-3", 30000))
    code = html.escape(read_text("/usr/include/zstd.h", 40000)[12000:14500])
    parts = ["<h1>Terms and conditions</h1>"]
    for i, block in enumerate(prose[4:16]):
        if i % 4 == 0:
            parts.append(f"<h2>Section {i // 4 + 1}</h2>")
        parts.append(f"<p>{html.escape(block)}</p>")
        if i == 5:
            parts.append("<pre>" + code + "</pre>")
        if i == 8:
            rows = "".join(
                f"<tr><td>{n}</td><td>{w}</td><td>{len(w) * 37 % 101}</td></tr>"
                for n, w in enumerate(block.split()[:8]))
            parts.append(f"<table><tr><th>#</th><th>word</th><th>score</th></tr>{rows}</table>")
    style = """body{font:16px/1.5 'DejaVu Serif',serif;margin:40px 80px;color:#222;background:#fff}
h1,h2{font-family:'DejaVu Sans',sans-serif;color:#1a3d6d}
pre{background:#f4f4f4;border:1px solid #ddd;padding:10px;font:13px 'DejaVu Sans Mono',monospace}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 10px}"""
    return f"<html><head><style>{style}</style></head><body>{''.join(parts)}</body></html>"


def settings_page() -> str:
    """A desktop settings dialog: sidebar, toggles, buttons, fields, a list with icons."""
    names = ["Network", "Bluetooth", "Displays", "Sound", "Power", "Keyboard", "Mouse",
             "Printers", "Sharing", "Privacy", "Users", "Date & Time", "About"]
    sidebar = "".join(
        f"<div class='item{' sel' if n == 'Displays' else ''}'><span class='ico' "
        f"style='background:hsl({i * 27},60%,50%)'></span>{n}</div>" for i, n in enumerate(names))
    options = ["Night light", "Fractional scaling", "Mirror displays", "Variable refresh rate",
               "HDR", "Automatic brightness", "Dim screen when inactive", "Screen blank",
               "Show battery percentage", "Large text", "Reduce animation"]
    rows = "".join(
        f"<div class='row'><div><b>{o}</b><br><small>Adjusts {o.lower()} for every monitor "
        f"connected to this computer.</small></div><div class='tog{' on' if i % 3 else ''}'>"
        f"<i></i></div></div>" for i, o in enumerate(options))
    style = """body{margin:0;font:14px 'DejaVu Sans',sans-serif;background:#ececec;color:#303030}
.side{position:absolute;left:0;top:0;bottom:0;width:230px;background:#fafafa;border-right:1px solid #d0d0d0}
.item{padding:9px 16px}.sel{background:#3584e4;color:#fff}
.ico{display:inline-block;width:16px;height:16px;border-radius:4px;margin-right:10px;vertical-align:-3px}
.main{position:absolute;left:260px;top:20px;right:30px}
.row{display:flex;justify-content:space-between;align-items:center;background:#fff;border:1px solid #d8d8d8;padding:10px 14px;margin:-1px 0 0}
.tog{width:40px;height:22px;border-radius:11px;background:#c0c0c0;position:relative}.tog.on{background:#3584e4}
.tog i{position:absolute;top:2px;left:2px;width:18px;height:18px;border-radius:9px;background:#fff}.tog.on i{left:20px}
button{font:14px 'DejaVu Sans';padding:6px 16px;margin:14px 8px 0 0;border:1px solid #b0b0b0;border-radius:5px;background:#f6f6f6}
.primary{background:#3584e4;color:#fff;border-color:#1c6fd0}
input{font:14px 'DejaVu Sans';padding:5px;width:300px;border:1px solid #b0b0b0;border-radius:4px}"""
    body = (f"<div class='side'>{sidebar}</div><div class='main'><h2>Displays</h2>"
            f"<p>Resolution <input value='2560 × 1600 (16:10)'> Refresh <input value='60.00 Hz' "
            f"style='width:100px'></p>{rows}<button>Cancel</button><button>Identify</button>"
            f"<button class='primary'>Apply</button></div>")
    return f"<html><head><style>{style}</style></head><body>{body}</body></html>"


def dashboard_page() -> str:
    """A web dashboard: cards with figures, sparkline SVGs, a status table."""
    rng = random.Random(7)
    cards = []
    for i, title in enumerate(["Requests", "Errors", "Latency p99", "Users", "Storage", "CPU"]):
        points = " ".join(f"{x * 10},{40 - rng.randint(0, 38)}" for x in range(21))
        cards.append(
            f"<div class='card'><div class='t'>{title}</div><div class='v'>"
            f"{rng.randint(100, 99999):,}</div><svg width='200' height='42'><polyline "
            f"points='{points}' fill='none' stroke='hsl({i * 55},70%,45%)' stroke-width='2'/>"
            f"</svg></div>")
    services = ["auth", "billing", "search", "gateway", "mailer", "thumbnails", "indexer",
                "scheduler", "reports", "exports", "webhooks", "cache"]
    rows = "".join(
        f"<tr><td>{s}</td><td><span class='dot {'ok' if rng.random() > .2 else 'bad'}'></span>"
        f"</td><td>{rng.randint(1, 40)}</td><td>{rng.uniform(0, 100):.1f} %</td>"
        f"<td>{rng.randint(1, 900)} ms</td><td>v{rng.randint(1, 9)}.{rng.randint(0, 20)}</td></tr>"
        for s in services)
    style = """body{margin:0;font:14px 'DejaVu Sans',sans-serif;background:#f3f5f8;color:#1f2933}
.top{background:#1f2933;color:#fff;padding:14px 24px;font-size:18px}
.cards{display:flex;flex-wrap:wrap;padding:16px}.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px #bbb;margin:8px;padding:12px 16px;width:220px}
.t{color:#616e7c}.v{font-size:26px;font-weight:bold}
table{margin:8px 24px;border-collapse:collapse;background:#fff;width:900px}td,th{padding:7px 12px;border-bottom:1px solid #e4e7eb;text-align:left}
.dot{display:inline-block;width:10px;height:10px;border-radius:5px}.ok{background:#3ebd93}.bad{background:#e12d39}"""
    head = "<tr><th>service</th><th>state</th><th>pods</th><th>load</th><th>p99</th><th>version</th></tr>"
    body = (f"<div class='top'>Operations overview</div><div class='cards'>{''.join(cards)}</div>"
            f"<table>{head}{rows}</table>")
    return f"<html><head><style>{style}</style></head><body>{body}</body></html>"


def terminal_page() -> str:
    """A terminal: monospace, dark background, a few highlight colours."""
    lines = read_text("/usr/share/common-licenses/Apache-2.0", 6000).splitlines()[:70]
    colours = ["#d0d0d0", "#87d787", "#5fafff", "#ffaf5f", "#d0d0d0", "#d0d0d0"]
    out = []
    for i, line in enumerate(lines):
        prompt = "<span style='color:#87d787'>user@host</span>:<span style='color:#5fafff'>~/src</span>$ "
        text = html.escape(line) or "&nbsp;"
        out.append((prompt if i % 9 == 0 else "") +
                   f"<span style='color:{colours[i % len(colours)]}'>{text}</span>")
    style = "body{margin:8px;background:#1c1c1c;font:14px/1.25 'DejaVu Sans Mono',monospace;white-space:pre}"
    return f"<html><head><style>{style}</style></head><body>{'<br>'.join(out)}</body></html>"


def spreadsheet_page() -> str:
    """A spreadsheet: a grid of figures with a header row and column, some cells shaded."""
    rng = random.Random(11)
    head = "".join(f"<th>{chr(65 + c)}</th>" for c in range(12))
    rows = []
    for r in range(1, 45):
        cells = "".join(
            f"<td{' class=h' if rng.random() < .06 else ''}>{rng.uniform(-500, 5000):,.2f}</td>"
            for _ in range(12))
        rows.append(f"<tr><th>{r}</th>{cells}</tr>")
    style = """body{margin:0;font:13px 'DejaVu Sans',sans-serif;background:#fff}
table{border-collapse:collapse}th{background:#eef0f2;color:#555;font-weight:normal;border:1px solid #c8c8c8;padding:2px 6px}
td{border:1px solid #dadada;padding:2px 6px;text-align:right;width:84px}.h{background:#fff2b3}"""
    return (f"<html><head><style>{style}</style></head><body><table><tr><th></th>{head}</tr>"
            f"{''.join(rows)}</table></body></html>")


def draw_charts(directory: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(3)
    fig, axes = plt.subplots(1, 2, figsize=(12.8, 5.6), dpi=100)
    for i in range(4):
        points = rng.normal(loc=(i, i * .5), scale=(.6, .4), size=(150, 2))
        axes[0].scatter(points[:, 0], points[:, 1], s=12, label=f"cluster {i}")
    axes[0].legend()
    axes[0].set_title("Scatter of four clusters")
    axes[0].grid(True, alpha=.3)
    axes[1].hist([rng.normal(m, 1, 2000) for m in (0, 1.5, 3)], bins=40, histtype="stepfilled",
                 alpha=.6, label=["A", "B", "C"])
    axes[1].legend()
    axes[1].set_title("Distributions")
    fig.tight_layout()
    fig.savefig(directory / "chart_scatter_hist.png")
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(12.8, 5.6), dpi=100)
    shares = [31, 24, 17, 12, 9, 7]
    axes[0].pie(shares, labels=["north", "south", "east", "west", "centre", "other"],
                autopct="%1.0f%%", startangle=90)
    axes[0].set_title("Sales by region")
    years = np.arange(2010, 2027)
    for name, growth in (("alpha", .05), ("beta", .09), ("gamma", .02)):
        axes[1].plot(years, 100 * (1 + growth) ** (years - 2010) + rng.normal(0, 3, years.size),
                     marker="o", label=name)
    axes[1].set_title("Revenue, index 2010 = 100")
    axes[1].legend()
    axes[1].grid(True, linestyle=":")
    fig.tight_layout()
    fig.savefig(directory / "chart_pie_lines.png")
    plt.close(fig)


def pixel_art(directory: Path) -> None:
    """A tile-map scene in 8 colours: ground, bricks, water, trees and sprites, 16×16 tiles
    drawn at 3× (as pixel art is shown), with per-tile variation so that not every tile
    repeats."""
    rng = np.random.default_rng(5)
    colours = np.array([[20, 12, 28], [68, 36, 52], [48, 52, 109], [78, 74, 78],
                        [133, 76, 48], [52, 101, 36], [208, 70, 72], [222, 238, 214]], np.uint8)
    tiles = []
    for _ in range(14):
        base = rng.integers(0, 8)
        tile = np.full((16, 16), base, np.uint8)
        for _ in range(rng.integers(3, 12)):
            x, y = rng.integers(0, 14, 2)
            w, h = rng.integers(1, 6, 2)
            tile[y:y + h, x:x + w] = rng.integers(0, 8)
        tiles.append(tile)
    columns, rows = 40, 24
    scene = np.zeros((rows * 16, columns * 16), np.uint8)
    for ty in range(rows):
        for tx in range(columns):
            band = min(ty * 4 // rows, 3)
            tile = tiles[(band * 3 + rng.integers(0, 5)) % len(tiles)].copy()
            if rng.random() < .15:  # a hand-placed detail
                x, y = rng.integers(0, 15, 2)
                tile[y, x] = rng.integers(0, 8)
            scene[ty * 16:(ty + 1) * 16, tx * 16:(tx + 1) * 16] = tile
    for _ in range(30):  # sprites over the tiles
        sprite = rng.integers(0, 8, (10, 8))
        sprite = np.where(rng.random((10, 8)) < .3, 255, sprite)
        x, y = rng.integers(0, columns * 16 - 8), rng.integers(0, rows * 16 - 10)
        region = scene[y:y + 10, x:x + 8]
        scene[y:y + 10, x:x + 8] = np.where(sprite == 255, region, sprite)
    image = colours[scene].repeat(3, axis=0).repeat(3, axis=1)
    Image.fromarray(image).crop((0, 0, 1600, 1000)).save(directory / "pixelart_tiles.png")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    directory = Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    draw_charts(directory)
    pixel_art(directory)
    for name, page, size in (("doc_article", article_page(), (1280, 1600)),
                             ("ui_settings", settings_page(), (1280, 800)),
                             ("ui_dashboard", dashboard_page(), (1280, 900)),
                             ("terminal", terminal_page(), (1000, 900)),
                             ("spreadsheet", spreadsheet_page(), (1280, 1000))):
        screenshot(page, directory / f"{name}.png", *size)
    for name in sorted(os.listdir(directory)):
        print(directory / name)


if __name__ == "__main__":
    main()
