// SPDX-License-Identifier: MIT
// Rate-distortion optimised labels: each pixel takes the entry that minimises its squared error
// plus lambda times the bits the label coder is expected to spend on it, instead of the nearest
// entry. The rate model is method 2/3's (format-spec §5.3): a symbol stream per pattern of
// equal neighbours, and literals ranked by colour distance from W.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/parallel.hpp"

namespace kmq::detail {

inline constexpr std::uint32_t kNoProtectedEntry = 0xFFFFFFFFu;

struct RateDistortionLabels {
  std::vector<std::uint16_t> indices;
  double expected_bits = 0;  // the rate model's estimate for `indices`
};

class ColorRanking;
struct RateModel;

/// Rate-distortion labels for one image and palette at any number of lambdas: the colour
/// order and the rate model of the nearest labels are made once. The spans must outlive it;
/// see rate_distortion_labels() for what they hold.
class RateDistortionMapper {
 public:
  RateDistortionMapper(std::span<const std::uint8_t> samples, std::size_t width, std::size_t height,
                       int channels, std::span<const std::uint8_t> palette,
                       std::span<const std::uint16_t> nearest, std::uint32_t protected_entry,
                       const Workers& threads);
  ~RateDistortionMapper();
  RateDistortionMapper(RateDistortionMapper&&) noexcept;

  RateDistortionLabels map(double lambda) const;
  /// The rate model's bits for the nearest labels themselves.
  double nearest_bits() const noexcept { return nearest_bits_; }

 private:
  std::span<const std::uint8_t> samples_;
  std::size_t width_, height_;
  int channels_;
  std::span<const std::uint8_t> palette_;
  std::span<const std::uint16_t> nearest_;
  std::uint32_t protected_entry_;
  Workers threads_;
  // Sorted in full when made, then only read (its lookups are not const: they sort lazily).
  std::unique_ptr<ColorRanking> ranking_;
  std::unique_ptr<RateModel> nearest_model_;
  double nearest_bits_ = 0;
};

/// `nearest`: every pixel's nearest entry of `palette` (K entries of `channels` samples, the
/// image's channel count, K <= 256); `samples`: the image's pixels. Pixels whose nearest entry
/// is `protected_entry` (the transparent entry, or kNoProtectedEntry) keep it, and no other
/// pixel takes it. lambda > 0 is in squared 8-bit error summed over the channels per bit.
/// The result does not depend on the thread count.
RateDistortionLabels rate_distortion_labels(std::span<const std::uint8_t> samples,
                                            std::size_t width, std::size_t height, int channels,
                                            std::span<const std::uint8_t> palette,
                                            std::span<const std::uint16_t> nearest, double lambda,
                                            std::uint32_t protected_entry, const Workers& threads);

/// The rate model's bits for an index map coded by method 2 (K <= 256): its empirical
/// per-stream entropy.
double expected_label_bits(std::span<const std::uint16_t> indices, std::size_t width,
                           std::size_t height, std::span<const std::uint8_t> palette, int channels,
                           const Workers& threads);

}  // namespace kmq::detail
