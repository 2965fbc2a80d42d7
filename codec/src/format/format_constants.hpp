// SPDX-License-Identifier: MIT
// Constants of the .kmq container and its label coding methods, shared by the writer and the
// reader (format-spec/kmq.md §2, §5).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kmq::detail {

inline constexpr std::array<std::uint8_t, 8> kSignature = {0x8B, 'K',  'M',  'Q',
                                                           0x0D, 0x0A, 0x1A, 0x0A};
inline constexpr std::uint8_t kFormatVersion = 1;
inline constexpr std::size_t kChunkOverhead = 12;  // length + type + crc
inline constexpr std::size_t kMaxChunks = 1024;

inline constexpr std::array<char, 4> kTypeHeader = {'H', 'E', 'A', 'D'};
inline constexpr std::array<char, 4> kTypePalette = {'P', 'A', 'L', 'T'};
inline constexpr std::array<char, 4> kTypeLabels = {'L', 'A', 'B', 'L'};
inline constexpr std::array<char, 4> kTypeEnd = {'E', 'N', 'D', 'F'};

inline constexpr std::uint8_t kPaletteCodingRaw = 0;

/// Label coding methods (§5).
enum class LabelCoding : std::uint8_t {
  zstd_raw = 0,
  neighbour_contexts = 1,
  neighbour_partitions = 2,
  partition_tiles = 3,
  adaptive_copies = 4,
};
inline constexpr int kLabelCodingCount = 5;

/// Name of a label coding method, e.g. "zstd-raw"; "unknown" for other values.
constexpr const char* label_coding_name(int method) {
  switch (method) {
    case static_cast<int>(LabelCoding::zstd_raw):
      return "zstd-raw";
    case static_cast<int>(LabelCoding::neighbour_contexts):
      return "neighbour-contexts";
    case static_cast<int>(LabelCoding::neighbour_partitions):
      return "neighbour-partitions";
    case static_cast<int>(LabelCoding::partition_tiles):
      return "partition-tiles";
    case static_cast<int>(LabelCoding::adaptive_copies):
      return "adaptive-copies";
    default:
      return "unknown";
  }
}
/// Method 1: symbol streams, then literal streams (§5.2).
inline constexpr int kNeighbourStreamCount = 20;

}  // namespace kmq::detail
