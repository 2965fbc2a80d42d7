#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prints one line per case: the SHA-256 of what kmqenc and kmqdec write for a fixed set of
# images over every method, space, dithering, sampling, RGBA, K from 1 to 65536, every label
# coding and effort, targets, fixed and shared palettes, PNG output and every decoded format.
# Run it before and after a change that must not change any output, and compare:
#   tools/scripts/output_digest.sh build/tools > before.txt   (on the old commit)
#   tools/scripts/output_digest.sh build/tools > after.txt
#   diff before.txt after.txt && echo identical
# The images are made here (deterministic) or come with the project, so any checkout gives
# the same inputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import random, sys
folder = sys.argv[1]
def ppm(name, w, h, pixel):
    data = bytearray()
    for y in range(h):
        for x in range(w):
            data += bytes(pixel(x, y))
    open(f"{folder}/{name}", "wb").write(b"P6\n%d %d\n255\n" % (w, h) + bytes(data))
def pam(name, w, h, pixel):
    data = bytearray()
    for y in range(h):
        for x in range(w):
            data += bytes(pixel(x, y))
    header = "P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n" % (w, h)
    open(f"{folder}/{name}", "wb").write(header.encode() + bytes(data))
ppm("gradient.ppm", 96, 64, lambda x, y: (x * 255 // 95, y * 255 // 63, (x + y) * 2 % 256))
pam("alpha.pam", 80, 48, lambda x, y: (x * 3 % 256, y * 5 % 256, 90, 0) if x < 30 else
    (x * 255 // 79, 40, y * 255 // 47, 255 if y > 10 else 128))
rng = random.Random(7)
noise = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(300 * 300)]
ppm("noise.ppm", 300, 300, lambda x, y: noise[y * 300 + x])
# A flat graphic with text-like strokes: where label codings differ most.
def flat(x, y):
    if (x // 6 + y // 9) % 7 == 0 and x % 6 < 4: return (20, 20, 30)
    return (240, 240, 235) if y < 100 else (60, 110, 200)
ppm("flat.ppm", 220, 160, flat)
PY
cp "$root/tests/data/rocket.jpg" "$work/rocket.jpg"

n=0
digest() {  # NAME FILE
  printf '%-58s %s\n' "$1" "$(sha256sum < "$2" | cut -c1-64)"
}
enc() {  # NAME INPUT OPTIONS...
  local name=$1 input=$2
  shift 2
  n=$((n + 1))
  local out="$work/out$n.kmq"
  case " $* " in *" --format png "*) out="$work/out$n.png" ;; esac
  "$bin/kmqenc" "$work/$input" -o "$out" -q -f "$@"
  digest "enc $name" "$out"
}

for image in rocket.jpg gradient.ppm alpha.pam flat.ppm; do
  for k in 1 2 16 256; do enc "$image k$k" "$image" -k "$k"; done
  for method in kmeans minibatch gmm; do
    for space in rgb oklab; do enc "$image $method $space k16" "$image" -k 16 -m "$method" --space "$space"; done
  done
  enc "$image gmm nearest" "$image" -k 12 -m gmm --gmm-assign nearest
  enc "$image dither" "$image" -k 8 --dither
  enc "$image dither 0.5 oklab" "$image" -k 8 --dither=0.5 --space oklab
  enc "$image sample" "$image" -k 32 --sample 2048
  enc "$image sample oklab" "$image" -k 32 --sample 2048 --space oklab
  for coding in raw contexts partitions tiles copies; do enc "$image $coding" "$image" -k 24 --label-coding "$coding"; done
  enc "$image tiles 3" "$image" -k 24 --label-coding tiles --tiles 3
  enc "$image copies 3 strips" "$image" -k 24 --label-coding copies --tiles 3
  enc "$image copies k300" "$image" -k 300 --label-coding copies
  for effort in 1 2 3 4 5 6; do enc "$image effort $effort" "$image" -k 64 -e "$effort"; done
  enc "$image level 9" "$image" -k 64 -l 9
  enc "$image target-psnr" "$image" --target-psnr 30
  enc "$image max-mse" "$image" --max-mse 40
  enc "$image max-bytes" "$image" --max-bytes 6000
  enc "$image png" "$image" -k 16 --format png
  enc "$image strip" "$image" -k 16 --strip
done
for k in 257 1000 4096 65536; do enc "noise k$k" noise.ppm -k "$k"; done
enc "noise k300 contexts e6" noise.ppm -k 300 -e 6
enc "noise k1000 minibatch" noise.ppm -k 1000 -m minibatch
enc "noise k64 sample" noise.ppm -k 64 --sample 5000
"$bin/kmqenc" "$work/gradient.ppm" -o "$work/palette.kmq" -q -f -k 6
enc "rocket fixed palette" rocket.jpg --palette "$work/palette.kmq"
mkdir -p "$work/shared"
"$bin/kmqenc" "$work/gradient.ppm" "$work/flat.ppm" "$work/rocket.jpg" -d "$work/shared" -q -f \
  --shared-palette -k 20
for f in gradient flat rocket; do digest "shared $f" "$work/shared/$f.kmq"; done
mkdir -p "$work/shared_target"
"$bin/kmqenc" "$work/gradient.ppm" "$work/flat.ppm" -d "$work/shared_target" -q -f \
  --shared-palette --target-psnr 28
for f in gradient flat; do digest "shared target $f" "$work/shared_target/$f.kmq"; done

# Decoding: every format from a few of the files above.
for source in 1 9 40 120; do
  [ -f "$work/out$source.kmq" ] || continue
  for format in png ppm pam jpg; do
    "$bin/kmqdec" "$work/out$source.kmq" -o "$work/dec$source.$format" -q -f
    digest "dec out$source $format" "$work/dec$source.$format"
  done
done
