#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs a build tree into a temporary prefix, then builds and runs examples/ against it twice:
# with find_package(kmq) and with pkg-config. Usage: packaging_test.sh BUILD_DIR [shared]
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/kmq/kmq.hpp" && test -f "$work/prefix/include/kmq/kmq.h"
test -x "$work/prefix/bin/kmqenc" && test -f "$work/prefix/share/man/man1/kmqenc.1"
libdir=$(ls -d "$work"/prefix/lib*/ | head -n 1)
export LD_LIBRARY_PATH="$libdir:${LD_LIBRARY_PATH:-}"

cmake -S "$source_dir/examples" -B "$work/with-cmake" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/with-cmake" >/dev/null
"$work/with-cmake/encode_decode"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
c++ -std=c++20 "$source_dir/examples/encode_decode.cpp" -o "$work/with-pkg-config" \
  $(pkg-config --cflags --libs kmq)
"$work/with-pkg-config"
echo "packaging_test: find_package and pkg-config consumers built and ran (${2:-static})"
