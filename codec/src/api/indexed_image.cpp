// SPDX-License-Identifier: MIT
// kmq::validate(IndexedImage): what makes a palette image one the format can hold, checked once
// for the encoder, the decoder's expand() and the PNG writer.
#include <kmq/kmq.hpp>
#include <string>

namespace kmq {

void validate(const IndexedImage& indexed) {
  auto fail = [](const std::string& message) { throw Error(ErrorCategory::bad_input, message); };
  if (indexed.channels != 3 && indexed.channels != 4)
    fail("indexed image must have 3 or 4 channels");
  if (indexed.width < 1 || indexed.height < 1 ||
      static_cast<std::uint64_t>(indexed.width) > kMaxDimension ||
      static_cast<std::uint64_t>(indexed.height) > kMaxDimension) {
    fail("indexed image size is out of range");
  }
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(indexed.width) * static_cast<std::uint64_t>(indexed.height);
  if (pixels > kMaxPixelCount) fail("indexed image exceeds 2^30 pixels");
  if (indexed.indices.size() != pixels) fail("index map size does not match width x height");
  const std::size_t channels = static_cast<std::size_t>(indexed.channels);
  if (indexed.palette.empty() || indexed.palette.size() % channels != 0 ||
      indexed.palette.size() / channels > kMaxColors) {
    fail("palette must hold 1..65536 entries of `channels` samples");
  }
  const std::size_t k = indexed.palette.size() / channels;
  for (const std::uint16_t index : indexed.indices) {
    if (index >= k)
      fail("index " + std::to_string(index) + " is not below K = " + std::to_string(k));
  }
}

}  // namespace kmq
