#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Wall time of kmqenc against pngquant --speed 3 --nofs (alternating runs, median of RUNS), and
# of kmqdec to PPM against dwebp -ppm on the WebP-lossless file of the same pixels, with PSNR and
# peak memory. Usage: speed_vs_peers.sh [IMAGE...]; needs pngquant, webp, ImageMagick, python3-pil.
# KMQENC_FLAGS adds options to kmqenc (e.g. "--sample 32768"); RUNS and KS as in the others.
set -euo pipefail
# shellcheck source=tools/scripts/peer_setup.sh
source "$(dirname "$0")/peer_setup.sh"
runs=${RUNS:-3}
images=("$@")
[ ${#images[@]} -gt 0 ] || images=("${speed_images[@]}")
seconds() { /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1; cat "$work/t"; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf "%-26s %4s %6s %8s %8s %6s %9s %9s %7s %8s %8s %6s %9s\n" image K MP kmqenc pngquant ratio kmq_dB pq_dB enc_MB kmqdec dwebp ratio dec_MB
for image in "${images[@]}"; do
  convert "$image" -alpha off "PNG24:$work/src.png"
  mp=$(python3 -c "from PIL import Image; w,h=Image.open('$work/src.png').size; print(f'{w*h/1e6:.1f}')" 2>/dev/null || /usr/bin/python3 -c "from PIL import Image; w,h=Image.open('$work/src.png').size; print(f'{w*h/1e6:.1f}')")
  for k in ${KS:-16 256}; do
    : >"$work/enc"; : >"$work/pq"; : >"$work/dec"; : >"$work/dw"
    for _ in $(seq "$runs"); do
      # shellcheck disable=SC2086 # the flags are words
      seconds "$bin"/kmqenc "$work/src.png" -o "$work/o.kmq" -f -k "$k" ${KMQENC_FLAGS:-} >>"$work/enc"
      seconds pngquant --nofs --speed 3 --force --output "$work/pq.png" "$k" "$work/src.png" >>"$work/pq"
    done
    "$bin"/kmqdec "$work/o.kmq" -o "$work/o.png" -f
    cwebp -quiet -lossless -z 9 "$work/o.png" -o "$work/o.webp"
    for _ in $(seq "$runs"); do
      seconds "$bin"/kmqdec "$work/o.kmq" -o "$work/o.ppm" -f >>"$work/dec"
      seconds dwebp -quiet "$work/o.webp" -ppm -o "$work/w.ppm" >>"$work/dw"
    done
    e=$(cut -d' ' -f1 "$work/enc" | median); p=$(cut -d' ' -f1 "$work/pq" | median)
    d=$(cut -d' ' -f1 "$work/dec" | median); w=$(cut -d' ' -f1 "$work/dw" | median)
    em=$(cut -d' ' -f2 "$work/enc" | median); dm=$(cut -d' ' -f2 "$work/dec" | median)
    kq=$(/usr/bin/python3 tools/scripts/psnr.py "$work/src.png" "$work/o.png")
    pq=$(/usr/bin/python3 tools/scripts/psnr.py "$work/src.png" "$work/pq.png")
    printf "%-26s %4d %6s %8s %8s %6.2f %9s %9s %7.0f %8s %8s %6.2f %9.0f\n" "$(basename "$image")" "$k" "$mp" \
      "$e" "$p" "$(awk -v a="$e" -v b="$p" 'BEGIN{print a/b}')" "$kq" "$pq" "$(awk -v m="$em" 'BEGIN{print m/1024}')" \
      "$d" "$w" "$(awk -v a="$d" -v b="$w" 'BEGIN{print (b>0)?a/b:0}')" "$(awk -v m="$dm" 'BEGIN{print m/1024}')"
  done
done
