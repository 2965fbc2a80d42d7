#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""kmq's palettes against pngquant's on PSNR, SSIM and butteraugli, at the same K, undithered.

For every image and K: PSNR, SSIM (11x11 Gaussian window of sigma 1.5, as kmq::ssim) and
butteraugli's score (lower is better) of pngquant --nofs and of kmqenc with each set of
options given (--variant NAME="OPTIONS", repeatable; default: kmq's defaults), then per
variant and K how often it is at least as good as pngquant on butteraugli and on PSNR + 0.1 dB.

Usage: tools/scripts/perceptual_vs_pngquant.py [--tools build/tools] [--ks 16,64,256]
       [--variant default=""] [--variant oklab="--space oklab"] IMAGE...
A benchmark, not a test; needs pngquant, ImageMagick (convert), scipy and butteraugli.
"""

import argparse
import os
import shlex
import statistics
import sys
import tempfile

from scipy.ndimage import gaussian_filter

from image_metrics import butteraugli, psnr, rgb, run


def ssim(a, b):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    total = 0.0
    for c in range(3):
        x, y = a[..., c], b[..., c]
        blur = lambda v: gaussian_filter(v, 1.5, truncate=5 / 1.5)  # noqa: E731
        mx, my = blur(x), blur(y)
        vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
        index = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
        total += index[5:-5, 5:-5].mean()
    return total / 3


def measure(source, original, candidate_png):
    candidate = rgb(candidate_png)
    return {"psnr": psnr(original, candidate), "ssim": ssim(original, candidate),
            "butt": butteraugli(source, candidate_png)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="build/tools")
    parser.add_argument("--ks", default="16,64,256")
    parser.add_argument("--variant", action="append", default=[],
                        help='NAME="kmqenc options" (repeatable)')
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    variants = [v.split("=", 1) for v in args.variant] or [["default", ""]]
    kmqenc = os.path.join(args.tools, "kmqenc")
    kmqdec = os.path.join(args.tools, "kmqdec")
    results = []
    print(f"{'image':24} {'K':>4} {'who':>10} {'bytes':>9} {'psnr':>7} {'ssim':>7} {'butt':>7}",
          flush=True)
    with tempfile.TemporaryDirectory() as work:
        for image in args.images:
            source = os.path.join(work, "source.png")
            run(["convert", image, "-alpha", "off", f"PNG24:{source}"])
            original = rgb(source)
            name = os.path.basename(image)[:24]
            for k in (int(v) for v in args.ks.split(",")):
                pq_png = os.path.join(work, "pq.png")
                run(["pngquant", "--nofs", "--force", "--output", pq_png, str(k), source])
                pq = measure(source, original, pq_png)
                pq["bytes"] = os.path.getsize(pq_png)
                print(f"{name:24} {k:4d} {'pngquant':>10} {pq['bytes']:9d} {pq['psnr']:7.3f} "
                      f"{pq['ssim']:7.4f} {pq['butt']:7.3f}", flush=True)
                for variant, options in variants:
                    kmq_file = os.path.join(work, "k.kmq")
                    kmq_png = os.path.join(work, "k.png")
                    run([kmqenc, source, "-o", kmq_file, "--force", "-q", "-k", str(k)]
                        + shlex.split(options))
                    run([kmqdec, kmq_file, "-o", kmq_png, "--force"])
                    kq = measure(source, original, kmq_png)
                    kq["bytes"] = os.path.getsize(kmq_file)
                    print(f"{name:24} {k:4d} {variant[:10]:>10} {kq['bytes']:9d} "
                          f"{kq['psnr']:7.3f} {kq['ssim']:7.4f} {kq['butt']:7.3f} "
                          f"(butt {kq['butt'] - pq['butt']:+.3f}, psnr {kq['psnr'] - pq['psnr']:+.3f})",
                          flush=True)
                    results.append({"variant": variant, "k": k, "image": name, "pq": pq, "kmq": kq})
    for variant, _ in variants:
        for k in sorted({r["k"] for r in results}):
            rows = [r for r in results if r["variant"] == variant and r["k"] == k]
            butt = sum(r["kmq"]["butt"] <= r["pq"]["butt"] for r in rows)
            both = sum(r["kmq"]["butt"] <= r["pq"]["butt"]
                       and r["kmq"]["psnr"] >= r["pq"]["psnr"] + 0.1 for r in rows)
            print(f"{variant} K={k}: butteraugli <= pngquant on {butt}/{len(rows)}, and PSNR >= "
                  f"pngquant + 0.1 dB as well on {both}/{len(rows)}; median butteraugli ratio "
                  f"{statistics.median(r['kmq']['butt'] / r['pq']['butt'] for r in rows):.3f}, "
                  f"median PSNR {statistics.median(r['kmq']['psnr'] - r['pq']['psnr'] for r in rows):+.3f} dB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
