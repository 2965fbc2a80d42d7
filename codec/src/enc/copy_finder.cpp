// SPDX-License-Identifier: MIT
#include "enc/copy_finder.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <type_traits>

namespace kmq::detail {

namespace {

constexpr std::uint32_t kEmptySlot = 0xFFFFFFFFu;
// A block of one label, which is never a copy's start nor remembered as a source.
constexpr std::uint32_t kFlatBlock = 0xFFFFFFFFu;
// Blocks ahead whose bucket is fetched: enough to hide a memory read behind the hashing.
constexpr std::size_t kPrefetchDistance = 16;

// The four labels at (x .. x+3, y) in one integer: equal keys are equal labels. The same key
// whatever the labels' type, so that both types find the same copies.
template <class Label>
std::uint64_t row_key(const Label* at) {
  return std::uint64_t{at[0]} | std::uint64_t{at[1]} << 16 | std::uint64_t{at[2]} << 32 |
         std::uint64_t{at[3]} << 48;
}

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 31;
  h *= 0x7FB5D329728EA185ull;
  h ^= h >> 27;
  h *= 0x81DADEF4BC2DD44Dull;
  return h ^ (h >> 33);
}

// A source at some distance that was grown at a position of this row and gave too small a copy,
// and the column up to which the same distance gives only a part of that copy (see grow()): it
// is not grown again there. In smooth areas, where sources match over long runs with few busy
// pixels, regrowing them at every column made the search quadratic in the run length.
struct Declined {
  std::size_t distance = 0;
  std::size_t end_x = 0;
};

class DeclinedSources {
 public:
  bool covers(std::size_t distance, std::size_t x) const {
    for (const Declined& entry : entries_) {
      if (entry.distance == distance && x < entry.end_x) return true;
    }
    return false;
  }
  void add(const Declined& entry) {
    entries_[next_] = entry;
    next_ = (next_ + 1) % entries_.size();
  }

 private:
  std::array<Declined, 8> entries_{};
  std::size_t next_ = 0;
};

// One bit per pixel: the pixels inside accepted copies, which no later copy may cover. Bits,
// not bytes, because the search's tables are the encoder's peak memory on large graphics.
class CoveredPixels {
 public:
  // Eight bytes more, so that a word may be read from any pixel's byte.
  explicit CoveredPixels(std::size_t pixels) : bytes_(pixels / 8 + 9, 0) {}

