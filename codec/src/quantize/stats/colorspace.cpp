// SPDX-License-Identifier: MIT
// sRGB <-> OKLab conversion; matrices from Björn Ottosson's OKLab definition.
#include "quantize/stats/colorspace.hpp"

#include <algorithm>
#include <cmath>

#include "quantize/stats/color_histogram.hpp"

namespace kmq::detail {

namespace {

constexpr double kOklabScale = 255.0;  // OKLab units -> point coordinates

double srgb_to_linear(double c) {
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double linear_to_srgb(double c) {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1.0 / 2.4) - 0.055;
}

std::array<double, 3> linear_to_oklab(double r, double g, double b) {
  const double l = std::cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const double m = std::cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const double s = std::cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return {0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
          1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
          0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s};
}

std::uint8_t to_byte(double value) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(value), 0l, 255l));
}

}  // namespace

std::array<double, 3> srgb_to_oklab(double r, double g, double b) noexcept {
  return linear_to_oklab(srgb_to_linear(r), srgb_to_linear(g), srgb_to_linear(b));
}

std::array<double, 3> oklab_to_srgb(double lightness, double a, double b) noexcept {
  const double l = lightness + 0.3963377774 * a + 0.2158037573 * b;
  const double m = lightness - 0.1055613458 * a - 0.0638541728 * b;
  const double s = lightness - 0.0894841775 * a - 1.2914855480 * b;
  const double l3 = l * l * l, m3 = m * m * m, s3 = s * s * s;
  return {linear_to_srgb(4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3),
          linear_to_srgb(-1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3),
          linear_to_srgb(-0.0041960863 * l3 - 0.7034186147 * m3 + 1.7076147010 * s3)};
}

ColorSpaceMapper::ColorSpaceMapper(ColorSpace space, int channels)
    : space_(space), channels_(channels) {
  for (int i = 0; i < 256; ++i) linear_[i] = static_cast<float>(srgb_to_linear(i / 255.0));
}

void ColorSpaceMapper::to_point(std::uint32_t packed, float* point) const noexcept {
  point[3] = channels_ == 4 ? color_channel(packed, 3) : 0.f;
  if (space_ == ColorSpace::rgb) {
    for (int d = 0; d < 3; ++d) point[d] = color_channel(packed, d);
    return;
  }
  const auto lab =
      linear_to_oklab(linear_[color_channel(packed, 0)], linear_[color_channel(packed, 1)],
                      linear_[color_channel(packed, 2)]);
  const double scale = fixed_point_scale();
  for (int d = 0; d < 3; ++d) {
    // Snapped to the fixed-point grid so that K-means sums stay exact.
    point[d] = static_cast<float>(std::round(lab[d] * kOklabScale * scale) / scale);
  }
}

std::uint32_t ColorSpaceMapper::to_packed(const float* point) const noexcept {
  std::uint8_t rgb[3];
  if (space_ == ColorSpace::rgb) {
    for (int d = 0; d < 3; ++d) rgb[d] = to_byte(point[d]);
  } else {
    const auto srgb =
        oklab_to_srgb(point[0] / kOklabScale, point[1] / kOklabScale, point[2] / kOklabScale);
    for (int d = 0; d < 3; ++d) rgb[d] = to_byte(srgb[d] * 255.0);
  }
  const std::uint32_t alpha = channels_ == 4 ? to_byte(point[3]) : 255u;
  return static_cast<std::uint32_t>(rgb[0]) | static_cast<std::uint32_t>(rgb[1]) << 8 |
         static_cast<std::uint32_t>(rgb[2]) << 16 | alpha << 24;
}

}  // namespace kmq::detail
