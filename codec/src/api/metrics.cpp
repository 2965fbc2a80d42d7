// SPDX-License-Identifier: MIT
// Image quality measures: MSE and PSNR over the RGB samples.
#include <cmath>
#include <kmq/kmq.hpp>
#include <limits>

namespace kmq {

double mean_squared_error(const Image& a, const Image& b) {
  if (a.width() != b.width() || a.height() != b.height() || a.empty()) {
    throw Error(ErrorCategory::bad_input, "images to compare must be non-empty and the same size");
  }
  const std::size_t pixels = a.pixel_count();
  const auto* pa = a.data().data();
  const auto* pb = b.data().data();
  const std::size_t ca = static_cast<std::size_t>(a.channels());
  const std::size_t cb = static_cast<std::size_t>(b.channels());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < pixels; ++i) {
    for (std::size_t c = 0; c < 3; ++c) {
      const int d = static_cast<int>(pa[i * ca + c]) - static_cast<int>(pb[i * cb + c]);
      total += static_cast<std::uint64_t>(d * d);
    }
  }
  return static_cast<double>(total) / (3.0 * static_cast<double>(pixels));
}

double psnr(const Image& a, const Image& b) {
  const double mse = mean_squared_error(a, b);
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace kmq
