// SPDX-License-Identifier: MIT
#include "common/colour_ranking.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace kmq::detail {

ColourRanking::ColourRanking(std::span<const std::uint8_t> palette, int channels)
    : palette_size_(
          static_cast<std::uint32_t>(palette.size() / static_cast<std::size_t>(channels))),
      order_(static_cast<std::size_t>(palette_size_) * palette_size_),
      rank_(order_.size()) {
  const std::size_t k = palette_size_, samples = static_cast<std::size_t>(channels);
  std::vector<std::uint32_t> distance(k);
  std::vector<std::uint8_t> row(k);
  for (std::size_t reference = 0; reference < k; ++reference) {
    const std::uint8_t* from = &palette[reference * samples];
    for (std::size_t label = 0; label < k; ++label) {
      const std::uint8_t* to = &palette[label * samples];
      std::uint32_t sum = 0;
      for (std::size_t c = 0; c < samples; ++c) {
        const int difference = static_cast<int>(from[c]) - static_cast<int>(to[c]);
        sum += static_cast<std::uint32_t>(difference * difference);
      }
      distance[label] = sum;
    }
    std::iota(row.begin(), row.end(), std::uint8_t{0});  // K <= 256: every label fits a byte
    std::sort(row.begin(), row.end(), [&](std::uint8_t a, std::uint8_t b) {
      return distance[a] != distance[b] ? distance[a] < distance[b] : a < b;
    });
    std::copy(row.begin(), row.end(), order_.begin() + static_cast<std::ptrdiff_t>(reference * k));
    for (std::size_t place = 0; place < k; ++place) {
      rank_[reference * k + row[place]] = static_cast<std::uint8_t>(place);
    }
  }
}

std::uint32_t ColourRanking::literal_of(std::uint32_t label, const Partition& near) const {
  const std::uint8_t* rank = &rank_[static_cast<std::size_t>(near.candidate[0]) * palette_size_];
  std::uint32_t literal = rank[label];
  for (int c = 0; c < near.count; ++c) literal -= rank[near.candidate[c]] < rank[label] ? 1 : 0;
  return literal;
}

std::uint32_t ColourRanking::label_of(std::uint32_t literal, const Partition& near) const {
  // The label's place in W's row is the literal plus the candidates placed at or before it:
  // step over the candidates' places in increasing order.
  const std::size_t row = static_cast<std::size_t>(near.candidate[0]) * palette_size_;
  std::uint32_t skipped[4];
  for (int c = 0; c < near.count; ++c) skipped[c] = rank_[row + near.candidate[c]];
  for (int c = 1; c < near.count; ++c) {  // at most four: insertion sort
    for (int d = c; d > 0 && skipped[d - 1] > skipped[d]; --d)
      std::swap(skipped[d - 1], skipped[d]);
  }
  std::uint32_t place = literal;
  for (int c = 0; c < near.count; ++c) place += skipped[c] <= place ? 1 : 0;
  return place < palette_size_ ? order_[row + place] : palette_size_;
}

}  // namespace kmq::detail
