// SPDX-License-Identifier: MIT
// Label coding method 4, `adaptive-copies` (format-spec §5.6): the strips, the pixel stream's
// model and the scan of one strip, written once for both directions. StripScan<Label, Coder>
// walks a strip in raster order exactly as §5.6.3 does; with a RangeEncoder it codes the labels
// it is given, with a RangeDecoder it writes the labels it reads. Copies come from a CopySource
// (the encoder's list, or the decoder's copy stream read as the scan reaches them).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "format/copy_list.hpp"
#include "format/partition_model.hpp"
#include "format/range_coder.hpp"

namespace kmq::detail {

inline constexpr std::size_t kMaxStrips = 255;  // the strip count is one byte
// The reference encoder's strips are at least this many rows high (one per megapixel, as
// method 3's tiles).
inline constexpr std::size_t kMinStripRows = 64;

/// First row of strip `strip` of `strips` over `height` rows (§5.6).
inline constexpr std::size_t strip_start(std::size_t strip, std::size_t strips,
                                         std::size_t height) {
  return strip * height / strips;
}

/// §5.6.3's state counts.
inline constexpr std::size_t kRunToLimitStates = 32;
inline constexpr std::size_t kRunAsAboveStates = 8;
inline constexpr std::size_t kRunLengthSets = 4;
inline constexpr int kMaxCandidates = 5;  // four neighbours and the prediction
inline constexpr std::size_t kSymbolStates = 15 * kMaxCandidates * 2 * 16 * 3;
inline constexpr std::size_t kAfterRunStates = kMaxCandidates * 2 * 4 * 3;
inline constexpr std::size_t kLiteralSets = 4 * 2;
inline constexpr std::size_t kPredictionEntries = std::size_t{1} << 16;
static_assert(kSymbolStates == 7200 && kAfterRunStates == 120);

/// The prediction key of four neighbours (§5.6.3).
inline std::uint32_t prediction_key(std::uint32_t w, std::uint32_t n, std::uint32_t ne,
                                    std::uint32_t nw) {
  const std::uint64_t packed =
      std::uint64_t{w} | std::uint64_t{n} << 16 | std::uint64_t{ne} << 32 | std::uint64_t{nw} << 48;
  return static_cast<std::uint32_t>((packed * 0x9E3779B97F4A7C15ull) >> 48);
}

/// ⌈log2 K⌉: the bits of a literal tree for K <= 256.
inline int literal_tree_bits(std::uint32_t palette_size) {
  int bits = 0;
  while ((std::uint32_t{1} << bits) < palette_size) ++bits;
  return bits;
}

/// Every state of a strip's pixel stream, fresh for each strip.
struct PixelStreamStates {
  explicit PixelStreamStates(std::uint32_t palette_size)
      : literal_bits(palette_size <= kMaxPartitionPaletteSize ? literal_tree_bits(palette_size)
                                                              : 0),
        literal(palette_size <= kMaxPartitionPaletteSize ? kLiteralSets << literal_bits : 0) {}
  std::array<AdaptiveBit, kRunToLimitStates> run_to_limit;
  std::array<AdaptiveBit, kRunAsAboveStates> run_as_above, run_shorter;
  std::array<GammaStates, kRunLengthSets> run_length;
  std::array<AdaptiveBit, kSymbolStates> symbol;
  std::array<AdaptiveBit, kAfterRunStates> after_run;
  int literal_bits;
  std::vector<AdaptiveBit> literal;  // K <= 256: kLiteralSets trees of 2^literal_bits states
  std::array<GammaStates, kLiteralSets> wide_literal;  // K > 256
};

/// Where a strip's copies come from, in stream order: `bool next(LabelCopy&)`.
/// The encoder's: a list already found.
class CopyListSource {
 public:
  explicit CopyListSource(const std::vector<LabelCopy>& copies) : copies_(copies) {}
  bool next(LabelCopy& copy) {
    if (at_ == copies_.size()) return false;
    copy = copies_[at_++];
    return true;
  }

 private:
  const std::vector<LabelCopy>& copies_;
  std::size_t at_ = 0;
};

/// One strip's scan (§5.6.3). `labels` holds the strip's rows, `width` apart: the labels to code
/// when encoding, the output when decoding.
template <class Label, class Coder, class CopySource>
class StripScan {
  static constexpr bool kEncoding = Coder::kEncoding;
  using Entry = std::conditional_t<sizeof(Label) == 1, std::uint16_t, std::uint32_t>;
  static constexpr Entry kEmpty = static_cast<Entry>(~Entry{0});

