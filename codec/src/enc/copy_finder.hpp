// SPDX-License-Identifier: MIT
// Finds the copies of label coding method 4 (format-spec §5.6.2) in one strip: rectangles that
// repeat labels seen earlier, such as repeated glyphs, icons and pattern tiles. Small blocks
// are hashed so that the search stays linear in the pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/copy_list.hpp"

namespace kmq::detail {

struct CopySearch {
  /// Side of the hashed blocks: a copy is at least this wide and high.
  std::size_t block = 4;
  /// A copy must cover at least this many busy pixels (not inside a run of one label), the ones
  /// that cost bits when coded: below that its own coding costs about what it saves.
  std::size_t min_busy_pixels = 48;
  /// Earlier positions remembered per hash bucket.
  std::size_t candidates = 4;
  /// Longest side of a copy the search grows.
  std::size_t max_side = 4096;
  /// A bound on fruitless work, 0 for none: once a strip's first `budget_rows_fraction` of rows
  /// are searched, the search ends at the first row after which it has grown more candidate
  /// sources than this many per busy pixel inside its copies. Documents and charts take 0.4-1.8
  /// there at 16 colours and more, a 14.7 MP illustration's smooth shading 27-40 (for copies
  /// that save 2-3 % of its labels in two thirds of its encoding time), photos 16 to 12 000.
  double max_grows_per_copied_pixel = 0;
  double budget_rows_fraction = 0.125;
  /// Skip sources that cannot give a copy: found too small further left on the row, or with too
  /// few busy pixels below. The same copies, faster; off only to check that.
  bool skip_hopeless = true;
};

/// Copies for a strip of `width` x `rows` labels (row-major), in stream order (raster order of
/// their corners), none overlapping, every source earlier and inside the strip. Labels as bytes
/// (K <= 256) give the same copies, faster.
std::vector<LabelCopy> find_copies(std::span<const std::uint16_t> labels, std::size_t width,
                                   std::size_t rows, const CopySearch& search);
std::vector<LabelCopy> find_copies(std::span<const std::uint8_t> labels, std::size_t width,
                                   std::size_t rows, const CopySearch& search);

}  // namespace kmq::detail
