#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# kmq build driver. Installs missing Debian packages, builds in Release and runs a job:
#   ./build.sh demo            encode the bundled sample at K=16, decode it, print sizes and PSNR
#   ./build.sh test            run the whole test suite through CTest
#   ./build.sh fuzz [SECONDS]  build the libFuzzer targets with clang and run each (default 60 s)
set -euo pipefail
cd "$(dirname "$0")"

job=${1:-demo}
BUILD_DIR=${KMQ_BUILD_DIR:-build}
PACKAGES=(cmake g++ make pkg-config libpng-dev libjpeg62-turbo-dev libzstd-dev
          libboost-program-options-dev libgtest-dev)

install_missing() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "build.sh: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

build() {
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

demo() {
  local sample=tests/data/rocket.jpg out=out/demo
  mkdir -p "$out"
  "$BUILD_DIR"/tools/kmqenc "$sample" -o "$out/rocket.kmq" -k 16 --force
  "$BUILD_DIR"/tools/kmqdec "$out/rocket.kmq" -o "$out/rocket.png" --force \
    --compare "$sample" 2>"$out/psnr.txt"
  local original kmq psnr
  original=$(stat -c %s "$sample")
  kmq=$(stat -c %s "$out/rocket.kmq")
  psnr=$(awk '{print $3}' "$out/psnr.txt")
  echo
  echo "original:  $sample  $original bytes (JPEG, 640x427)"
  echo "kmq:       $out/rocket.kmq  $kmq bytes (K=16)"
  awk -v o="$original" -v k="$kmq" \
    'BEGIN { printf "ratio:     %.2f : 1 (the .kmq is %.1f%% of the original)\n", o / k, 100 * k / o }'
  echo "decoded:   $out/rocket.png  $(stat -c %s "$out/rocket.png") bytes"
  echo "PSNR:      $psnr dB (decoded against the original)"
}

case "$job" in
  demo)
    install_missing "${PACKAGES[@]}"
    build
    demo
    ;;
  test)
    install_missing "${PACKAGES[@]}"
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
    ;;
  fuzz)
    seconds=${2:-60}
    install_missing "${PACKAGES[@]}" clang libclang-rt-14-dev
    BUILD_DIR=${KMQ_FUZZ_BUILD_DIR:-build-fuzz}
    CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DKMQ_BUILD_FUZZERS=ON -DKMQ_BUILD_TESTS=OFF -DKMQ_BUILD_TOOLS=OFF >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)"
    for target in "$BUILD_DIR"/fuzz/*_fuzzer; do
      name=$(basename "$target")
      corpus=fuzz/corpus/${name%_fuzzer}
      work=$BUILD_DIR/fuzz-work/${name%_fuzzer}
      mkdir -p "$work"
      echo "build.sh: fuzzing $name for $seconds s"
      "$target" -max_total_time="$seconds" -dict=fuzz/kmq.dict -print_final_stats=1 \
        "$work" "$corpus"
    done
    ;;
  *)
    echo "usage: ./build.sh demo | test | fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
