// SPDX-License-Identifier: MIT
// Writes the .kmq container: signature, then chunks framed with length, type and CRC-32.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace kmq::detail {

class ContainerWriter {
 public:
  ContainerWriter();
  /// Appends one chunk; the payload must be shorter than 4 GiB.
  void add_chunk(const std::array<char, 4>& type, std::span<const std::uint8_t> payload);
  /// The file so far; call after the end chunk.
  std::vector<std::uint8_t> finish() && { return std::move(bytes_); }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace kmq::detail
