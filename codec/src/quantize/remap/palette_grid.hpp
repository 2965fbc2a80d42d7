// SPDX-License-Identifier: MIT
// Exact nearest palette entry of any 8-bit RGB colour without a per-colour table: each cell of
// a grid over the RGB cube lists the few entries that can be nearest to some colour in it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "common/parallel.hpp"

namespace kmq::detail {

/// Nearest entry by squared sRGB distance, ties to the lower index (what a scan of the whole
/// palette with a strict "closer" test gives). Immutable once built: safe from many threads.
class PaletteGrid {
 public:
  /// `rgb` holds 3 bytes per entry, 1..65536 entries. Builds on up to `threads` threads. With
  /// `used_cells` (kCells flags, cell_of() order) only the cells flagged are filled: nearest()
  /// must then be asked only for colours in them.
  PaletteGrid(std::span<const std::uint8_t> rgb, const Workers& threads,
              std::span<const std::uint8_t> used_cells = {});

  /// Cells per axis are 1 << kLevels; each cell spans kCellSpan values of a channel.
  static constexpr int kLevels = 6;
  static constexpr int kCellSpan = 256 >> kLevels;
  static constexpr std::uint32_t kCells = 1u << (3 * kLevels);
  static constexpr std::uint32_t kColoursPerCell = kCellSpan * kCellSpan * kCellSpan;

  static std::uint32_t cell_of(const std::uint8_t* rgb) noexcept {
    return kSpread[rgb[0]] << 2 | kSpread[rgb[1]] << 1 | kSpread[rgb[2]];
  }
  /// A colour's place among its cell's kColoursPerCell colours.
  static std::uint32_t place_in_cell(const std::uint8_t* rgb) noexcept {
    constexpr std::uint32_t mask = kCellSpan - 1;
    return ((rgb[0] & mask) * kCellSpan + (rgb[1] & mask)) * kCellSpan + (rgb[2] & mask);
  }
  /// The cell's smallest colour: the first of the kCellSpan values of each channel it spans.
  static std::array<std::uint8_t, 3> cell_corner(std::uint32_t cell) noexcept;
  std::uint32_t candidate_count(std::uint32_t cell) const noexcept {
    return first_[cell + 1] - first_[cell];
  }

  std::uint16_t nearest(const std::uint8_t* rgb) const noexcept {
    return nearest_in(cell_of(rgb), rgb);
  }
  /// nearest() when the colour's cell is known.
  std::uint16_t nearest_in(std::uint32_t cell, const std::uint8_t* rgb) const noexcept {
    const std::uint32_t begin = first_[cell], end = first_[cell + 1];
    if (end - begin == 1) return candidates_[begin];
    // Distance and entry in one key: the smallest key is the nearest entry, ties to the lower
    // index, and the loop has no branch to mispredict.
    std::uint64_t best = ~std::uint64_t{0};
    for (std::uint32_t i = begin; i < end; ++i) {
      const std::uint32_t colour = candidate_colors_[i];
      const int dr = rgb[0] - static_cast<int>(colour & 0xFF);
      const int dg = rgb[1] - static_cast<int>(colour >> 8 & 0xFF);
      const int db = rgb[2] - static_cast<int>(colour >> 16);
      const auto distance = static_cast<std::uint64_t>(dr * dr + dg * dg + db * db);
      best = std::min(best, distance << 16 | candidates_[i]);
    }
    return static_cast<std::uint16_t>(best);
  }

  /// Mean candidates per cell: what a lookup costs (for tests and tuning).
  double mean_candidates() const noexcept;

 private:
  // Cells in Morton order (a cell's eight halves are consecutive), so the grid is refined one
  // level at a time, each cell's list filtered from its parent's.
  std::vector<std::uint32_t> first_;  // cell -> first candidate; one more at the end
  std::vector<std::uint16_t> candidates_;
  std::vector<std::uint32_t> candidate_colors_;  // R | G << 8 | B << 16 of each candidate:
                                                 // the lookup reads one array in order
  // Channel value -> the bits of its cell coordinate, 3 apart (cell_of interleaves them).
  static constexpr std::array<std::uint32_t, 256> kSpread = [] {
    std::array<std::uint32_t, 256> spread{};
    for (int value = 0; value < 256; ++value) {
      const int coordinate = value >> (8 - kLevels);
      for (int bit = 0; bit < kLevels; ++bit) {
        spread[static_cast<std::size_t>(value)] |=
            static_cast<std::uint32_t>((coordinate >> bit) & 1) << (3 * bit);
      }
    }
    return spread;
  }();
};

}  // namespace kmq::detail
