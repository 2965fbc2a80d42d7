#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Whole-file bytes of .kmq against PNG8, WebP lossless and JPEG XL lossless holding exactly the
# same quantized pixels (alpha kept where the image has it; metadata stripped everywhere), and
# the medians of the three ratios. Usage: size_vs_peers.sh [IMAGE...]  (KS="16 64 256",
# KMQ_ENC_ARGS=... to vary). Needs webp (cwebp -lossless -z 9), libjxl-tools (cjxl -q 100 -e 7)
# and optipng (PNG8 optimised with -o2); run after ./build.sh.
set -euo pipefail
# shellcheck source=tools/scripts/peer_setup.sh
source "$(dirname "$0")/peer_setup.sh"
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(../shared/corpus/{rocket.jpg,coffee.png,chelsea.png,astronaut.png,eveningglow_2560x1600.jpg})
printf "%-26s %4s %9s %9s %9s %9s %8s %8s %8s\n" image K kmq png8 webp jxl kmq/png8 kmq/webp kmq/jxl
ratios=$work/ratios
for image in "${images[@]}"; do
  for k in ${KS:-16 64 256}; do
    "$bin"/kmqenc "$image" -o "$work/q.kmq" -f -q --strip -k "$k" ${KMQ_ENC_ARGS:-}
    "$bin"/kmqdec "$work/q.kmq" -o "$work/q.png" -f
    optipng -quiet -o2 -out "$work/q8.png" "$work/q.png" 2>/dev/null || cp "$work/q.png" "$work/q8.png"
    cwebp -quiet -lossless -z 9 "$work/q.png" -o "$work/q.webp"
    cjxl --quiet -q 100 -e 7 "$work/q.png" "$work/q.jxl" 2>/dev/null
    kb=$(stat -c %s "$work/q.kmq"); pb=$(stat -c %s "$work/q8.png")
    wb=$(stat -c %s "$work/q.webp"); jb=$(stat -c %s "$work/q.jxl")
    printf "%-26s %4d %9d %9d %9d %9d %8.3f %8.3f %8.3f\n" "$(basename "$image")" "$k" "$kb" "$pb" "$wb" "$jb" \
      "$(awk -v a="$kb" -v b="$pb" 'BEGIN{print a/b}')" "$(awk -v a="$kb" -v b="$wb" 'BEGIN{print a/b}')" \
      "$(awk -v a="$kb" -v b="$jb" 'BEGIN{print a/b}')"
    awk -v k="$kb" -v p="$pb" -v w="$wb" -v j="$jb" 'BEGIN{print k/p, k/w, k/j}' >>"$ratios"
  done
done
median() { sort -g | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf "%-26s %4s %9s %9s %9s %9s %8.3f %8.3f %8.3f\n" median "" "" "" "" "" \
  "$(cut -d' ' -f1 "$ratios" | median)" "$(cut -d' ' -f2 "$ratios" | median)" \
  "$(cut -d' ' -f3 "$ratios" | median)"
