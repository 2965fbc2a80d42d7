// SPDX-License-Identifier: MIT
#include "format/color_ranking.hpp"

#include <algorithm>
#include <kmq/kmq.hpp>
#include <utility>

#include "common/parallel.hpp"

namespace kmq::detail {

namespace {
// Rows sorted per parallel chunk: a row is a few microseconds.
constexpr std::size_t kRowsPerChunk = 32;
}  // namespace

ColorRanking::ColorRanking(std::span<const std::uint8_t> palette, int channels)
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

std::size_t ColorRanking::sort_row(std::uint32_t reference) {
  const std::size_t k = palette_size_, offset = reference * k;
  row_ready_[reference] = 1;
  // Distances below 4 * 255^2 < 2^19 sorted by three stable counting passes of 7 bits, the
  // labels entering in increasing order so that ties keep the smaller label first: a few
  // thousand operations a row where a comparison sort takes several times more (a decoder may
  // sort all K rows of a small image).
  constexpr int kDigitBits = 7;
  constexpr std::uint32_t kBuckets = 1u << kDigitBits;
  std::uint32_t distance[256];
  std::uint8_t order[2][256];
  const std::uint8_t* from = &palette_[reference * channels_];
  for (std::size_t label = 0; label < k; ++label) {
    const std::uint8_t* to = &palette_[label * channels_];
    std::uint32_t sum = 0;
    for (std::size_t c = 0; c < channels_; ++c) {
      const int difference = static_cast<int>(from[c]) - static_cast<int>(to[c]);
      sum += static_cast<std::uint32_t>(difference * difference);
    }
    distance[label] = sum;
    order[0][label] = static_cast<std::uint8_t>(label);
  }
  int current = 0;
  for (int pass = 0; pass < 3; ++pass) {
    const int shift = pass * kDigitBits;
    std::uint32_t start[kBuckets] = {};
    for (std::size_t i = 0; i < k; ++i)
      ++start[distance[order[current][i]] >> shift & (kBuckets - 1)];
    std::uint32_t total = 0;
    for (std::uint32_t& bucket : start) {
      const std::uint32_t count = bucket;
      bucket = total;
      total += count;
    }
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint8_t label = order[current][i];
      order[1 - current][start[distance[label] >> shift & (kBuckets - 1)]++] = label;
    }
    current = 1 - current;
  }
  for (std::size_t place = 0; place < k; ++place) {
    const std::uint8_t label = order[current][place];
    order_[offset + place] = label;
    rank_[offset + label] = static_cast<std::uint8_t>(place);
  }
  return offset;
}

std::uint32_t ColorRanking::ranked_literal(std::uint32_t label, const PartitionCandidates& near) {
  const std::uint8_t* rank = &rank_[row(near.candidate[0])];
  std::uint32_t literal = rank[label];
  for (int c = 0; c < near.count; ++c) literal -= rank[near.candidate[c]] < rank[label] ? 1 : 0;
  return literal;
}

void ColorRanking::sort_all_rows(const Workers& threads) {
  parallel_chunks(palette_size_, kRowsPerChunk, threads,
                  [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t r = begin; r < end; ++r) {
                      if (row_ready_[r] == 0) sort_row(static_cast<std::uint32_t>(r));
                    }
                  });
}

}  // namespace kmq::detail
