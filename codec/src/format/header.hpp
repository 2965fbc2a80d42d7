// SPDX-License-Identifier: MIT
// The HEAD chunk (format-spec/kmq.md §2.3): its fields, written and parsed in one place.
#pragma once

#include <array>
#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <string>

namespace kmq::detail {

struct ImageHeader {
  std::uint32_t channels = 3;
  std::uint8_t label_coding = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t palette_size = 0;
  std::uint64_t pixel_count() const noexcept { return std::uint64_t{width} * height; }
};

inline constexpr std::size_t kHeaderPayloadSize = 16;

/// HEAD's payload for a header whose fields are in range.
std::array<std::uint8_t, kHeaderPayloadSize> header_payload(const ImageHeader& header);

/// Parses and checks HEAD's payload, field by field in the order of §2.3, then the pixel count
/// against the format's limit and `max_pixels`. Throws Error (corrupt_file, unsupported,
/// limit_exceeded) whose message starts with `where`.
ImageHeader parse_header(std::span<const std::uint8_t> payload, const std::string& where,
                         std::uint64_t max_pixels);

}  // namespace kmq::detail
