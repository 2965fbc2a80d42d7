#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs a build tree into a temporary prefix, then builds and runs examples/ against it twice:
# with find_package(kmq) and with pkg-config. Usage: packaging_test.sh BUILD_DIR
# [static|shared|codec-only]
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/kmq/kmq.hpp" && test -f "$work/prefix/include/kmq/kmq.h"
if [ "${2:-static}" = codec-only ]; then
  test ! -e "$work/prefix/bin/kmqenc"  # no tools, no kmq_io
else
  test -x "$work/prefix/bin/kmqenc" && test -f "$work/prefix/share/man/man1/kmqenc.1"
fi
libdir=$(ls -d "$work"/prefix/lib*/ | head -n 1)
export LD_LIBRARY_PATH="$libdir:${LD_LIBRARY_PATH:-}"

if [ "${2:-static}" = shared ]; then
  # The shared libraries export the public API and nothing of kmq::detail.
  for library in "$libdir"/libkmq.so "$libdir"/libkmq_io.so; do
    exported=$(nm -D --defined-only -C "$library")
    if grep -q "kmq::detail" <<<"$exported"; then
      echo "packaging_test: $library exports internal symbols:" >&2
      grep "kmq::detail" <<<"$exported" | head >&2
      exit 1
    fi
  done
  core=$(nm -D --defined-only -C "$libdir/libkmq.so")
  io=$(nm -D --defined-only -C "$libdir/libkmq_io.so")
  grep -q "kmq::decode(" <<<"$core" && grep -q " kmq_decode$" <<<"$core" &&
    grep -q "kmq::ThreadPool::run(" <<<"$core" && grep -q "kmq::io::read_image(" <<<"$io" || {
    echo "packaging_test: the public API is not exported" >&2
    exit 1
  }
fi

cmake -S "$source_dir/examples" -B "$work/with-cmake" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/with-cmake" >/dev/null
"$work/with-cmake/encode_decode"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
c++ -std=c++20 "$source_dir/examples/encode_decode.cpp" -o "$work/with-pkg-config" \
  $(pkg-config --cflags --libs kmq)
"$work/with-pkg-config"
echo "packaging_test: find_package and pkg-config consumers built and ran (${2:-static})"
