// SPDX-License-Identifier: MIT
// The neighbourhood model of label coding method 2 (format-spec/kmq.md §5.3): which of the 15
// equality patterns W, N, NE, NW form, and the symbol packing of its streams. Shared by the
// encoder and the decoder so that both derive identical contexts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "format/context_model.hpp"
#include "format/symbol_packing.hpp"

namespace kmq::detail {

inline constexpr int kPartitionContexts = 15;  // symbol streams, one per equality pattern
inline constexpr int kPartitionStreamCount = kPartitionContexts + kLiteralContexts;
inline constexpr std::uint32_t kMaxPartitionPaletteSize = 256;
inline constexpr std::size_t kMaxTiles = 255;  // method 3's tile count is one byte (§5.5)
// The reference encoder's tiles: one per kTilePixels pixels (rounded), each at least
// kMinTileColumns wide, at most kMaxDefaultTiles. On the corpus's 4 and 14.7 MP photos more
// tiles cost more (eveningglow K=64: +0.2 % of the file with 2 tiles, +0.4 % with 4, +0.6 % with
// 8, +0.9 % with 20), and 8 threads decoding at once is already far past the file read.
inline constexpr std::size_t kTilePixels = std::size_t{1} << 20;
inline constexpr std::size_t kMinTileColumns = 256;
inline constexpr std::size_t kMaxDefaultTiles = 8;

/// First column of tile `tile` of `tiles` across an image `width` columns wide (§5.5): every
/// tile holds at least one column when tiles <= width.
inline constexpr std::size_t tile_start(std::size_t tile, std::size_t tiles, std::size_t width) {
  return tile * width / tiles;
}

/// Candidates (the distinct labels among W, N, NE, NW in that order) and the pattern of
/// equalities among the four, which selects the symbol stream.
struct PartitionCandidates {
  std::uint32_t candidate[4];
  int count;    // 1..4
  int context;  // 0..14
};

namespace partition_detail {

// What the six equalities among W, N, NE, NW say: the context and which neighbour first shows
// each candidate.
struct Pattern {
  std::int8_t context = 0;
  std::int8_t count = 1;
  std::int8_t first[4] = {0, 0, 0, 0};  // 0 = W, 1 = N, 2 = NE, 3 = NW
};

// Bits: 0 N=W, 1 NE=W, 2 NE=N, 3 NW=W, 4 NW=N, 5 NW=NE. Neighbour groups form a restricted
// growth string (W's group is 0; every other neighbour takes the group of the first equal one
// before it, or the next new group); the context is that string's rank in lexicographic order
// among the 15 possible ones. Bit combinations that no labels can produce get harmless entries.
constexpr std::array<Pattern, 64> patterns() {
  std::array<std::int8_t, 64> context_of_groups{};
  std::int8_t next_context = 0;
  for (int code = 0; code < 64; ++code) {
    const int n = code >> 4, ne = code >> 2 & 3, nw = code & 3;
    const bool valid = n <= 1 && ne <= n + 1 && nw <= (ne > n ? ne : n) + 1;
    context_of_groups[static_cast<std::size_t>(code)] = valid ? next_context++ : 0;
  }
  std::array<Pattern, 64> table{};
  for (int bits = 0; bits < 64; ++bits) {
    auto equal = [bits](int bit) { return (bits >> bit & 1) != 0; };
    int groups = 1;
    const int n = equal(0) ? 0 : groups++;
    const int ne = equal(1) ? 0 : equal(2) ? n : groups++;
    const int nw = equal(3) ? 0 : equal(4) ? n : equal(5) ? ne : groups++;
    Pattern& pattern = table[static_cast<std::size_t>(bits)];
    pattern.context = context_of_groups[static_cast<std::size_t>(n << 4 | ne << 2 | nw)];
    pattern.count = static_cast<std::int8_t>(groups);
    const int group_of[4] = {0, n, ne, nw};
    for (int neighbour = 3; neighbour >= 0; --neighbour) {
      pattern.first[group_of[neighbour]] = static_cast<std::int8_t>(neighbour);
    }
  }
  return table;
}

inline constexpr std::array<Pattern, 64> kPatterns = patterns();

// Four equal neighbours (every equality bit set) are the pattern "0000": context 0, one
// candidate. The decoder's fast path for flat regions relies on it.
inline constexpr std::size_t kAllEqualBits = 63;
static_assert(kPatterns[kAllEqualBits].context == 0 && kPatterns[kAllEqualBits].count == 1);
// The table's 15 contexts are §5.3's list in order: the first and last patterns.
static_assert(kPatterns[0].context == 14 && kPatterns[0].count == 4);

}  // namespace partition_detail

/// The context of four equal neighbours (§5.3: pattern 0000).
inline constexpr int kFlatContext =
    partition_detail::kPatterns[partition_detail::kAllEqualBits].context;

/// The candidates of four neighbours that all hold `label`.
inline constexpr PartitionCandidates flat_candidates(std::uint32_t label) {
  return PartitionCandidates{{label, label, label, label}, 1, kFlatContext};
}

/// The six equalities among W, N, NE, NW as an index into partition_detail::kPatterns.
inline std::size_t pattern_bits(const NeighbourLabels& near) {
  return static_cast<std::size_t>(near.n == near.w) |
         static_cast<std::size_t>(near.ne == near.w) << 1 |
         static_cast<std::size_t>(near.ne == near.n) << 2 |
         static_cast<std::size_t>(near.nw == near.w) << 3 |
         static_cast<std::size_t>(near.nw == near.n) << 4 |
         static_cast<std::size_t>(near.nw == near.ne) << 5;
}

/// The four labels W, N, NE, NW in one integer, 8 bits each, W lowest (K <= 256).
inline std::uint32_t packed_labels(const NeighbourLabels& near) {
  return near.w | near.n << 8 | near.ne << 16 | near.nw << 24;
}

/// The partition of neighbours already packed and looked up.
inline PartitionCandidates partition_candidates(const partition_detail::Pattern& pattern,
                                                std::uint32_t packed) {
  PartitionCandidates result;
  result.count = pattern.count;
  result.context = pattern.context;
  for (int g = 0; g < 4; ++g) result.candidate[g] = packed >> (8 * pattern.first[g]) & 0xFF;
  return result;
}

inline PartitionCandidates partition_candidates(const NeighbourLabels& near) {
  return partition_candidates(partition_detail::kPatterns[pattern_bits(near)], packed_labels(near));
}

}  // namespace kmq::detail