 public:
  StripScan(Coder& coder, CopySource& copies, Label* labels, std::size_t width, std::size_t rows,
            std::uint32_t palette_size)
      : coder_(coder),
        copies_(copies),
        labels_(labels),
        width_(width),
        rows_(rows),
        palette_size_(palette_size),
        states_(palette_size),
        prediction_(kPredictionEntries, kEmpty) {}

  void run() {
    LabelCopy pending;
    bool have_pending = copies_.next(pending);
    std::vector<LabelCopy> active, merged;
    std::size_t next_end = rows_;  // the first row below one of the active copies
    for (std::size_t y = 0; y < rows_; ++y) {
      // The copies over row y, in column order: those still running and those starting here
      // (which come in column order and, once checked, overlap none of the others). The list
      // changes only on rows where a copy starts or ends.
      if (y == next_end || (have_pending && pending.y == y)) {
        merged.clear();
        auto keep = active.begin();
        for (; have_pending && pending.y == y; have_pending = copies_.next(pending)) {
          for (; keep != active.end() && keep->x < pending.x; ++keep) {
            if (keep->y + keep->height > y) merged.push_back(*keep);
          }
          merged.push_back(pending);
        }
        for (; keep != active.end(); ++keep) {
          if (keep->y + keep->height > y) merged.push_back(*keep);
        }
        active.swap(merged);
        next_end = rows_;
        for (const LabelCopy& copy : active)
          next_end = std::min<std::size_t>(next_end, copy.y + copy.height);
      }
      scan_row(y, active);
    }
    // Every copy lies inside the strip (checked as it is read), so none is left over.
  }

 private:
  void scan_row(std::size_t y, const std::vector<LabelCopy>& active) {
    if constexpr (kEncoding) {
      scan_row(coder_, y, active);
    } else {
      // A local copy of the decoder's state, which the label stores (char-typed, so they may
      // alias anything) would otherwise force through memory at every decision.
      Coder coder = coder_;
      scan_row(coder, y, active);
      coder_ = coder;
    }
  }

  [[gnu::flatten]] void scan_row(Coder& coder, std::size_t y,
                                 const std::vector<LabelCopy>& active) {
    Label* row = labels_ + y * width_;
    std::size_t x = 0;
    previous_symbol_ = 0;
    for (const LabelCopy& copy : active) {
      scan_segment(coder, y, x, copy.x);
      if constexpr (!kEncoding) paint_copy_row(row, y, copy);
      previous_symbol_ = 0;
      x = copy.x + copy.width;
    }
    scan_segment(coder, y, x, width_);
  }

  void paint_copy_row(Label* row, std::size_t y, const LabelCopy& copy) {
    Label* to = row + copy.x;
    const Label* from = labels_ + (y - copy.offset_y) * width_ +
                        static_cast<std::size_t>(static_cast<std::int64_t>(copy.x) - copy.offset_x);
    const std::size_t width = copy.width;
    if (copy.offset_y > 0 || static_cast<std::uint32_t>(copy.offset_x) >= copy.width) {
      std::memcpy(to, from, width * sizeof(Label));
      return;
    }
    // A source overlapping its copy on the same row repeats with the offset as its period:
    // each step copies a whole number of periods already written, twice as many each time.
    const auto period = static_cast<std::size_t>(copy.offset_x);
    std::size_t done = std::min(period, width);
    std::memcpy(to, from, done * sizeof(Label));
    while (done < width) {
      const std::size_t step = std::min(done / period * period, width - done);
      std::memcpy(to + done, to + done - done / period * period, step * sizeof(Label));
      done += step;
    }
  }

  struct Near {
    std::uint32_t w, n, ne, nw;
  };

  Near neighbours_at(std::size_t y, std::size_t x) const {
    const Label* row = labels_ + y * width_;
    Near near;
    if (y == 0) {
      near.w = x > 0 ? row[x - 1] : 0;
      near.n = near.ne = near.nw = near.w;
      return near;
    }
    const Label* above = row - width_;
    near.n = above[x];
    near.ne = x + 1 < width_ ? above[x + 1] : near.n;
    if (x > 0) {
      near.w = row[x - 1];
      near.nw = above[x - 1];
    } else {
      near.w = near.nw = near.n;
    }
    return near;
  }

