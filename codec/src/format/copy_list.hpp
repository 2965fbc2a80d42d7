// SPDX-License-Identifier: MIT
// Method 4's copy stream (format-spec §5.6.2): the rectangles a strip copies from earlier in
// itself, how each is coded against the one before, and the checks a decoder makes before a
// copy is used. One coding function serves both directions (see range_coder.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/range_coder.hpp"
#include "format/stream_table.hpp"

namespace kmq::detail {

/// A rectangle of labels copied from `offset` earlier: label(x + i, y + j) =
/// label(x + i - offset_x, y + j - offset_y). Rows count from the strip's first row.
struct LabelCopy {
  std::uint32_t x = 0, y = 0;
  std::uint32_t width = 0, height = 0;
  std::int32_t offset_x = 0;
  std::uint32_t offset_y = 0;
  friend bool operator==(const LabelCopy&, const LabelCopy&) = default;
};

/// The copy stream's states and what it remembers between copies.
class CopyListModel {
 public:
  static constexpr std::size_t kRecentOffsets = 8;

  /// Codes one copy after those before it: the encoder passes `copy`, the decoder gets it.
  template <class Coder>
  void code(Coder& coder, LabelCopy& copy) {
    const int same_row = coder.decide(row_, Coder::kEncoding && copy.y == previous_.y);
    if (same_row != 0) {
      copy.y = previous_.y;
      copy.x = add(coder, previous_.x + previous_.width,
                   code_gamma(coder, dx_, copy.x - previous_.x - previous_.width));
    } else {
      copy.y = add(coder, previous_.y + 1, code_gamma(coder, dy_, copy.y - previous_.y - 1));
      copy.x = code_gamma(coder, x_, copy.x);
    }
    code_offset(coder, copy);
    copy.width = add(coder, 1, code_gamma(coder, width_, copy.width - 1));
    const int same_height =
        coder.decide(same_height_, Coder::kEncoding && copy.height == previous_.height);
    if (same_height != 0) {
      copy.height = previous_.height;
    } else {
      copy.height = add(coder, 1, code_gamma(coder, height_, copy.height - 1));
    }
    previous_ = copy;
  }

  /// The copy count, first in the stream.
  template <class Coder>
  std::uint32_t code_count(Coder& coder, std::uint32_t count = 0) {
    return code_gamma(coder, count_, count);
  }

 private:
  struct Offset {
    std::int32_t x;
    std::uint32_t y;
  };

  // a + b where a decoder may meet values near 2^32: beyond the limits it is corrupt anyway.
  template <class Coder>
  static std::uint32_t add(Coder& coder, std::uint32_t a, std::uint32_t b) {
    const std::uint64_t sum = std::uint64_t{a} + b;
    if constexpr (!Coder::kEncoding) {
      if (sum > 0xFFFFFFFFu) coder.fail("copy position out of range");
    }
    return static_cast<std::uint32_t>(sum);
  }

  template <class Coder>
  void code_offset(Coder& coder, LabelCopy& copy) {
    std::size_t found = recent_count_;
    for (std::size_t m = 0; m < recent_count_; ++m) {
      const bool match =
          Coder::kEncoding && recent_[m].x == copy.offset_x && recent_[m].y == copy.offset_y;
      if (coder.decide(offset_hit_[m], match) != 0) {
        found = m;
        break;
      }
    }
    Offset offset;
    if (found < recent_count_) {
      offset = recent_[found];
      std::copy_backward(recent_.begin(), recent_.begin() + static_cast<std::ptrdiff_t>(found),
                         recent_.begin() + static_cast<std::ptrdiff_t>(found) + 1);
    } else {
      offset.y = code_gamma(coder, offset_y_, copy.offset_y);
      const std::uint32_t zigzag = copy.offset_x >= 0
                                       ? 2 * static_cast<std::uint32_t>(copy.offset_x)
                                       : 2 * static_cast<std::uint32_t>(-copy.offset_x) - 1;
      const std::uint32_t z = code_gamma(coder, offset_x_, zigzag);
      if constexpr (!Coder::kEncoding) {
        if (z >= 0xFFFFFFFEu) coder.fail("copy offset out of range");
      }
      offset.x =
          (z & 1) == 0 ? static_cast<std::int32_t>(z / 2) : -static_cast<std::int32_t>((z + 1) / 2);
      recent_count_ = std::min(recent_count_ + 1, kRecentOffsets);
      std::copy_backward(recent_.begin(),
                         recent_.begin() + static_cast<std::ptrdiff_t>(recent_count_) - 1,
                         recent_.begin() + static_cast<std::ptrdiff_t>(recent_count_));
    }
    recent_[0] = offset;
    copy.offset_x = offset.x;
    copy.offset_y = offset.y;
  }

  GammaStates count_, dx_, dy_, x_, offset_y_, offset_x_, width_, height_;
  AdaptiveBit row_, same_height_;
  std::array<AdaptiveBit, kRecentOffsets> offset_hit_;
  std::array<Offset, kRecentOffsets> recent_{};
  std::size_t recent_count_ = 0;
  LabelCopy previous_{0, 0, 0, 1, 0, 0};
};

/// §5.6.2's rules for a strip `width` x `rows`: checks each copy, in stream order, before it
/// is used. A broken rule throws Error(corrupt_file).
class CopyChecker {
 public:
  CopyChecker(std::size_t width, std::size_t rows)
      : width_(width), rows_(rows), covered_until_(width, 0) {}

  void check(const LabelCopy& copy) {
    const std::uint64_t x = copy.x, y = copy.y, w = copy.width, h = copy.height;
    if (x + w > width_ || y + h > rows_) corrupt_label_chunk("a copy reaches outside its strip");
    const std::int64_t source_x = static_cast<std::int64_t>(x) - copy.offset_x;
    if (source_x < 0 || static_cast<std::uint64_t>(source_x) + w > width_ || copy.offset_y > y)
      corrupt_label_chunk("a copy's source lies outside its strip");
    if (copy.offset_y == 0 && copy.offset_x <= 0)
      corrupt_label_chunk("a copy's source does not come before it");
    for (std::size_t column = copy.x; column < copy.x + copy.width; ++column) {
      if (covered_until_[column] > copy.y) corrupt_label_chunk("two copies cover the same pixel");
    }
    std::fill(covered_until_.begin() + copy.x, covered_until_.begin() + copy.x + copy.width,
              copy.y + copy.height);
  }

 private:
  std::uint64_t width_, rows_;
  std::vector<std::uint32_t> covered_until_;  // per column: the row below its last copy
};

/// The decoder's copies: a strip's copy stream, read one copy at a time as the scan reaches it
/// (memory stays bounded by the copies over one row, whatever the count says).
class CopyStreamSource {
 public:
  CopyStreamSource(std::span<const std::uint8_t> stream, std::size_t width, std::size_t rows)
      : decoder_(stream), checker_(width, rows) {
    remaining_ = model_.code_count(decoder_);
    if (remaining_ > std::uint64_t{width} * rows)
      corrupt_label_chunk("more copies than the strip has pixels");
  }

  bool next(LabelCopy& copy) {
    if (remaining_ == 0) return false;
    --remaining_;
    model_.code(decoder_, copy);
    checker_.check(copy);
    return true;
  }

  /// After the strip's last pixel: every copy read, and the stream read to its end.
  void finish() const {
    if (remaining_ != 0) corrupt_label_chunk("a copy starts below its strip");
    decoder_.finish();
  }

 private:
  RangeDecoder decoder_;
  CopyChecker checker_;
  CopyListModel model_;
  std::uint64_t remaining_ = 0;
};

}  // namespace kmq::detail
