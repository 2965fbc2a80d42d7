#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Rate-distortion labels against the K-only search and against pngquant + optipng.

For every image: (1) --target-psnr at each target, searched with K and lambda (today's
default) and with K only (--rd 0): bytes, PSNR, wall time, and the ratios; (2) Bjontegaard
rates (BD-rate, PSNR and SSIM as the quality axes) of kmq's K + lambda search against the
K-only search over the targets, and against pngquant --nofs + optipng -o2 at K = 8 .. 256.

Usage: tools/scripts/rd_labels.py [--tools build/tools] [--targets 30,33,36] IMAGE...
A benchmark, not a test: run it on an idle machine; times are wall clock of one run each.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def run(command):
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {done.returncode}: {done.stderr}")
    return done, seconds


class Tools:
    def __init__(self, folder):
        self.kmqenc = os.path.join(folder, "kmqenc")
        self.kmqdec = os.path.join(folder, "kmqdec")

    def encode(self, image, output, options):
        done, seconds = run([self.kmqenc, image, "-o", output, "--force", "--json", "-q"] + options)
        result = json.loads(done.stdout)[0]
        result["wall"] = seconds
        return result

    def quality(self, kmq_file, original):
        """PSNR and SSIM of a .kmq file against the original."""
        decoded = os.path.join(os.path.dirname(kmq_file), "decoded.ppm")
        done, _ = run([self.kmqdec, kmq_file, "-o", decoded, "--force", "--compare", original])
        found = re.search(r"psnr ([0-9.]+) dB, ssim ([0-9.]+)", done.stderr)
        return float(found.group(1)), float(found.group(2))


def bd_rate(rates_a, quality_a, rates_b, quality_b):
    """Average bitrate difference of B against A at equal quality, in percent (Bjontegaard:
    cubic fits of log rate against quality, integrated over the shared quality range)."""
    fit_a = np.polyfit(quality_a, np.log(rates_a), min(3, len(rates_a) - 1))
    fit_b = np.polyfit(quality_b, np.log(rates_b), min(3, len(rates_b) - 1))
    low = max(min(quality_a), min(quality_b))
    high = min(max(quality_a), max(quality_b))
    if high <= low:
        return float("nan")
    integral_a = np.polyval(np.polyint(fit_a), high) - np.polyval(np.polyint(fit_a), low)
    integral_b = np.polyval(np.polyint(fit_b), high) - np.polyval(np.polyint(fit_b), low)
    return (np.exp((integral_b - integral_a) / (high - low)) - 1) * 100