  bool test(std::size_t pixel) const noexcept {
    return ((bytes_[pixel >> 3] >> (pixel & 7)) & 1) != 0;
  }
  void set(std::size_t pixel, std::size_t count) noexcept {
    for (std::size_t p = pixel; p < pixel + count; ++p)
      bytes_[p >> 3] = static_cast<std::uint8_t>(bytes_[p >> 3] | 1u << (p & 7));
  }
  // The bits of pixels `pixel` .. `pixel` + 56 from bit 0 up (little-endian machines only).
  std::uint64_t bits_from(std::size_t pixel) const noexcept {
    std::uint64_t word;
    std::memcpy(&word, &bytes_[pixel >> 3], sizeof word);
    return word >> (pixel & 7);
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

template <class Label>
class CopyFinder {
 public:
  CopyFinder(std::span<const Label> labels, std::size_t width, std::size_t rows,
             const CopySearch& search)
      : labels_(labels.data()),
        width_(width),
        rows_(rows),
        search_(search),
        covered_(width * rows) {
    const std::size_t pixels = width * rows;
    const int wanted = static_cast<int>(std::bit_width(pixels));
    bucket_bits_ = std::clamp(wanted - 1, 10, 22);
    table_.assign((std::size_t{1} << bucket_bits_) * search.candidates, kEmptySlot);
    count_busy();
  }

  std::vector<LabelCopy> run() {
    constexpr std::size_t kBlock = 4;  // row_key() covers four labels
    std::vector<LabelCopy> copies;
    if (search_.block != kBlock || width_ < kBlock || rows_ < kBlock) return copies;
    std::vector<std::uint64_t> keys(kBlock * width_);  // the row keys of rows y .. y + 3
    std::vector<std::uint32_t> buckets(width_);        // each block's bucket, or kFlatBlock
    std::size_t grows = 0;
    std::size_t copied_pixels = 0;  // busy pixels inside the copies
    const auto budget_from_row =
        static_cast<std::size_t>(search_.budget_rows_fraction * static_cast<double>(rows_));
    for (std::size_t y = 0; y + kBlock <= rows_; ++y) {
      if (search_.max_grows_per_copied_pixel > 0 && y > budget_from_row &&
          static_cast<double>(grows) >
              search_.max_grows_per_copied_pixel * static_cast<double>(copied_pixels))
        break;
      for (std::size_t j = (y == 0 ? 0 : kBlock - 1); j < kBlock; ++j) {
        std::uint64_t* ring = &keys[((y + j) % kBlock) * width_];
        const Label* row = labels_ + (y + j) * width_;
        for (std::size_t x = 0; x + kBlock <= width_; ++x) ring[x] = row_key(row + x);
      }
      // The row's buckets first, so that each can be fetched ahead of its use: the table is
      // far larger than the caches and its reads are random.
      const std::size_t positions = width_ - kBlock + 1;
      for (std::size_t x = 0; x < positions; ++x) {
        std::uint64_t k[kBlock];
        for (std::size_t j = 0; j < kBlock; ++j) k[j] = keys[((y + j) % kBlock) * width_ + x];
        const bool flat = k[0] == k[1] && k[1] == k[2] && k[2] == k[3] &&
                          k[0] == 0x0001000100010001ull * (k[0] & 0xFFFF);
        const std::uint64_t hash = mix(k[0] ^ std::rotl(k[1], 17) ^ std::rotl(k[2], 31) ^
                                       std::rotl(k[3], 47) ^ 0x9E3779B97F4A7C15ull);
        buckets[x] = flat ? kFlatBlock : static_cast<std::uint32_t>(hash >> (64 - bucket_bits_));
      }
      DeclinedSources declined;
      for (std::size_t x = 0; x < positions; ++x) {
        if (x + kPrefetchDistance < positions && buckets[x + kPrefetchDistance] != kFlatBlock)
          __builtin_prefetch(&table_[buckets[x + kPrefetchDistance] * search_.candidates], 1);
        if (buckets[x] == kFlatBlock) continue;
        std::uint32_t* bucket = &table_[buckets[x] * search_.candidates];
        if (!covered_.test(y * width_ + x)) {
          LabelCopy best;
          std::size_t best_busy = 0;
          for (std::size_t slot = 0; slot < search_.candidates; ++slot) {
            if (bucket[slot] == kEmptySlot) break;
            const std::size_t source = bucket[slot];
            const std::size_t distance = y * width_ + x - source;
            if (search_.skip_hopeless && declined.covers(distance, x)) continue;
            LabelCopy copy;
            std::size_t part_end = 0;
            ++grows;
            const std::size_t busy = grow(x, y, source % width_, source / width_, copy, part_end);
            if (busy == 0) continue;
            // Declined whatever wins here: an accepted copy covers only columns left of the
            // ones this entry skips, so their copies stay what they were.
            if (busy < search_.min_busy_pixels) declined.add({distance, part_end});
            if (busy > best_busy) {
              best_busy = busy;
              best = copy;
            }
          }
          if (best_busy >= search_.min_busy_pixels) {
            copies.push_back(best);
            copied_pixels += best_busy;
            for (std::size_t j = 0; j < best.height; ++j) {
              covered_.set((best.y + j) * width_ + best.x, best.width);
            }
          }
        }
        // This block may be a later copy's source.
        for (std::size_t slot = search_.candidates - 1; slot > 0; --slot)
          bucket[slot] = bucket[slot - 1];
        bucket[0] = static_cast<std::uint32_t>(y * width_ + x);
      }
    }
    return copies;
  }

 private:
  // A pixel is cheap when it continues a run of its label under a row of the same label; the
  // others are busy. busy_sums_[y * (width + 1) + x] counts the busy pixels above and left of
  // (x, y), so that any rectangle's count takes four reads.
  void count_busy() {
    const std::size_t stride = width_ + 1;
    busy_sums_.assign(stride * (rows_ + 1), 0);
    for (std::size_t y = 0; y < rows_; ++y) {
      const Label* row = labels_ + y * width_;
      std::uint32_t row_sum = 0;
      for (std::size_t x = 0; x < width_; ++x) {
        bool cheap = false;
        if (y > 0 && x > 0 && x + 1 < width_) {
          const Label* above = row - width_;
          const Label w = row[x - 1];
          cheap = row[x] == w && above[x - 1] == w && above[x] == w && above[x + 1] == w;
        }
        row_sum += cheap ? 0 : 1;
        busy_sums_[(y + 1) * stride + x + 1] = busy_sums_[y * stride + x + 1] + row_sum;
      }
    }
  }

  // The first i in [from, to) where (x + i, y) is covered or its label differs from that of
  // (sx + i, sy); `to` when there is none. A word of labels at a time (4 or 8), the first
  // differing one found from the bits, and a short end done as a word that overlaps labels
  // already compared: this scan is the search's inner loop, on images with long matching edges
  // and, mostly, on the many small matches of smooth shading (4 to 7 wide on a 14.7 MP
  // illustration), where its time goes to reading the labels (hence bytes where they fit).
  std::size_t first_mismatch(std::size_t x, std::size_t y, std::size_t sx, std::size_t sy,
                             std::size_t from, std::size_t to) const {
    const Label* target = labels_ + y * width_ + x;
    const Label* source = labels_ + sy * width_ + sx;
    const std::size_t at = y * width_ + x;
    if constexpr (std::endian::native == std::endian::little) {
      // Eight byte labels at a time, or four; the 4x4 block checks compare four.
      if constexpr (sizeof(Label) == 1) {
        if (to - from >= 8) return first_mismatch_in_words<8>(target, source, at, from, to);
      }
      return first_mismatch_in_words<4>(target, source, at, from, to);
    } else {
      for (std::size_t i = from; i < to; ++i) {
        if (covered_.test(at + i) || target[i] != source[i]) return i;
      }
      return to;
    }
  }

  // first_mismatch() on words of `Lanes` labels (Lanes * sizeof(Label) <= 8 bytes).
  template <std::size_t Lanes>
  std::size_t first_mismatch_in_words(const Label* target, const Label* source, std::size_t at,
                                      std::size_t from, std::size_t to) const {
    constexpr std::size_t kLabelBits = 8 * sizeof(Label);
    using LabelWord = std::conditional_t<Lanes * sizeof(Label) == 8, std::uint64_t, std::uint32_t>;
    // Labels i .. i + Lanes - 1: the first lane that differs or is covered, or Lanes.
    auto first_lane = [&](std::size_t i) {
      LabelWord a, b;
      std::memcpy(&a, target + i, sizeof a);
      std::memcpy(&b, source + i, sizeof b);
      const std::uint64_t covered = covered_.bits_from(at + i) | std::uint64_t{1} << Lanes;
      return std::min<std::size_t>(static_cast<std::size_t>(std::countr_zero(a ^ b)) / kLabelBits,
                                   static_cast<std::size_t>(std::countr_zero(covered)));
    };
    std::size_t i = from;
    for (; i + Lanes <= to; i += Lanes) {
      const std::size_t lane = first_lane(i);
      if (lane < Lanes) return i + lane;
    }
    if (i == to) return to;
    if (to - from >= Lanes) {
      // Lanes before i matched already, so a mismatch here is at i or later.
      const std::size_t lane = first_lane(to - Lanes);
      return lane < Lanes ? to - Lanes + lane : to;
    }
    for (; i < to; ++i) {
      if (covered_.test(at + i) || target[i] != source[i]) return i;
    }
    return to;
  }

  // Busy pixels of the rectangle at (x, y), from the summed-area table.
  std::size_t busy_in(std::size_t x, std::size_t y, std::size_t w, std::size_t h) const {
    const std::size_t stride = width_ + 1;
    return busy_sums_[(y + h) * stride + x + w] - busy_sums_[y * stride + x + w] -
           busy_sums_[(y + h) * stride + x] + busy_sums_[y * stride + x];
  }

  // The largest copy of (x, y) from (sx, sy) by width, then height; returns its busy pixels
  // (0 when the 4x4 block itself does not match, e.g. a hash collision). From any column of
  // [x, part_end) of this row the same source distance grows a part of this copy: the same right
  // edge, and the row below it still mismatches inside the narrower copy, so it stops as high.
  std::size_t grow(std::size_t x, std::size_t y, std::size_t sx, std::size_t sy, LabelCopy& copy,
                   std::size_t& part_end) {
    const std::size_t block = search_.block;
    for (std::size_t j = 0; j < block; ++j) {
      if (first_mismatch(x, y + j, sx, sy + j, 0, block) != block) return 0;
    }
    // Wider while every one of the block's rows matches, then taller while whole rows do.
    const std::size_t max_w = std::min(search_.max_side, width_ - std::max(x, sx));
    std::size_t w = max_w;
    for (std::size_t j = 0; j < block && w > block; ++j)
      w = std::min(w, first_mismatch(x, y + j, sx, sy + j, block, w));
    std::size_t h = block;
    const std::size_t max_h = std::min(search_.max_side, rows_ - y);
    if (search_.skip_hopeless && busy_in(x, y, w, max_h) < search_.min_busy_pixels) {
      // Too few busy pixels below for any copy this wide, from here or further right.
      part_end = w == search_.max_side ? x : x + w;
      return fill(copy, x, y, sx, sy, w, block, 1);  // 1: matched, but below any copy
    }
    if (search_.skip_hopeless) {
      // A copy shorter than `needed` rows has too few busy pixels, and so has any part of it that
      // a later column would grow: rows up to there are compared first, from the bottom, where
      // a short match ends soonest.
      const std::size_t needed = rows_needed(x, y, w, max_h);
      for (std::size_t r = needed; r-- > block;) {
        const std::size_t at = first_mismatch(x, y + r, sx, sy + r, 0, w);
        if (at != w) {
          part_end = w == search_.max_side ? x : x + std::min(at + 1, w);
          return fill(copy, x, y, sx, sy, w, r, 1);  // 1: matched, but below any copy
        }
      }
      h = needed;
    }
    std::size_t stop = w;
    while (h < max_h && (stop = first_mismatch(x, y + h, sx, sy + h, 0, w)) == w) ++h;
    // A copy cut at the longest side may be wider from a later column.
    part_end = w == search_.max_side ? x : x + std::min(stop + 1, w);
    return fill(copy, x, y, sx, sy, w, h, busy_in(x, y, w, h));
  }

  // The fewest rows from y at which the w columns from x hold the busy pixels a copy needs;
  // `max_h` rows hold them.
  std::size_t rows_needed(std::size_t x, std::size_t y, std::size_t w, std::size_t max_h) const {
    // Each row adds at most w busy pixels.
    std::size_t low = std::max(search_.block, (search_.min_busy_pixels + w - 1) / w);
    std::size_t high = max_h;
    if (low >= high) return high;
    while (low < high) {
      const std::size_t middle = low + (high - low) / 2;
      if (busy_in(x, y, w, middle) >= search_.min_busy_pixels)
        high = middle;
      else
        low = middle + 1;
    }
    return low;
  }

  // Sets the copy of (x, y) from (sx, sy), w x h, and returns its busy pixels.
  static std::size_t fill(LabelCopy& copy, std::size_t x, std::size_t y, std::size_t sx,
                          std::size_t sy, std::size_t w, std::size_t h, std::size_t busy) {
    copy.x = static_cast<std::uint32_t>(x);
    copy.y = static_cast<std::uint32_t>(y);
    copy.width = static_cast<std::uint32_t>(w);
    copy.height = static_cast<std::uint32_t>(h);
    copy.offset_x =
        static_cast<std::int32_t>(static_cast<std::int64_t>(x) - static_cast<std::int64_t>(sx));
    copy.offset_y = static_cast<std::uint32_t>(y - sy);
    return busy;
  }

  const Label* labels_;
  std::size_t width_, rows_;
  CopySearch search_;
  CoveredPixels covered_;
  std::vector<std::uint32_t> busy_sums_;
  int bucket_bits_ = 10;
  std::vector<std::uint32_t> table_;
};

}  // namespace

std::vector<LabelCopy> find_copies(std::span<const std::uint16_t> labels, std::size_t width,
                                   std::size_t rows, const CopySearch& search) {
  return CopyFinder<std::uint16_t>(labels, width, rows, search).run();
}

std::vector<LabelCopy> find_copies(std::span<const std::uint8_t> labels, std::size_t width,
                                   std::size_t rows, const CopySearch& search) {
  return CopyFinder<std::uint8_t>(labels, width, rows, search).run();
}

}  // namespace kmq::detail
