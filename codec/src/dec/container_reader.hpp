// SPDX-License-Identifier: MIT
// Reads and validates the .kmq container: signature, chunk frames, CRCs, order, header fields.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <vector>

namespace kmq::detail {

struct ParsedContainer {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 0;
  std::uint32_t palette_size = 0;
  std::uint8_t label_coding = 0;
  std::span<const std::uint8_t> palette;     // palette_size * channels samples
  std::span<const std::uint8_t> label_data;  // LABL payload after its method byte
  std::vector<ChunkInfo> chunks;
  Metadata metadata;  // from the chunks of §2.7
  std::uint64_t pixel_count() const noexcept { return static_cast<std::uint64_t>(width) * height; }
};

/// Validates everything but the label data. Throws Error (corrupt_file, unsupported,
/// limit_exceeded) with the chunk and offset at fault.
ParsedContainer read_container(std::span<const std::uint8_t> file, const DecodeOptions& options);

}  // namespace kmq::detail
