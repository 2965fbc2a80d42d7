// SPDX-License-Identifier: MIT
// Serpentine Floyd-Steinberg. The error a pixel takes in is weighted and bounded (dither_map)
// and the diffused colour clamped to the palette's bounding box, so that errors cannot
// accumulate without limit in regions the palette cannot reach.
#include "quantize/remap/dither.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "quantize/cluster/nearest_centre.hpp"
#include "quantize/remap/opaque_entries.hpp"
#include "quantize/stats/color_histogram.hpp"

namespace kmq::detail {

namespace {

// The palette moves this share of the way to its diffused colours' means (one step: the colours
// depend on the palette). Blurred PSNR against pngquant's default on the 8 corpus photos
// (tools/scripts/dither_vs_pngquant.py), median at K = 16 / 64: 0.1: +0.93 / +2.24 dB,
// 0.15: +0.94 / +2.46, 0.2: +1.00 / +2.56, 0.3: +1.03 / +2.52, but bytes grow with the step
// (median 0.786 / 0.821 of pngquant's at 0.1, 0.821 / 0.844 at 0.3, above pngquant's on one
// photo) and butteraugli turns worse at 0.3.
constexpr double kDiffusedStep = 0.15;
// The diffused colours are studied on bands of 16 of every 64 rows: a quarter of a diffusion's
// time (about 120 ms on a 4 MP photo), within 0.03..0.31 dB of studying every row on the same
// photos (median +0.88 / +2.26 dB against pngquant at K = 16 / 64 instead of +0.94 / +2.46).
constexpr int kStudiedBandRows = 16;
constexpr int kStudiedBandPeriod = 64;
// Coordinates 0..2 are the colour, 3 is alpha (ColorSpaceMapper).
constexpr std::size_t kAlphaDim = 3;

// Rows diffused: every row, or bands of `rows` out of every `period` (each band starts with
// no error), enough to see how the colours spread.
struct DiffusedRows {
  int rows = 0;  // 0: every row
  int period = 0;
  bool scans(int y) const noexcept { return rows == 0 || y % period < rows; }
  bool starts_band(int y) const noexcept { return rows != 0 && y % period == 0; }
};

// Serpentine error diffusion; `chose(pixel, entry, target)` receives every diffused pixel's
// entry and the colour it was chosen for (the pixel plus the error it took in; null for a fully
// transparent pixel, which takes the transparent entry and carries no error).
template <typename OnChoice>
void diffuse(const Image& image, const ColorSpaceMapper& mapper,
             const std::vector<float>& palette_points, std::uint32_t transparent_entry,
             double strength, const DiffusionControl& control, DiffusedRows diffused,
             OnChoice&& chose) {
  // Search only the entries an opaque or translucent pixel may take.
  const OpaqueEntries opaque = opaque_entries(palette_points, transparent_entry);
  const bool has_transparent = opaque.has_transparent;
  const std::vector<std::uint16_t>& entry_of = opaque.entry;
  const NearestCentre search(opaque.points);
  float low[kDims], high[kDims];
  std::fill(low, low + kDims, std::numeric_limits<float>::infinity());
  std::fill(high, high + kDims, -std::numeric_limits<float>::infinity());
  for (std::size_t e = 0; e < search.size(); ++e) {
    for (std::size_t d = 0; d < kDims; ++d) {
      low[d] = std::min(low[d], search.centre(e)[d]);
      high[d] = std::max(high[d], search.centre(e)[d]);
    }
  }

  const int width = image.width(), height = image.height(), channels = image.channels();
  const auto scale = static_cast<float>(strength);
  // Error rows with one pixel of margin on each side.
  std::vector<float> current((static_cast<std::size_t>(width) + 2) * kDims, 0.f);
  std::vector<float> below(current.size(), 0.f);
  std::uint32_t guess = 0;
  std::uint32_t cached_color = 0;
  float cached_point[kDims] = {0, 0, 0, 0};
  bool have_cached = false;
  for (int y = 0; y < height; ++y) {
    if (!diffused.scans(y)) continue;
    if (diffused.starts_band(y)) std::fill(current.begin(), current.end(), 0.f);
    const bool forward = (y % 2) == 0;
    const int step = forward ? 1 : -1;
    std::fill(below.begin(), below.end(), 0.f);
    for (int i = 0; i < width; ++i) {
      const int x = forward ? i : width - 1 - i;
      const std::size_t pixel = static_cast<std::size_t>(y) * width + x;
      const std::uint32_t packed = pack_color(image.pixel(x, y), channels);
      if (has_transparent && packed == 0) {
        chose(pixel, static_cast<std::uint16_t>(transparent_entry), nullptr);
        continue;
      }
      if (!have_cached || packed != cached_color) {
        mapper.to_point(packed, cached_point);
        cached_color = packed;
        have_cached = true;
      }
      float* error = &current[(static_cast<std::size_t>(x) + 1) * kDims];
      float weight = control.weights.empty() ? 1.f : control.weights[pixel];
      if (control.max_error > 0) {
        float squared = 0;
        for (std::size_t d = 0; d < kDims; ++d) squared += error[d] * error[d];
        const float length = std::sqrt(squared) * weight;
        if (length > control.max_error) weight *= control.max_error / length;
      }
      float target[kDims];
      for (std::size_t d = 0; d < kDims; ++d) {
        target[d] = std::clamp(cached_point[d] + weight * error[d], low[d], high[d]);
      }
      guess = search.nearest(target, guess);
      chose(pixel, entry_of[guess], target);
      const float* chosen = search.centre(guess);
      for (std::size_t d = 0; d < kDims; ++d) {
        const float e = (target[d] - chosen[d]) * scale;
        current[(static_cast<std::size_t>(x + step) + 1) * kDims + d] += e * (7.f / 16);
        below[(static_cast<std::size_t>(x - step) + 1) * kDims + d] += e * (3.f / 16);
        below[(static_cast<std::size_t>(x) + 1) * kDims + d] += e * (5.f / 16);
        below[(static_cast<std::size_t>(x + step) + 1) * kDims + d] += e * (1.f / 16);
      }
    }
    std::swap(current, below);
  }
}

}  // namespace

std::vector<std::uint16_t> floyd_steinberg(const Image& image, const ColorSpaceMapper& mapper,
                                           const std::vector<float>& palette_points,
                                           std::uint32_t transparent_entry, double strength,
                                           const DiffusionControl& control) {
  std::vector<std::uint16_t> indices(image.pixel_count());
  diffuse(image, mapper, palette_points, transparent_entry, strength, control, DiffusedRows{},
          [&](std::size_t pixel, std::uint16_t entry, const float*) { indices[pixel] = entry; });
  return indices;
}

std::vector<std::uint32_t> palette_for_diffusion(const Image& image, const ColorSpaceMapper& mapper,
                                                 std::vector<float>& palette_points,
                                                 std::uint32_t transparent_entry, double strength,
                                                 const DiffusionControl& control) {
  const std::size_t entries = palette_points.size() / kDims;
  // Per entry: the sums of its diffused colours' coordinates, and their count. Sequential, in
  // scan order: the same sums whatever the thread count.
  std::vector<std::array<double, kDims + 1>> sums(entries, std::array<double, kDims + 1>{});
  diffuse(image, mapper, palette_points, transparent_entry, strength, control,
          DiffusedRows{kStudiedBandRows, kStudiedBandPeriod},
          [&](std::size_t, std::uint16_t entry, const float* target) {
            if (target == nullptr) return;  // the transparent entry does not move
            std::array<double, kDims + 1>& sum = sums[entry];
            for (std::size_t d = 0; d < kDims; ++d) sum[d] += target[d];
            sum[kDims] += 1;
          });
  std::vector<std::uint32_t> colors(entries);
  for (std::size_t e = 0; e < entries; ++e) {
    float* point = &palette_points[e * kDims];
    const double count = sums[e][kDims];
    // Alpha stays: an opaque entry moved towards its diffused colours could turn translucent.
    if (e != transparent_entry && count > 0) {
      for (std::size_t d = 0; d < kAlphaDim; ++d) {
        const double mean = sums[e][d] / count;
        point[d] = static_cast<float>(point[d] + kDiffusedStep * (mean - point[d]));
      }
    }
    colors[e] = mapper.to_packed(point);
    mapper.to_point(colors[e], point);  // the entry as stored
  }
  return colors;
}

}  // namespace kmq::detail
