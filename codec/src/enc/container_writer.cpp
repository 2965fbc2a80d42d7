// SPDX-License-Identifier: MIT
// Chunk framing for the writer (format-spec/kmq.md §2.2).
#include "enc/container_writer.hpp"

#include <algorithm>
#include <kmq/kmq.hpp>
#include <string>

#include "common/byte_io.hpp"
#include "common/crc32.hpp"
#include "format/format_constants.hpp"

namespace kmq::detail {

void ContainerWriter::add_chunk(const std::array<char, 4>& type,
                                std::vector<std::uint8_t> payload) {
  if (payload.size() > 0xFFFFFFFFull) {
    throw Error(ErrorCategory::limit_exceeded, "chunk payload of " +
                                                   std::to_string(payload.size()) +
                                                   " bytes does not fit a 32-bit length");
  }
  chunks_.push_back({type, std::move(payload)});
}

std::size_t ContainerWriter::size() const noexcept {
  std::size_t total = kSignature.size();
  for (const Chunk& chunk : chunks_) total += kChunkOverhead + chunk.payload.size();
  return total;
}

void ContainerWriter::write_to(std::span<std::uint8_t> out) const {
  std::uint8_t* at = std::copy(kSignature.begin(), kSignature.end(), out.data());
  for (const Chunk& chunk : chunks_) {
    store_u32le(at, static_cast<std::uint32_t>(chunk.payload.size()));
    std::uint8_t* type = at + 4;
    std::copy(chunk.type.begin(), chunk.type.end(), type);
    std::copy(chunk.payload.begin(), chunk.payload.end(), type + 4);
    const std::uint32_t crc =
        crc32_update(0, std::span<const std::uint8_t>(type, 4 + chunk.payload.size()));
    store_u32le(type + 4 + chunk.payload.size(), crc);
    at = type + 8 + chunk.payload.size();
  }
}

std::vector<std::uint8_t> ContainerWriter::bytes() const {
  std::vector<std::uint8_t> file(size());
  write_to(file);
  return file;
}

}  // namespace kmq::detail