  // Uncovered pixels [x, end) of row y.
  void scan_segment(Coder& coder, std::size_t y, std::size_t x, std::size_t end) {
    Label* row = labels_ + y * width_;
    while (x < end) {
      const Near near = neighbours_at(y, x);
      const partition_detail::Pattern& pattern = pattern_of(near);
      if (pattern.context != kFlatContext) {
        code_pixel(coder, y, x, near, pattern, false);
        ++x;
        continue;
      }
      const std::size_t limit = end - x;
      const std::size_t ahead = y > 0 ? same_run(row - width_ + x, limit, near.w) : 0;
      std::size_t length = 0;
      if constexpr (kEncoding) length = same_run(row + x, limit, near.w);
      const std::size_t q = std::min<std::size_t>(previous_symbol_, 3);
      const std::size_t flag_context = static_cast<std::size_t>(ahead == limit) +
                                       2 * static_cast<std::size_t>(limit > 16) +
                                       4 * static_cast<std::size_t>(y == 0) + 8 * q;
      if (coder.decide(states_.run_to_limit[flag_context], length == limit) != 0) {
        fill(row + x, limit, near.w);
        previous_symbol_ = 0;
        return;
      }
      length = code_run_length(coder, q, ahead, limit, length);
      fill(row + x, length, near.w);
      x += length;
      const Near at_break = neighbours_at(y, x);
      code_pixel(coder, y, x, at_break, pattern_of(at_break), true);
      ++x;
    }
  }

  static const partition_detail::Pattern& pattern_of(const Near& near) {
    return partition_detail::kPatterns[pattern_bits({near.w, near.n, near.ne, near.nw})];
  }

  // How many of the `limit` labels from `at` equal `label`, counted while they do.
  static std::size_t same_run(const Label* at, std::size_t limit, std::uint32_t label) {
    std::size_t length = 0;
    if constexpr (sizeof(Label) == 1) {
      // Eight labels at a time: the first that differs is the lowest non-zero byte.
      const std::uint64_t repeated = 0x0101010101010101ull * label;
      for (; length + 8 <= limit; length += 8) {
        std::uint64_t word;
        std::memcpy(&word, at + length, 8);
        const std::uint64_t differ = word ^ repeated;
        if (differ != 0) return length + static_cast<std::size_t>(std::countr_zero(differ) / 8);
      }
    }
    while (length < limit && at[length] == label) ++length;
    return length;
  }

  static void fill(Label* to, std::size_t count, std::uint32_t label) {
    if constexpr (!kEncoding) std::fill(to, to + count, static_cast<Label>(label));
  }

  // §5.6.3 step 2 of a run: a length below `limit` (the encoder's `length`).
  std::size_t code_run_length(Coder& coder, std::size_t q, std::size_t ahead, std::size_t limit,
                              std::size_t length) {
    const std::size_t context = q + 4 * static_cast<std::size_t>(ahead == 0);
    if (ahead < limit && coder.decide(states_.run_as_above[context], length == ahead) != 0)
      return ahead;
    int shorter;
    if (ahead == limit) {
      shorter = 1;
    } else if (ahead == 0) {
      shorter = 0;
    } else {
      shorter = coder.decide(states_.run_shorter[context], length < ahead);
    }
    GammaStates& set = states_.run_length[2 * static_cast<std::size_t>(shorter) + (ahead == limit)];
    if (shorter != 0) {
      const std::uint32_t m =
          code_gamma(coder, set, static_cast<std::uint32_t>(ahead - 1 - length));
      if constexpr (!kEncoding) {
        if (m > ahead - 1) coder.fail("run length out of range");
      }
      return ahead - 1 - m;
    }
    const std::uint32_t m = code_gamma(coder, set, static_cast<std::uint32_t>(length - ahead - 1));
    if constexpr (!kEncoding) {
      if (m >= limit - ahead - 1 || limit - ahead < 2) coder.fail("run length out of range");
    }
    return ahead + 1 + m;
  }

