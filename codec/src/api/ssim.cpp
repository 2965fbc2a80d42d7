// SPDX-License-Identifier: MIT
// Structural similarity (Wang, Bovik, Sheikh and Simoncelli 2004) with the reference settings:
// an 11x11 Gaussian window of sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, averaged over every
// window position that fits inside the image and over the R, G and B channels.
#include <array>
#include <cmath>
#include <kmq/kmq.hpp>
#include <vector>

#include "common/parallel.hpp"

namespace kmq {
namespace {

constexpr int kRadius = 5;
constexpr int kTaps = 2 * kRadius + 1;
constexpr double kC1 = (0.01 * 255) * (0.01 * 255);
constexpr double kC2 = (0.03 * 255) * (0.03 * 255);

std::array<double, kTaps> gaussian_window() {
  std::array<double, kTaps> weights{};
  double total = 0;
  for (int i = 0; i < kTaps; ++i) {
    const double d = i - kRadius;
    weights[static_cast<std::size_t>(i)] = std::exp(-d * d / (2 * 1.5 * 1.5));
    total += weights[static_cast<std::size_t>(i)];
  }
  for (double& w : weights) w /= total;
  return weights;
}

double ssim_of_moments(double mean_a, double mean_b, double var_a, double var_b, double cov) {
  return ((2 * mean_a * mean_b + kC1) * (2 * cov + kC2)) /
         ((mean_a * mean_a + mean_b * mean_b + kC1) * (var_a + var_b + kC2));
}

// Images smaller than the window: one window, uniformly weighted, covering the whole image.
double global_ssim(const Image& a, const Image& b, int channel) {
  const std::size_t n = a.pixel_count();
  const auto ca = static_cast<std::size_t>(a.channels());
  const auto cb = static_cast<std::size_t>(b.channels());
  const auto c = static_cast<std::size_t>(channel);
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = a.data()[i * ca + c];
    const double y = b.data()[i * cb + c];
    sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y;
  }
  const double count = static_cast<double>(n);
  const double ma = sa / count, mb = sb / count;
  return ssim_of_moments(ma, mb, saa / count - ma * ma, sbb / count - mb * mb,
                         sab / count - ma * mb);
}

// Sum of the SSIM map of one channel over the valid window positions.
double windowed_ssim_sum(const Image& a, const Image& b, int channel,
                         const detail::Workers& threads) {
  static_assert(kTaps == 11);
  const std::array<double, kTaps> weights = gaussian_window();
  const int width = a.width();
  const int out_width = width - 2 * kRadius;
  const int out_height = a.height() - 2 * kRadius;
  constexpr std::size_t kRowsPerChunk = 32;
  const std::size_t chunks =
      (static_cast<std::size_t>(out_height) + kRowsPerChunk - 1) / kRowsPerChunk;
  std::vector<double> chunk_sums(chunks, 0.0);
  detail::parallel_chunks(
      static_cast<std::size_t>(out_height), kRowsPerChunk, threads,
      [&](std::size_t, std::size_t chunk, std::size_t first_row, std::size_t end_row) {
        // Horizontally filtered moments of the input rows this chunk's windows cover.
        const std::size_t rows = end_row - first_row + 2 * kRadius;
        const auto stride = static_cast<std::size_t>(out_width);
        std::array<std::vector<double>, 5> moments;
        for (auto& m : moments) m.assign(rows * stride, 0.0);
        for (std::size_t r = 0; r < rows; ++r) {
          const int y = static_cast<int>(first_row + r);
          for (int x = 0; x < out_width; ++x) {
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            for (int t = 0; t < kTaps; ++t) {
              const double va = a.pixel(x + t, y)[channel];
              const double vb = b.pixel(x + t, y)[channel];
              const double w = weights[static_cast<std::size_t>(t)];
              sa += w * va, sb += w * vb;
              saa += w * va * va, sbb += w * vb * vb, sab += w * va * vb;
            }
            const std::size_t at = r * stride + static_cast<std::size_t>(x);
            moments[0][at] = sa, moments[1][at] = sb;
            moments[2][at] = saa, moments[3][at] = sbb, moments[4][at] = sab;
          }
        }
        double sum = 0;
        for (std::size_t r = 0; r + 2 * kRadius < rows; ++r) {
          for (std::size_t x = 0; x < stride; ++x) {
            std::array<double, 5> m{};
            for (std::size_t t = 0; t < kTaps; ++t) {
              for (std::size_t k = 0; k < 5; ++k)
                m[k] += weights[t] * moments[k][(r + t) * stride + x];
            }
            sum += ssim_of_moments(m[0], m[1], m[2] - m[0] * m[0], m[3] - m[1] * m[1],
                                   m[4] - m[0] * m[1]);
          }
        }
        chunk_sums[chunk] = sum;
      });
  double total = 0;
  for (const double s : chunk_sums) total += s;
  return total;
}

}  // namespace

double ssim(const Image& a, const Image& b, int threads) {
  if (a.width() != b.width() || a.height() != b.height() || a.empty()) {
    throw Error(ErrorCategory::bad_input, "images to compare must be non-empty and the same size");
  }
  const bool whole_image = a.width() < kTaps || a.height() < kTaps;
  const double windows =
      static_cast<double>(a.width() - 2 * kRadius) * static_cast<double>(a.height() - 2 * kRadius);
  const detail::WorkerScope scope(nullptr, threads);
  double total = 0;
  for (int channel = 0; channel < 3; ++channel) {
    total += whole_image ? global_ssim(a, b, channel)
                         : windowed_ssim_sum(a, b, channel, scope.workers()) / windows;
  }
  return total / 3;
}

}  // namespace kmq
