// SPDX-License-Identifier: MIT
// Binning of weighted points into cubic cells.
#include "quantize/stats/color_bins.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>

#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

namespace {

// Bin means are kept on a grid 16 times finer than the input's, so sums stay exact.
constexpr float kMeanRefinement = 16.f;

constexpr std::uint64_t kCellLimit = 4095;

// Coordinates lie within about -300..300 (OKLab scaled) or 0..255: offset into 12 bits.
std::array<std::uint64_t, kDims> cells_of(const float* point, float edge) {
  std::array<std::uint64_t, kDims> cells;
  for (std::size_t d = 0; d < kDims; ++d) {
    const auto cell = static_cast<std::int64_t>(std::floor(point[d] / edge)) + 2048;
    cells[d] = static_cast<std::uint64_t>(
        std::clamp<std::int64_t>(cell, 0, static_cast<std::int64_t>(kCellLimit)));
  }
  return cells;
}

std::uint64_t bin_key(const float* point, float edge) {
  std::uint64_t key = 0;
  for (const std::uint64_t cell : cells_of(point, edge)) key = key << 12 | cell;
  return key;
}

// The points' distinct cells, numbered in order of first appearance through an open-addressing
// table that grows at half load.
class CellIndex {
 public:
  explicit CellIndex(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < 2 * (expected + 1)) capacity *= 2;
    keys_.assign(capacity, kEmpty);
    ids_.resize(capacity);
  }

  // Empty again, with the room it has (each edge tried reuses one table).
  void clear() {
    std::fill(keys_.begin(), keys_.end(), kEmpty);
    by_number_.clear();
  }

  // The cell's number, a new one for a cell not seen before.
  std::uint32_t number(std::uint64_t key) {
    std::size_t slot = slot_of(key);
    while (keys_[slot] != kEmpty && keys_[slot] != key) slot = (slot + 1) & mask();
    if (keys_[slot] == key) return ids_[slot];
    keys_[slot] = key;
    ids_[slot] = static_cast<std::uint32_t>(by_number_.size());
    by_number_.push_back(key);
    if (2 * by_number_.size() > keys_.size()) grow();
    return static_cast<std::uint32_t>(by_number_.size() - 1);
  }

  // The key of every cell by its number.
  const std::vector<std::uint64_t>& keys() const noexcept { return by_number_; }
  // The keys, the table freed.
  std::vector<std::uint64_t> take_keys() && {
    std::vector<std::uint64_t>().swap(keys_);
    std::vector<std::uint32_t>().swap(ids_);
    return std::move(by_number_);
  }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // keys use 48 bits
  std::size_t mask() const noexcept { return keys_.size() - 1; }
  std::size_t slot_of(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40) & mask();
  }
  void grow() {
    keys_.assign(2 * keys_.size(), kEmpty);
    ids_.resize(keys_.size());
    for (std::size_t id = 0; id < by_number_.size(); ++id) {
      std::size_t slot = slot_of(by_number_[id]);
      while (keys_[slot] != kEmpty) slot = (slot + 1) & mask();
      keys_[slot] = by_number_[id];
      ids_[slot] = static_cast<std::uint32_t>(id);
    }
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint64_t> by_number_;
};

}  // namespace

WeightedPoints bin_points(const WeightedPoints& points, std::size_t max_points,
                          std::vector<std::uint32_t>* bin_of) {
  const std::size_t n = points.size();
  // The finest edge that leaves at most max_points cells (edges growing by sqrt 2, so that the
  // bins come within a factor of about 2.8 of max_points, not 8): each edge numbers the points'
  // cells until there are too many, and the one that fits keeps its numbers. Bins then go in
  // the order of their cells' keys (cell coordinates, first one highest), for which only the
  // distinct cells are sorted. The sums are integers, so their order does not matter.
  std::vector<std::uint32_t> local_bin_of;
  std::vector<std::uint32_t>& bins_of = bin_of != nullptr ? *bin_of : local_bin_of;
  bins_of.resize(n);
  CellIndex cells(std::min(max_points, n));
  auto number_cells = [&](float edge, std::size_t limit) {
    cells.clear();
    for (std::size_t i = 0; i < n; ++i) {
      bins_of[i] = cells.number(bin_key(&points.coords[i * kDims], edge));
      if (cells.keys().size() > limit) return false;
    }
    return true;
  };
  float edge = 2.f;
  while (!number_cells(edge, edge < 256 ? max_points : n)) edge *= std::numbers::sqrt2_v<float>;
  // Each table is freed once it has been used.
  std::vector<std::uint32_t> rank;
  {
    const std::vector<std::uint64_t> keys = std::move(cells).take_keys();
    std::vector<std::uint32_t> by_key(keys.size());
    std::iota(by_key.begin(), by_key.end(), 0u);
    std::sort(by_key.begin(), by_key.end(),
              [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
    rank.resize(keys.size());
    for (std::size_t r = 0; r < rank.size(); ++r) rank[by_key[r]] = static_cast<std::uint32_t>(r);
  }
  const std::size_t bins = rank.size();
  std::vector<std::int64_t> sums(bins * kDims, 0);
  std::vector<std::uint64_t> weights(bins, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t bin = rank[bins_of[i]];
    bins_of[i] = bin;
    for (std::size_t d = 0; d < kDims; ++d) {
      sums[bin * kDims + d] +=
          static_cast<std::int64_t>(points.coords[i * kDims + d] * points.fixed_point_scale) *
          static_cast<std::int64_t>(points.weights[i]);
    }
    weights[bin] += points.weights[i];
  }
  WeightedPoints out;
  out.coords.reserve(bins * kDims);
  out.weights.reserve(bins);
  out.fixed_point_scale = points.fixed_point_scale * kMeanRefinement;
  const double fine = out.fixed_point_scale;
  for (std::size_t bin = 0; bin < bins; ++bin) {
    for (std::size_t d = 0; d < kDims; ++d) {
      // Mean on the finer grid: round(sum / weight * refinement) / fine.
      const double mean = static_cast<double>(sums[bin * kDims + d]) /
                          static_cast<double>(weights[bin]) / points.fixed_point_scale;
      out.coords.push_back(static_cast<float>(std::round(mean * fine) / fine));
    }
    out.weights.push_back(static_cast<std::uint32_t>(weights[bin]));
  }
  return out;
}

}  // namespace kmq::detail
