#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# kmq build driver. Installs missing Debian packages, builds in Release and runs a job:
#   ./build.sh demo            encode the bundled sample at K=16, decode it, print sizes and PSNR
#   ./build.sh test            run the whole test suite through CTest, then build the Python
#                              package into a virtual environment and run its pytest suite,
#                              then the web decoder's tests (Node and headless Chromium)
#   ./build.sh bench           micro-benchmarks of the hot loops; on ../shared/corpus and drawn
#                              graphics: kmq against libimagequant, libspng and libwebp
#                              in-process, instructions per decoded pixel, kmqenc/kmqdec against
#                              pngquant, cwebp/dwebp and cjxl, sizes against PNG8, WebP and JXL
#   ./build.sh asan            build with AddressSanitizer+UBSan (LeakSanitizer included), run
#                              the whole test suite
#   ./build.sh tsan            build with ThreadSanitizer, run the concurrency tests
#   ./build.sh package         build shared libraries, install them, build examples/ against
#                              them with find_package and with pkg-config; the same for a
#                              codec-only build (KMQ_BUILD_IO=OFF)
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

# The Python package (python/): built with pybind11 against Debian's interpreter, tested with
# numpy, Pillow, scikit-learn, pandas and dask.distributed, all Debian packages.
PYTHON_PACKAGES=(python3 python3-dev python3-venv python3-pip python3-setuptools python3-wheel
                 python3-pybind11 pybind11-dev python3-numpy python3-pil python3-pytest
                 python3-sklearn python3-pandas python3-distributed)

