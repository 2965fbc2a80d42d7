#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# PSNR (RGB) of kmqenc's methods against pngquant --nofs at the same K, on the same images.
# Usage: quality_vs_pngquant.sh [IMAGE...]; needs pngquant, ImageMagick (convert) and python3-pil.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${KMQ_BIN:-build/tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(../shared/corpus/{rocket.jpg,coffee.png,chelsea.png,astronaut.png,eveningglow_2560x1600.jpg})
psnr_of() { tools/scripts/psnr.py "$1" "$2"; }
printf "%-26s %4s %9s %9s %9s %9s %9s\n" image K pngquant kmeans minibatch gmm kmeans-pq
for image in "${images[@]}"; do
  convert "$image" -alpha off "PNG24:$work/src.png"
  for k in ${KS:-16 64 256}; do
    pngquant --nofs --speed 3 --force --output "$work/pq.png" "$k" "$work/src.png"
    pq=$(psnr_of "$work/src.png" "$work/pq.png")
    row=()
    for method in kmeans minibatch gmm; do
      "$bin"/kmqenc "$work/src.png" -o "$work/k.kmq" -f -k "$k" -m "$method" -l 3
      "$bin"/kmqdec "$work/k.kmq" -o "$work/k.png" -f
      row+=("$(psnr_of "$work/src.png" "$work/k.png")")
    done
    printf "%-26s %4d %9.3f %9.3f %9.3f %9.3f %+9.3f\n" "$(basename "$image")" "$k" "$pq" "${row[@]}" \
      "$(awk -v a="${row[0]}" -v b="$pq" 'BEGIN{print a-b}')"
  done
done
