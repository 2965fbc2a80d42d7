// SPDX-License-Identifier: MIT
// Method 2's literals (format-spec §5.3): an unseen label is named by its place among the palette
// entries ordered by distance from W's colour, skipping the candidates. Photos change colour
// gradually, so that place is small even where palette indices say nothing about closeness.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/neighbour_partition.hpp"

namespace kmq::detail {

class ColourRanking {
 public:
  /// `palette`: K entries of `channels` samples, K <= 256; it must outlive the ranking.
  ColourRanking(std::span<const std::uint8_t> palette, int channels);

  std::uint32_t palette_size() const noexcept { return palette_size_; }

  /// The literal of `label`, which must not be a candidate of `near`.
  std::uint32_t literal_of(std::uint32_t label, const Partition& near);

  /// Inverse of literal_of(); `literal` must be below K - near.count (else the result is K).
  std::uint32_t label_of(std::uint32_t literal, const Partition& near);

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
