// SPDX-License-Identifier: MIT
// Chunk framing for the writer (format-spec/kmq.md §2.2).
#include "enc/container_writer.hpp"

#include <kmq/kmq.hpp>

#include "common/byte_io.hpp"
#include "common/crc32.hpp"
#include "format/format_constants.hpp"

namespace kmq::detail {

ContainerWriter::ContainerWriter() : bytes_(kSignature.begin(), kSignature.end()) {}

void ContainerWriter::add_chunk(const std::array<char, 4>& type,
                                std::span<const std::uint8_t> payload) {
  if (payload.size() > 0xFFFFFFFFull) {
    throw Error(ErrorCategory::limit_exceeded, "chunk payload of " +
                                                   std::to_string(payload.size()) +
                                                   " bytes does not fit a 32-bit length");
  }
  bytes_.reserve(bytes_.size() + payload.size() + kChunkOverhead);
  append_u32le(bytes_, static_cast<std::uint32_t>(payload.size()));
  const std::size_t type_offset = bytes_.size();
  for (const char c : type) bytes_.push_back(static_cast<std::uint8_t>(c));
  bytes_.insert(bytes_.end(), payload.begin(), payload.end());
  const std::uint32_t crc = crc32_update(
      0, std::span<const std::uint8_t>(bytes_.data() + type_offset, 4 + payload.size()));
  append_u32le(bytes_, crc);
}

}  // namespace kmq::detail
