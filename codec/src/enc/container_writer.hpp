// SPDX-License-Identifier: MIT
// Writes the .kmq container: signature, then chunks framed with length, type and CRC-32. The
// chunks are gathered first, so the file's size is known before a byte is written, and the file
// goes in one pass into a new vector or a caller's buffer (the C API's).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace kmq::detail {

class ContainerWriter {
 public:
  /// Adds one chunk; the payload must be shorter than 4 GiB (Error: limit_exceeded).
  void add_chunk(const std::array<char, 4>& type, std::vector<std::uint8_t> payload);
  /// Bytes of the whole file: signature and every chunk with its frame.
  std::size_t size() const noexcept;
  /// Writes the file into `out`, which holds at least size() bytes.
  void write_to(std::span<std::uint8_t> out) const;
  std::vector<std::uint8_t> bytes() const;

 private:
  struct Chunk {
    std::array<char, 4> type;
    std::vector<std::uint8_t> payload;
  };
  std::vector<Chunk> chunks_;
};

}  // namespace kmq::detail
