#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Instructions per pixel of decoding (cachegrind's Ir, one thread, into a buffer), for each image
# and K: the file the default effort writes, and the same labels forced to method 2 (or 3 above
# 1.5 MP) and to method 4, so that the methods compare on the same pixels. The count includes
# the palette expansion and the container checks; a run of decode_once with no image at all
# (process start, reading the file) is subtracted. Usage: decode_instructions.sh [IMAGE...]
# (KS="16 256"; KMQ_BIN and KMQ_BENCH_BIN for the built tools and bench/decode_once). Needs
# valgrind.
set -euo pipefail
# shellcheck source=tools/scripts/peer_setup.sh
source "$(dirname "$0")/peer_setup.sh"
bench_bin=${KMQ_BENCH_BIN:-build-bench/bench}
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(../shared/corpus/{eveningglow_2560x1600.jpg,chart_lines_bars.png,doc_libspng.png})
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bench_bin/decode_once" "$@" 2>&1 |
    awk '/I +refs:/ {gsub(",", "", $NF); print $NF}'
}
json_field() {  # json_field FILE.kmq NAME: one field of kmqinfo --json
  "$bin"/kmqinfo --json "$1" | python3 -c 'import json, sys
data = json.load(sys.stdin)
data = data[0] if isinstance(data, list) else data
print(data[sys.argv[1]])' "$2"
}
# The cost of one tiny decode: what every count below carries besides the image's own work.
printf 'P6\n1 1\n255\n\0\0\0' >"$work/tiny.ppm"
"$bin"/kmqenc "$work/tiny.ppm" -o "$work/tiny.kmq" -f -q
base=$(count "$work/tiny.kmq")
printf "%-26s %4s %10s | %-20s %7s | %-8s %7s | %-20s %7s | %-15s %7s\n" image K pixels default Ir/px \
  "method 0" Ir/px "method 2/3" Ir/px "method 4" Ir/px
for image in "${images[@]}"; do
  for k in ${KS:-16 256}; do
    "$bin"/kmqenc "$image" -o "$work/default.kmq" -f -q -k "$k"
    "$bin"/kmqenc "$image" -o "$work/m4.kmq" -f -q -k "$k" --label-coding copies
    pixels=$(json_field "$work/default.kmq" width)
    pixels=$((pixels * $(json_field "$work/default.kmq" height)))
    if [ "$pixels" -gt 1572864 ]; then coding=tiles; else coding=partitions; fi
    "$bin"/kmqenc "$image" -o "$work/m2.kmq" -f -q -k "$k" --label-coding "$coding"
    "$bin"/kmqenc "$image" -o "$work/m0.kmq" -f -q -k "$k" --label-coding raw
    line=$(printf "%-26s %4d %10d" "$(basename "$image")" "$k" "$pixels")
    for file in default m0 m2 m4; do
      name=$(json_field "$work/$file.kmq" label_coding_name)
      ir=$(count "$work/$file.kmq")
      per_pixel=$(awk -v a="$ir" -v b="$base" -v p="$pixels" 'BEGIN{print (a - b) / p}')
      case $file in
        default) line+=$(printf " | %-20s %7.1f" "$name" "$per_pixel") ;;
        m0) line+=$(printf " | %-8s %7.1f" "" "$per_pixel") ;;
        m2) line+=$(printf " | %-20s %7.1f" "$name" "$per_pixel") ;;
        m4) line+=$(printf " | %-15s %7.1f" "" "$per_pixel") ;;
      esac
    done
    echo "$line"
  done
done
