// SPDX-License-Identifier: MIT
// How an index is laid out in bytes (format-spec/kmq.md §5): 1 byte when K <= 256, else 2,
// little-endian. Method 0's index map, method 1's literals and the decoder's label buffer all
// use these, so the encoder's uint16 indices and the decoder's bytes cannot disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace kmq::detail {

/// Bytes per index: 1 when K <= 256, else 2.
inline constexpr std::size_t index_width(std::uint32_t palette_size) noexcept {
  return palette_size <= 256 ? 1 : 2;
}

/// Index `i` of a buffer of `width`-byte indices.
inline std::uint32_t load_index(const std::uint8_t* bytes, std::size_t i,
                                std::size_t width) noexcept {
  return width == 1 ? bytes[i]
                    : static_cast<std::uint32_t>(bytes[2 * i]) |
                          static_cast<std::uint32_t>(bytes[2 * i + 1]) << 8;
}

/// Writes index `i` of a buffer of `width`-byte indices.
inline void store_index(std::uint8_t* bytes, std::size_t i, std::size_t width,
                        std::uint32_t value) noexcept {
  if (width == 1) {
    bytes[i] = static_cast<std::uint8_t>(value);
  } else {
    bytes[2 * i] = static_cast<std::uint8_t>(value);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(value >> 8);
  }
}

/// `indices` laid out as `width`-byte indices into `out` (indices.size() * width bytes).
inline void store_indices(std::span<const std::uint16_t> indices, std::size_t width,
                          std::span<std::uint8_t> out) noexcept {
  if (width == 1) {
    for (std::size_t i = 0; i < indices.size(); ++i) out[i] = static_cast<std::uint8_t>(indices[i]);
  } else {
    for (std::size_t i = 0; i < indices.size(); ++i) store_index(out.data(), i, 2, indices[i]);
  }
}

}  // namespace kmq::detail
