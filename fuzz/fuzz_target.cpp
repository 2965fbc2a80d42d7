// SPDX-License-Identifier: MIT
// One libFuzzer target; KMQ_FUZZ_ENTRY names the entry point it drives (see CMakeLists.txt).
#include <cstddef>
#include <cstdint>

#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kmq::fuzz::KMQ_FUZZ_ENTRY(kmq::fuzz::Input(data, size));
  return 0;
}
