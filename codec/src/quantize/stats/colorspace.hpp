// SPDX-License-Identifier: MIT
// Clustering coordinates of colours: sRGB as stored, or OKLab (Ottosson 2020) scaled to the
// 0..255 range of sRGB so that both spaces share distances of similar size.
#pragma once

#include <array>
#include <cstdint>
#include <kmq/kmq.hpp>

namespace kmq::detail {

class ColorSpaceMapper {
 public:
  ColorSpaceMapper(ColorSpace space, int channels);

  ColorSpace space() const noexcept { return space_; }
  /// Coordinates are whole multiples of 1 / fixed_point_scale(), so K-means sums are exact.
  float fixed_point_scale() const noexcept { return space_ == ColorSpace::rgb ? 1.f : 256.f; }

  /// 4 coordinates of a packed colour (see color_histogram.hpp); the 4th is alpha (0..255) for
  /// RGBA images and 0 for RGB images.
  void to_point(std::uint32_t packed, float* point) const noexcept;
  /// The nearest 8-bit sRGB colour of a point, packed (alpha 255 for RGB images).
  std::uint32_t to_packed(const float* point) const noexcept;

 private:
  ColorSpace space_;
  int channels_;
  std::array<float, 256> linear_{};  // sRGB byte -> linear light
};

/// OKLab of an sRGB colour (components 0..1 in, L 0..1 and a, b about -0.5..0.5 out).
std::array<double, 3> srgb_to_oklab(double r, double g, double b) noexcept;
/// sRGB (0..1, not clamped) of an OKLab colour.
std::array<double, 3> oklab_to_srgb(double l, double a, double b) noexcept;

}  // namespace kmq::detail
