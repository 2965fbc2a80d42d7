#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How close kmqdec can get to the decode target (to PPM in <= 0.33x of dwebp -ppm on the
# WebP-lossless file of the same pixels) on this machine. Alternating runs (one warm-up round,
# then RUNS rounds of each command in turn; wall time of the whole process) time
#   kmqdec      the default file (the label coding kmqenc chose),
#   kmqdec raw  the same pixels as method 0 (one zstd frame of indices: the least work any
#               label coding can ask of a decoder),
#   dwebp       the peer,
#   cp          copying the decoded PPM to a new file: writing the output, and nothing else,
# and prints each as a ratio to dwebp's median.
# Usage: decode_floor.sh [IMAGE...]; needs webp, ImageMagick. RUNS (default 10), KS.
set -euo pipefail
# shellcheck source=tools/scripts/peer_setup.sh
source "$(dirname "$0")/peer_setup.sh"
runs=${RUNS:-10}
images=("$@")
[ ${#images[@]} -gt 0 ] || images=("${speed_images[@]}")
# Median milliseconds of each command (one per argument), run in turn RUNS + 1 times.
alternate_ms() {
  python3 - "$runs" "$@" <<'PY'
import shlex, statistics, subprocess, sys, time
runs, commands = int(sys.argv[1]), [shlex.split(c) for c in sys.argv[2:]]
times = [[] for _ in commands]
for attempt in range(runs + 1):
    for command, spent in zip(commands, times):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        if attempt > 0:
            spent.append(1000 * (time.perf_counter() - start))
print(" ".join("%.1f" % statistics.median(spent) for spent in times))
PY
}
printf "%-26s %4s %9s %9s %9s %9s %7s %7s %7s\n" image K kmqdec_ms raw_ms dwebp_ms cp_ms kmqdec raw cp
for image in "${images[@]}"; do
  convert "$image" -alpha off "PNG24:$work/src.png"
  for k in ${KS:-16 256}; do
    "$bin"/kmqenc -q "$work/src.png" -o "$work/o.kmq" -f -k "$k"
    "$bin"/kmqdec "$work/o.kmq" -o "$work/o.png" -f
    "$bin"/kmqenc -q "$work/o.png" -o "$work/raw.kmq" -f -k "$k" --label-coding raw
    "$bin"/kmqdec "$work/o.kmq" -o "$work/o.ppm" -f
    "$bin"/kmqdec "$work/raw.kmq" -o "$work/raw.ppm" -f
    cmp -s "$work/o.ppm" "$work/raw.ppm" || { echo "decode_floor: raw file holds other pixels" >&2; exit 1; }
    cwebp -quiet -lossless -z 9 "$work/o.png" -o "$work/o.webp"
    read -r dec raw dw cp < <(alternate_ms \
      "$bin/kmqdec $work/o.kmq -o $work/d1.ppm -f" \
      "$bin/kmqdec $work/raw.kmq -o $work/d2.ppm -f" \
      "dwebp -quiet $work/o.webp -ppm -o $work/d3.ppm" \
      "cp $work/o.ppm $work/d4.ppm")
    printf "%-26s %4d %9s %9s %9s %9s %7.2f %7.2f %7.2f\n" "$(basename "$image")" "$k" \
      "$dec" "$raw" "$dw" "$cp" "$(awk -v a="$dec" -v b="$dw" 'BEGIN{print a/b}')" \
      "$(awk -v a="$raw" -v b="$dw" 'BEGIN{print a/b}')" "$(awk -v a="$cp" -v b="$dw" 'BEGIN{print a/b}')"
  done
done
