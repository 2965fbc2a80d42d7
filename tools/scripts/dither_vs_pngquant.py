#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""kmq's dithering against pngquant's default (Floyd-Steinberg with its edge and noise maps).

For every image and K: bytes (kmq's .kmq against pngquant's PNG as it writes it), PSNR,
blurred PSNR (both images through a Gaussian of sigma 1.5 first: what the eye integrates
from a dither pattern) and, unless --no-butteraugli, butteraugli's score (lower is better).

Usage: tools/scripts/dither_vs_pngquant.py [--tools build/tools] [--ks 16,64]
       [--kmq-options "--dither"] [--no-butteraugli] IMAGE...
A benchmark, not a test; needs pngquant, ImageMagick (convert), scipy and butteraugli.
"""

import argparse
import os
import shlex
import statistics
import sys
import tempfile


from image_metrics import blurred, butteraugli, psnr, rgb, run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="build/tools")
    parser.add_argument("--ks", default="16,64")
    parser.add_argument("--kmq-options", default="--dither")
    parser.add_argument("--no-butteraugli", action="store_true")
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    kmqenc = os.path.join(args.tools, "kmqenc")
    kmqdec = os.path.join(args.tools, "kmqdec")
    extra = shlex.split(args.kmq_options)
    rows = []
    header = (f"{'image':24} {'K':>4} {'pq bytes':>9} {'kmq bytes':>9} {'ratio':>6} "
              f"{'pq psnr':>8} {'kmq psnr':>8} {'pq blur':>8} {'kmq blur':>8} {'d blur':>7}")
    if not args.no_butteraugli:
        header += f" {'pq butt':>8} {'kmq butt':>8}"
    print(header, flush=True)
    with tempfile.TemporaryDirectory() as work:
        for image in args.images:
            source = os.path.join(work, "source.png")
            run(["convert", image, "-alpha", "off", f"PNG24:{source}"])
            original = rgb(source)
            original_blurred = blurred(original)
            for k in (int(v) for v in args.ks.split(",")):
                pq_png = os.path.join(work, "pq.png")
                run(["pngquant", "--force", "--output", pq_png, str(k), source])
                kmq_file = os.path.join(work, "k.kmq")
                kmq_png = os.path.join(work, "k.png")
                run([kmqenc, source, "-o", kmq_file, "--force", "-q", "-k", str(k)] + extra)
                run([kmqdec, kmq_file, "-o", kmq_png, "--force"])
                pq, kq = rgb(pq_png), rgb(kmq_png)
                row = {
                    "image": os.path.basename(image), "k": k,
                    "pq_bytes": os.path.getsize(pq_png), "kmq_bytes": os.path.getsize(kmq_file),
                    "pq_psnr": psnr(original, pq), "kmq_psnr": psnr(original, kq),
                    "pq_blur": psnr(original_blurred, blurred(pq)),
                    "kmq_blur": psnr(original_blurred, blurred(kq)),
                }
                line = (f"{row['image'][:24]:24} {k:4d} {row['pq_bytes']:9d} "
                        f"{row['kmq_bytes']:9d} {row['kmq_bytes'] / row['pq_bytes']:6.3f} "
                        f"{row['pq_psnr']:8.3f} {row['kmq_psnr']:8.3f} {row['pq_blur']:8.3f} "
                        f"{row['kmq_blur']:8.3f} {row['kmq_blur'] - row['pq_blur']:+7.3f}")
                if not args.no_butteraugli:
                    row["pq_butt"] = butteraugli(source, pq_png)
                    row["kmq_butt"] = butteraugli(source, kmq_png)
                    line += f" {row['pq_butt']:8.3f} {row['kmq_butt']:8.3f}"
                print(line, flush=True)
                rows.append(row)
    for k in sorted({row["k"] for row in rows}):
        at_k = [row for row in rows if row["k"] == k]
        wins = sum(row["kmq_blur"] >= row["pq_blur"] for row in at_k)
        fits = sum(row["kmq_bytes"] <= row["pq_bytes"] for row in at_k)
        summary = (f"K={k}: blurred PSNR >= pngquant on {wins}/{len(at_k)}, median "
                   f"{statistics.median(r['kmq_blur'] - r['pq_blur'] for r in at_k):+.3f} dB; "
                   f"bytes <= pngquant on {fits}/{len(at_k)}, median ratio "
                   f"{statistics.median(r['kmq_bytes'] / r['pq_bytes'] for r in at_k):.3f}")
        if not args.no_butteraugli:
            better = sum(row["kmq_butt"] <= row["pq_butt"] for row in at_k)
            summary += f"; butteraugli <= pngquant on {better}/{len(at_k)}"
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