def pngquant_curve(tools, image, work, colors):
    """Bytes, PSNR and SSIM of pngquant --nofs + optipng at each K."""
    points = []
    source = image
    if not image.lower().endswith(".png"):
        source = os.path.join(work, "source.png")  # pngquant reads PNG only
        run(["convert", image, source])
    for k in colors:
        png = os.path.join(work, f"pq{k}.png")
        subprocess.run(["pngquant", "--nofs", "--speed", "1", "--force", "--output", png,
                        str(k), source], check=False, capture_output=True)
        if not os.path.exists(png):
            continue
        run(["optipng", "-quiet", "-o2", png])
        exact = os.path.join(work, f"pq{k}.kmq")
        run([tools.kmqenc, png, "-o", exact, "-k", "256", "--force", "-q", "--strip"])
        psnr, ssim = tools.quality(exact, source)
        points.append((os.path.getsize(png), psnr, ssim))
    return points


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="build/tools")
    parser.add_argument("--targets", default="30,33,36")
    parser.add_argument("--bd-targets", default="28,30,32,34,36")
    parser.add_argument("--pngquant-colors", default="8,16,32,64,128,256")
    parser.add_argument("--no-peer", action="store_true", help="skip pngquant + optipng")
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    tools = Tools(args.tools)
    targets = [float(t) for t in args.targets.split(",")]
    bd_targets = [float(t) for t in args.bd_targets.split(",")]
    peer = not args.no_peer and shutil.which("pngquant") and shutil.which("optipng")
    ratios, time_ratios = {t: [] for t in targets}, []
    bd_k_psnr, bd_k_ssim, bd_pq_psnr, bd_pq_ssim = [], [], [], []
    with tempfile.TemporaryDirectory() as work:
        print("| image | target dB | K only: K, bytes, PSNR, s | K + lambda: K, lambda, bytes, "
              "PSNR, s | bytes ratio | time ratio |")
        print("|---|---|---|---|---|---|")
        curves = {}
        for image in args.images:
            name = os.path.basename(image)
            curves[name] = {"k": [], "rd": []}
            for target in sorted(set(targets) | set(bd_targets)):
                out = os.path.join(work, "t.kmq")
                plain = tools.encode(image, out, ["--target-psnr", str(target), "--rd", "0"])
                plain_quality = tools.quality(out, image)
                rated = tools.encode(image, out, ["--target-psnr", str(target)])
                rated_quality = tools.quality(out, image)
                curves[name]["k"].append((plain["bytes"],) + plain_quality)
                curves[name]["rd"].append((rated["bytes"],) + rated_quality)
                if target not in targets:
                    continue
                ratio = rated["bytes"] / plain["bytes"]
                time_ratio = rated["wall"] / plain["wall"]
                ratios[target].append(ratio)
                time_ratios.append(time_ratio)
                print(f"| {name} | {target:g} | {plain['colors']}, {plain['bytes']}, "
                      f"{plain['psnr']:.2f}, {plain['wall']:.2f} | {rated['colors']}, "
                      f"{rated.get('rd_lambda', 0):g}, {rated['bytes']}, {rated['psnr']:.2f}, "
                      f"{rated['wall']:.2f} | {ratio:.3f} | {time_ratio:.2f} |", flush=True)
            k_curve, rd_curve = curves[name]["k"], curves[name]["rd"]
            for axis, k_list, pq_list in ((1, bd_k_psnr, bd_pq_psnr), (2, bd_k_ssim, bd_pq_ssim)):
                k_list.append(bd_rate([p[0] for p in k_curve], [p[axis] for p in k_curve],
                                      [p[0] for p in rd_curve], [p[axis] for p in rd_curve]))
            if peer:
                pq = pngquant_curve(tools, image, work,
                                    [int(k) for k in args.pngquant_colors.split(",")])
                curves[name]["pngquant"] = pq
                for axis, pq_list in ((1, bd_pq_psnr), (2, bd_pq_ssim)):
                    pq_list.append(bd_rate([p[0] for p in pq], [p[axis] for p in pq],
                                           [p[0] for p in rd_curve], [p[axis] for p in rd_curve]))
        print()
        for target in targets:
            print(f"target {target:g} dB: median bytes ratio {statistics.median(ratios[target]):.3f}"
                  f" (min {min(ratios[target]):.3f}, max {max(ratios[target]):.3f})")
        print(f"search time ratio: median {statistics.median(time_ratios):.2f}, "
              f"max {max(time_ratios):.2f}")
        print()
        print("| image | BD-rate vs K only (PSNR) | (SSIM) |"
              + (" vs pngquant+optipng (PSNR) | (SSIM) |" if peer else ""))
        print("|---|---|---|" + ("---|---|" if peer else ""))
        for i, image in enumerate(args.images):
            line = f"| {os.path.basename(image)} | {bd_k_psnr[i]:+.1f} % | {bd_k_ssim[i]:+.1f} % |"
            if peer:
                line += f" {bd_pq_psnr[i]:+.1f} % | {bd_pq_ssim[i]:+.1f} % |"
            print(line)
        summary = (f"median BD-rate vs K only: PSNR {statistics.median(bd_k_psnr):+.1f} %, "
                   f"SSIM {statistics.median(bd_k_ssim):+.1f} %")
        if peer:
            summary += (f"; vs pngquant+optipng: PSNR {statistics.median(bd_pq_psnr):+.1f} %, "
                        f"SSIM {statistics.median(bd_pq_ssim):+.1f} %")
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