  // §5.6.3's coded pixel at (x, y); a break pixel when `after_run`.
  void code_pixel(Coder& coder, std::size_t y, std::size_t x, const Near& near,
                  const partition_detail::Pattern& pattern, bool after_run) {
    Label* row = labels_ + y * width_;
    const std::uint32_t four[4] = {near.w, near.n, near.ne, near.nw};
    // All four slots are filled whatever the count (an unused group's first neighbour is W),
    // so that no loop here depends on the pattern.
    std::uint32_t candidate[kMaxCandidates];
    for (int g = 0; g < 4; ++g) candidate[g] = four[pattern.first[g]];
    const int count = pattern.count;
    const std::uint32_t key = prediction_key(near.w, near.n, near.ne, near.nw);
    const Entry predicted = prediction_[key];
    int hinted = -1;  // the candidate the prediction names
    for (int g = 3; g >= 0; --g) hinted = (g < count && candidate[g] == predicted) ? g : hinted;
    const int extra = (predicted != kEmpty && hinted < 0) ? 1 : 0;
    candidate[count] = predicted;
    const int candidates = count + extra;
    const std::uint32_t ww = x >= 2 ? row[x - 2] : near.w;
    const std::uint32_t nn = y >= 2 ? (row - 2 * width_)[x] : near.n;
    const std::size_t q = std::min<std::size_t>(previous_symbol_, 3);
    const std::size_t near_bits =
        static_cast<std::size_t>(ww == near.w) + 2 * static_cast<std::size_t>(nn == near.n) + 4 * q;
    // State of candidate g: base + g * stride + its hint (§5.6.3 step 1's index).
    AdaptiveBit* base;
    std::size_t stride;
    if (after_run) {
      base = &states_.after_run[(static_cast<std::size_t>(extra) * 4 + (near_bits & 3)) * 3];
      stride = 2 * 4 * 3;
    } else {
      base = &states_.symbol[(((static_cast<std::size_t>(pattern.context) * kMaxCandidates) * 2 +
                               static_cast<std::size_t>(extra)) *
                                  16 +
                              near_bits) *
                             3];
      stride = 2 * 16 * 3;
    }
    std::uint32_t label = 0;
    if constexpr (kEncoding) label = row[x];
    int symbol = candidates;
    for (int g = after_run ? 1 : 0; g < candidates; ++g) {
      const std::size_t hint = hinted < 0 ? 0 : hinted == g ? 1 : 2;
      if (coder.decide(base[static_cast<std::size_t>(g) * stride + hint],
                       kEncoding && label == candidate[g]) != 0) {
        symbol = g;
        break;
      }
    }
    if (symbol < candidates) {
      label = candidate[symbol];
    } else {
      label = code_literal(coder, near.w, count, extra, label);
    }
    prediction_[key] = static_cast<Entry>(label);
    previous_symbol_ = static_cast<std::uint32_t>(symbol);
    if constexpr (!kEncoding) row[x] = static_cast<Label>(label);
  }

  std::uint32_t code_literal(Coder& coder, std::uint32_t w, int count, int extra,
                             std::uint32_t label) {
    const std::size_t set =
        static_cast<std::size_t>(count - 1) * 2 + static_cast<std::size_t>(extra);
    if (palette_size_ <= kMaxPartitionPaletteSize) {
      // The label itself: on graphics the escaped labels are few and often the same ones,
      // which the tree learns (ranking them by colour, as method 2 does, saves little there
      // and costs every decoder a sort of K rows).
      const int bits = states_.literal_bits;
      label = code_tree(coder, &states_.literal[set << bits], bits, label);
      if constexpr (!kEncoding) {
        if (label >= palette_size_) coder.fail("literal out of range");
      }
      return label;
    }
    std::uint32_t difference = 0;
    if constexpr (kEncoding) {
      const std::uint32_t d = (label + palette_size_ - w) % palette_size_;
      difference = d < (palette_size_ + 1) / 2 ? 2 * d : 2 * (palette_size_ - d) - 1;
    }
    difference = code_gamma(coder, states_.wide_literal[set], difference);
    if constexpr (!kEncoding) {
      if (difference >= palette_size_) coder.fail("literal out of range");
      const std::uint32_t d =
          difference % 2 == 0 ? difference / 2 : palette_size_ - (difference + 1) / 2;
      return (w + d) % palette_size_;
    }
    return label;
  }

  Coder& coder_;
  CopySource& copies_;
  Label* labels_;
  std::size_t width_, rows_;
  std::uint32_t palette_size_;
  PixelStreamStates states_;
  std::vector<Entry> prediction_;
  std::uint32_t previous_symbol_ = 0;
};

}  // namespace kmq::detail
