// SPDX-License-Identifier: MIT
// libFuzzer target: kmq::decode and kmq::inspect on arbitrary bytes. Any outcome but a
// kmq::Error or success (a crash, a sanitizer report, another exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <kmq/kmq.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> file(data, size);
  // A small pixel limit keeps each run fast and memory bounded, as a hardened caller would.
  const kmq::DecodeOptions options{1u << 22};
  try {
    const kmq::FileInfo info = kmq::inspect(file, options);
    (void)info;
  } catch (const kmq::Error&) {
  }
  try {
    const kmq::IndexedImage indexed = kmq::decode_indexed(file, options);
    const kmq::Image image = kmq::decode(file, options);
    // Both paths must agree on a file they both accept.
    if (!(kmq::expand(indexed) == image)) __builtin_trap();
  } catch (const kmq::Error&) {
  }
  return 0;
}
