// SPDX-License-Identifier: MIT
#include "common/colour_ranking.hpp"

#include <algorithm>
#include <kmq/kmq.hpp>
#include <numeric>
#include <utility>

namespace kmq::detail {

ColourRanking::ColourRanking(std::span<const std::uint8_t> palette, int channels)
    : palette_(palette),
      channels_(static_cast<std::size_t>(channels)),
      palette_size_(static_cast<std::uint32_t>(palette.size() / channels_)),
      row_ready_(palette_size_, 0),
      order_(static_cast<std::size_t>(palette_size_) * palette_size_),
      rank_(order_.size()) {
  if (palette_size_ > kMaxPartitionPaletteSize) {
    throw Error(ErrorCategory::bad_input, "colour ranking needs K <= 256");
  }
}

std::size_t ColourRanking::sort_row(std::uint32_t reference) {
  const std::size_t k = palette_size_, offset = reference * k;
  row_ready_[reference] = 1;
  std::uint32_t distance[256];
  const std::uint8_t* from = &palette_[reference * channels_];
  for (std::size_t label = 0; label < k; ++label) {
    const std::uint8_t* to = &palette_[label * channels_];
    std::uint32_t sum = 0;
    for (std::size_t c = 0; c < channels_; ++c) {
      const int difference = static_cast<int>(from[c]) - static_cast<int>(to[c]);
      sum += static_cast<std::uint32_t>(difference * difference);
    }
    distance[label] = sum;
  }
  const auto begin = order_.begin() + static_cast<std::ptrdiff_t>(offset);
  const auto end = begin + static_cast<std::ptrdiff_t>(k);
  std::iota(begin, end, std::uint8_t{0});  // K <= 256: every label fits a byte
  std::sort(begin, end, [&](std::uint8_t a, std::uint8_t b) {
    return distance[a] != distance[b] ? distance[a] < distance[b] : a < b;
  });
  for (std::size_t place = 0; place < k; ++place) {
    rank_[offset + order_[offset + place]] = static_cast<std::uint8_t>(place);
  }
  return offset;
}

std::uint32_t ColourRanking::literal_of(std::uint32_t label, const Partition& near) {
  const std::uint8_t* rank = &rank_[row(near.candidate[0])];
  std::uint32_t literal = rank[label];
  for (int c = 0; c < near.count; ++c) literal -= rank[near.candidate[c]] < rank[label] ? 1 : 0;
  return literal;
}

std::uint32_t ColourRanking::label_of(std::uint32_t literal, const Partition& near) {
  // The label's place in W's row is the literal plus the candidates placed at or before it:
  // step over the candidates' places in increasing order. Unused slots hold a place no label
  // reaches, and the four are sorted by a fixed network of min/max, so that nothing here
  // branches on the data (literals are where a decoder's branches mispredict).
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

}  // namespace kmq::detail
