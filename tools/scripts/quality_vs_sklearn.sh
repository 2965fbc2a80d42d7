#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# PSNR of kmqenc against scikit-learn KMeans(n_init=1), mean over seeds, and .kmq bytes against
# the indexed PNG of the same pixels. Usage: quality_vs_sklearn.sh [IMAGE...]
# Needs python3-sklearn and python3-pil; run after ./build.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${KMQ_BIN:-build/tools}
seeds=${SEEDS:-"1 2 3"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(../shared/corpus/{rocket.jpg,coffee.png,chelsea.png,astronaut.png})
printf "%-16s %5s %10s %10s %8s %10s %10s %7s\n" image K sklearn kmq delta kmq_bytes png8_bytes ratio
for image in "${images[@]}"; do
  for k in ${KS:-16 256}; do
    sk=0 ours=0 n=0
    for seed in $seeds; do
      s=$(/usr/bin/python3 tools/scripts/sklearn_psnr.py "$image" "$k" "$seed" | awk '{print $1}')
      "$bin"/kmqenc "$image" -o "$work/o.kmq" -k "$k" --seed "$seed" -f
      o=$("$bin"/kmqdec "$work/o.kmq" -o "$work/o.png" -f --compare "$image" 2>&1 | awk '{print $3}')
      sk=$(awk -v a="$sk" -v b="$s" 'BEGIN{print a+b}')
      ours=$(awk -v a="$ours" -v b="$o" 'BEGIN{print a+b}')
      n=$((n + 1))
    done
    kb=$(stat -c %s "$work/o.kmq")
    pb=$(stat -c %s "$work/o.png")
    awk -v i="$(basename "$image")" -v k="$k" -v s="$sk" -v o="$ours" -v n="$n" -v kb="$kb" -v pb="$pb" \
      'BEGIN{printf "%-16s %5d %10.3f %10.3f %+8.3f %10d %10d %7.3f\n", i, k, s/n, o/n, (o-s)/n, kb, pb, kb/pb}'
  done
done
