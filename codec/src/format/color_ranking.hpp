// SPDX-License-Identifier: MIT
// Method 2's literals (format-spec §5.3): an unseen label is named by its place among the palette
// entries ordered by distance from W's colour, skipping the candidates. Photos change colour
// gradually, so that place is small even where palette indices say nothing about closeness.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "common/parallel.hpp"
#include "format/partition_model.hpp"

namespace kmq::detail {

/// Method 2's colour order (§5.3) for one palette: its rows are sorted lazily, once each.
class ColorRanking {
 public:
  /// `palette`: K entries of `channels` samples, K <= 256; it must outlive the ranking.
  ColorRanking(std::span<const std::uint8_t> palette, int channels);

  std::uint32_t palette_size() const noexcept { return palette_size_; }

  /// The ranked literal of `label`, which must not be a candidate of `near`.
  std::uint32_t ranked_literal(std::uint32_t label, const PartitionCandidates& near);

  /// Inverse of ranked_literal(); `literal` must be below K - near.count (else the result is K).
  /// The label's place in W's row is the literal plus the candidates placed at or before it:
  /// step over the candidates' places in increasing order. Unused slots hold a place no label
  /// reaches, and the four are sorted by a fixed network of min/max.
  std::uint32_t label_of_ranked_literal(std::uint32_t literal, const PartitionCandidates& near) {
    const std::size_t offset = row(near.candidate[0]);
    constexpr std::uint32_t kBeyond = 0xFFFF;
    std::uint32_t skipped[4];
    for (int c = 0; c < 4; ++c) {
      skipped[c] = c < near.count ? rank_[offset + near.candidate[c]] : kBeyond;
    }
    auto order = [&](int a, int b) {
      const std::uint32_t low = std::min(skipped[a], skipped[b]);
      skipped[b] = std::max(skipped[a], skipped[b]);
      skipped[a] = low;
    };
    order(0, 1);
    order(2, 3);
    order(0, 2);
    order(1, 3);
    order(1, 2);
    std::uint32_t place = literal;
    for (const std::uint32_t s : skipped) place += s <= place ? 1 : 0;
    return place < palette_size_ ? order_[offset + place] : palette_size_;
  }

  /// Sorts every row now, on up to `threads` threads, so that nothing is written afterwards
  /// and several threads may share the ranking.
  void sort_all_rows(const Workers& threads);

 private:
  // Offset of row `reference` in order_ and rank_, sorting it the first time it is needed: a
  // small image may need few rows, and a palette of 256 costs 256 sorts.
  std::size_t row(std::uint32_t reference) {
    return row_ready_[reference] != 0 ? reference * palette_size_ : sort_row(reference);
  }
  std::size_t sort_row(std::uint32_t reference);

  std::span<const std::uint8_t> palette_;
  std::size_t channels_;
  std::uint32_t palette_size_;
  std::vector<std::uint8_t> row_ready_;  // bytes: read for every literal
  std::vector<std::uint8_t> order_;      // row r: every label by (distance from r, label)
  std::vector<std::uint8_t> rank_;       // rank_[r * K + label]: label's place in row r
};

}  // namespace kmq::detail
