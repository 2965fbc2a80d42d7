// SPDX-License-Identifier: MIT
// The decoder's last stage: every index replaced by its palette entry, into any buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "format/index_layout.hpp"

namespace kmq::detail {

/// Writes palette entry index_at(first + p) to pixel p of `out`, for p < count; indices are
/// already checked < K. A fixed-size copy per pixel compiles to plain moves; a run-time length
/// would not.
template <class IndexAt>
void paint(std::uint8_t* out, std::size_t channels, std::span<const std::uint8_t> palette,
           std::size_t first, std::size_t count, IndexAt index_at) {
  constexpr std::size_t kPaddedEntries = 256;
  if (channels == 3 && palette.size() <= 3 * kPaddedEntries && count > 1) {
    // RGB entries padded to four bytes: each pixel but the last is one 4-byte store that the
    // next pixel overwrites in part, instead of a 2-byte and a 1-byte one.
    std::uint8_t padded[4 * kPaddedEntries] = {};
    for (std::size_t entry = 0; entry < palette.size() / 3; ++entry)
      std::memcpy(&padded[4 * entry], &palette[3 * entry], 3);
    for (std::size_t p = 0; p + 1 < count; ++p)
      std::memcpy(out + 3 * p, &padded[4 * index_at(first + p)], 4);
    std::memcpy(out + 3 * (count - 1), &padded[4 * index_at(first + count - 1)], 3);
  } else if (channels == 3) {
    for (std::size_t p = 0; p < count; ++p)
      std::memcpy(out + 3 * p, &palette[3 * index_at(first + p)], 3);
  } else {
    for (std::size_t p = 0; p < count; ++p)
      std::memcpy(out + 4 * p, &palette[4 * index_at(first + p)], 4);
  }
}

/// paint() from a decoded index map (format/index_layout.hpp) of `index_bytes` per index, the
/// width fixed at compile time in each branch.
inline void paint_indices(std::uint8_t* out, std::size_t channels,
                          std::span<const std::uint8_t> palette, std::span<const std::uint8_t> raw,
                          std::size_t index_bytes, std::size_t first, std::size_t count) {
  if (index_bytes == 2) {
    paint(out, channels, palette, first, count,
          [&](std::size_t i) { return std::size_t{load_index(raw.data(), i, 2)}; });
  } else {
    paint(out, channels, palette, first, count,
          [&](std::size_t i) { return std::size_t{load_index(raw.data(), i, 1)}; });
  }
}

/// Every row of a `width` x `height` image into `out`, rows `stride` bytes apart.
inline void paint_rows(std::uint8_t* out, std::size_t stride, std::size_t width, std::size_t height,
                       std::size_t channels, std::span<const std::uint8_t> palette,
                       std::span<const std::uint8_t> raw, std::size_t index_bytes) {
  if (stride == width * channels) {
    paint_indices(out, channels, palette, raw, index_bytes, 0, width * height);
    return;
  }
  for (std::size_t y = 0; y < height; ++y) {
    paint_indices(out + y * stride, channels, palette, raw, index_bytes, y * width, width);
  }
}

}  // namespace kmq::detail