# The virtual environment the Python tests run in, under the build folder; made before the
# build, whose CMake cache names its interpreter once the package has been built there.
python_venv() {
  mkdir -p "$BUILD_DIR"
  VENV=$(cd "$BUILD_DIR" && pwd)/python-venv
  [ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV"
}

# Installs python/ into that environment (offline: Debian's setuptools and pybind11, the C++
# built in the same CMake folder) and runs its tests.
python_tests() {
  local build_dir
  build_dir=$(cd "$BUILD_DIR" && pwd)
  KMQ_CMAKE_BUILD_DIR=$build_dir "$VENV/bin/python" -m pip install --quiet --no-build-isolation \
    --no-deps --no-index ./python
  # From outside python/, so that the installed package is the one imported.
  (cd "$build_dir" && KMQ_TOOLS_DIR=$build_dir/tools "$VENV/bin/python" -m pytest -q \
    -p no:cacheprovider "$OLDPWD/python/tests")
}

# The web decoder (web/): npm ci from the registry's lockfile, the browser build, then Node's
# test runner: vectors, differential and mutant tests against the C++ tools, kmqdec-js, and the
# browser build in headless Chromium.
# web_build comes before the C++ build, so that kmqcompare embeds the decoder in its reports.
web_build() {
  command -v npm >/dev/null || install_missing nodejs npm
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
}

web_tests() {
  local build_dir
  build_dir=$(cd "$BUILD_DIR" && pwd)
  (cd web && KMQ_TOOLS_DIR=$build_dir/tools npm test --silent)
}

build() {
  # Warnings are errors in every build CI makes (-DKMQ_WERROR=ON).
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DKMQ_WERROR=ON "$@" >/dev/null
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
    # The man pages are checked with groff; script (bsdutils) gives the CLI tests a terminal.
    install_missing groff-base bsdutils
    # The HTML report is tested in a real browser; without one that test reports itself skipped.
    install_missing python3 chromium ||
      echo "build.sh: could not install chromium; the HTML report's browser test will be skipped"
    install_missing "${PYTHON_PACKAGES[@]}"
    python_venv
    web_build
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
    python_tests
    web_tests
    ;;
  package)
    install_missing "${PACKAGES[@]}"
    BUILD_DIR=${KMQ_SHARED_BUILD_DIR:-build-shared}
    build -DBUILD_SHARED_LIBS=ON -DKMQ_BUILD_TESTS=OFF
    tests/packaging_test.sh "$BUILD_DIR" shared
    # The codec alone, as a program that embeds it builds it: no libpng, libjpeg or tools.
    BUILD_DIR=${KMQ_CODEC_BUILD_DIR:-build-codec-only}
    build -DKMQ_BUILD_IO=OFF -DKMQ_BUILD_TOOLS=OFF -DKMQ_BUILD_TESTS=OFF
    tests/packaging_test.sh "$BUILD_DIR" codec-only
    ;;
  bench)
    # The peers (Debian packages): libimagequant, libspng and libwebp in-process; pngquant,
    # cwebp/dwebp, cjxl, optipng and ImageMagick as programs; matplotlib, Pillow and Chromium
    # draw the test graphics; valgrind counts instructions.
    install_missing "${PACKAGES[@]}" libbenchmark-dev libimagequant-dev libspng-dev libwebp-dev \
      pngquant webp libjxl-tools optipng imagemagick valgrind python3-matplotlib python3-numpy \
      python3-pil chromium
    build -DKMQ_BUILD_BENCHMARKS=ON
    "$BUILD_DIR"/bench/kmq_benchmarks --benchmark_min_time=0.2
    if [ ! -d ../shared/corpus ]; then
      echo "build.sh: ../shared/corpus is missing: skipping the comparisons with peers"
      exit 0
    fi
    # In-process quantize + remap against libimagequant on 0.2, 4 and 14.7 MP photos, kmq by
    # default and with --sample 32768.
    "$BUILD_DIR"/bench/liq_compare --runs 3 --sample 32768 ../shared/corpus/{coffee.png,eveningglow_2560x1600.jpg,path_2560x1600.jpg,icecold_5120x2880.png,safelanding_5120x2880.jpg}
    # Graphics of the kinds palettes are for, beside the corpus's chart, document and icon.
    graphics=$BUILD_DIR/graphics
    /usr/bin/python3 bench/graphics/make_graphics.py "$graphics" >/dev/null
    graphic_images=(../shared/corpus/{chart_lines_bars.png,doc_libspng.png,icon_camera_rgba.png} "$graphics"/*.png)
    photo_images=(../shared/corpus/{eveningglow_2560x1600.jpg,path_2560x1600.jpg,safelanding_5120x2880.jpg,icecold_5120x2880.png})
    # In-process decoding against libspng (PNG8) and libwebp (lossless) of the same pixels, one
    # thread and all threads, with the three files' sizes.
    "$BUILD_DIR"/bench/decode_compare --runs 9 --colors 16,64,256 "${graphic_images[@]}"
    "$BUILD_DIR"/bench/decode_compare --runs 5 --colors 16,256 "${photo_images[@]}"
    KMQ_BIN="$BUILD_DIR/tools" KMQ_BENCH_BIN="$BUILD_DIR/bench" tools/scripts/decode_instructions.sh \
      "${photo_images[@]:0:1}" ../shared/corpus/{chart_lines_bars.png,doc_libspng.png}
    KMQ_BIN="$BUILD_DIR/tools" tools/scripts/speed_vs_peers.sh
    KMQ_BIN="$BUILD_DIR/tools" tools/scripts/decode_floor.sh
    # Whole files against PNG8, WebP lossless and JPEG XL lossless of the same pixels.
    KMQ_BIN="$BUILD_DIR/tools" tools/scripts/size_vs_peers.sh "${graphic_images[@]}"
    KMQ_BIN="$BUILD_DIR/tools" tools/scripts/size_vs_peers.sh
    ;;
  asan)
    install_missing "${PACKAGES[@]}"
    BUILD_DIR=${KMQ_ASAN_BUILD_DIR:-build-asan}
    build -DKMQ_SANITIZE="address;undefined"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
    ;;
  tsan)
    install_missing "${PACKAGES[@]}"
    BUILD_DIR=${KMQ_TSAN_BUILD_DIR:-build-tsan}
    build -DKMQ_SANITIZE=thread
    TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$BUILD_DIR" --output-on-failure -L concurrency
    ;;
  fuzz)
    seconds=${2:-60}
    install_missing "${PACKAGES[@]}" clang libclang-rt-14-dev
    BUILD_DIR=${KMQ_FUZZ_BUILD_DIR:-build-fuzz}
    CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DKMQ_WERROR=ON -DKMQ_BUILD_FUZZERS=ON -DKMQ_BUILD_TESTS=OFF -DKMQ_BUILD_TOOLS=OFF >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)"
    # entry point : seed corpus : dictionary. The .kmq targets start from the format's test
    # vectors (valid and invalid), not from copies of them.
    for target in decode:vectors:kmq inspect:vectors:kmq png:png:png jpeg:jpeg:jpeg pnm:pnm:pnm \
                  roundtrip:roundtrip: copies:copies:; do
      IFS=: read -r name corpus dict <<<"$target"
      seeds=("fuzz/corpus/$corpus")
      [ "$corpus" = vectors ] && seeds=(format-spec/vectors/valid format-spec/vectors/invalid)
      work=$BUILD_DIR/fuzz-work/$name
      artifacts=$BUILD_DIR/fuzz-artifacts/$name/
      mkdir -p "$work" "$artifacts"
      options=(-max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096
               -artifact_prefix="$artifacts")
      [ -n "$dict" ] && options+=(-dict="fuzz/$dict.dict")
      echo "build.sh: fuzzing $name for $seconds s (crashes go to $artifacts)"
      log=$BUILD_DIR/fuzz-work/$name.log
      status=0
      "$BUILD_DIR/fuzz/${name}_fuzzer" "${options[@]}" "$work" "${seeds[@]}" >"$log" 2>&1 ||
        status=$?
      grep -E "^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" \
        "$log" || true
      if [ "$status" -ne 0 ]; then
        tail -n 40 "$log" >&2
        echo "build.sh: ${name}_fuzzer failed (exit $status); reproducer in $artifacts" >&2
        exit 1
      fi
    done
    ;;
  *)
    echo "usage: ./build.sh demo | test | package | bench | asan | tsan | fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
