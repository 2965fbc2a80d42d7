// SPDX-License-Identifier: MIT
// Colour statistics: the distinct colours of an image with their pixel counts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <kmq/kmq.hpp>
#include <vector>

namespace kmq::detail {

/// A colour packed as R | G << 8 | B << 16 | A << 24. RGB images use A = 255; every fully
/// transparent RGBA pixel packs to 0 so that all of them count as one colour.
inline std::uint32_t pack_color(const std::uint8_t* sample, int channels) noexcept {
  const std::uint32_t alpha = channels == 4 ? sample[3] : 255u;
  if (alpha == 0) return 0;
  return static_cast<std::uint32_t>(sample[0]) | static_cast<std::uint32_t>(sample[1]) << 8 |
         static_cast<std::uint32_t>(sample[2]) << 16 | alpha << 24;
}

inline std::uint8_t color_channel(std::uint32_t packed, int channel) noexcept {
  return static_cast<std::uint8_t>(packed >> (8 * channel));
}

/// Distinct colours in order of first appearance (raster order), with counts, and a hash index
/// from colour to its position. Immutable after build(), so lookups are safe from many threads.
class ColorHistogram {
 public:
  ColorHistogram();
  static ColorHistogram build(const Image& image);

  /// Counts `pixels` pixels of `channels` samples each, continuing the raster order; build()
  /// is count_pixels() over the whole image, then finish().
  void count_pixels(const std::uint8_t* samples, std::size_t pixels, int channels);
  /// Done counting: sheds the growth slack (the histogram is kept for the whole encode).
  void finish();

  std::size_t size() const noexcept { return colors_.size(); }
  std::uint32_t color(std::size_t i) const noexcept { return colors_[i]; }
  std::uint32_t count(std::size_t i) const noexcept { return counts_[i]; }
  const std::vector<std::uint32_t>& colors() const noexcept { return colors_; }
  const std::vector<std::uint32_t>& counts() const noexcept { return counts_; }

  /// Position of a colour that occurs in the image (precondition: it does, and the index is
  /// there: see release_index()).
  std::uint32_t find(std::uint32_t packed) const noexcept;

  /// Frees the hash index (4 MB on a 4 MP photo) while something that never calls find() or
  /// prefetch(), such as clustering, holds the peak; restore_index() rebuilds it.
  void release_index();
  /// Rebuilds the index if release_index() freed it; otherwise does nothing.
  void restore_index();
  /// The hash table outgrows the caches on photos: a pass over the pixels starts loading the
  /// slot of the colour this many pixels ahead.
  static constexpr std::size_t kPrefetchDistance = 16;
  /// Starts loading the hash slot of a colour that find() will be asked for soon.
  void prefetch(std::uint32_t packed) const noexcept {
    __builtin_prefetch(&slots_[slot_of(packed, mask_)]);
  }

 private:
  static std::uint32_t slot_of(std::uint32_t packed, std::uint32_t mask) noexcept {
    return (packed * 0x9E3779B1u >> 7) & mask;
  }
  /// Counts one pixel of a colour; returns the colour's position.
  std::uint32_t count_one(std::uint32_t packed);
  void grow();
  void index_into(std::size_t capacity);  // rehashes every colour into `capacity` slots

  std::vector<std::uint32_t> colors_;
  std::vector<std::uint32_t> counts_;
  std::vector<std::uint32_t> slots_;  // 0 = empty, else position + 1
  std::uint32_t mask_ = 0;
};

}  // namespace kmq::detail
