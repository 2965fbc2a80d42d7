// SPDX-License-Identifier: MIT
// Reads and validates the .kmq container: signature, chunk frames, CRCs, order, header fields.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <vector>

#include "format/header.hpp"

namespace kmq::detail {

/// HEAD's fields and what the other chunks hold.
struct ParsedContainer : ImageHeader {
  std::span<const std::uint8_t> palette;     // palette_size * channels samples
  std::span<const std::uint8_t> label_data;  // LABL payload after its method byte
  std::vector<ChunkInfo> chunks;
  Metadata metadata;  // from the chunks of §2.7
};

/// Validates everything but the label data. Throws Error (corrupt_file, unsupported,
/// limit_exceeded) with the chunk and offset at fault.
ParsedContainer read_container(std::span<const std::uint8_t> file, const DecodeOptions& options);

}  // namespace kmq::detail
