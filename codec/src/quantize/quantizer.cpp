// SPDX-License-Identifier: MIT
// kmq::quantize: colour statistics -> palette (K-means or exact) -> index map.
#include <algorithm>
#include <cmath>
#include <kmq/kmq.hpp>
#include <numeric>
#include <string>

#include "common/parallel.hpp"
#include "quantize/color_histogram.hpp"
#include "quantize/kmeans.hpp"
#include "quantize/nearest_centre.hpp"
#include "quantize/palette_refine.hpp"
#include "quantize/remap.hpp"

namespace kmq {

namespace {

using detail::color_channel;
using detail::ColorHistogram;
using detail::kDims;

constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;
// Rounds of refinement on the 8-bit palette; it usually settles in two or three.
constexpr int kStoredPaletteRounds = 8;

void require(bool condition, const std::string& message) {
  if (!condition) throw Error(ErrorCategory::bad_input, message);
}

void to_point(std::uint32_t packed, float* point) {
  for (std::size_t d = 0; d < kDims; ++d) point[d] = color_channel(packed, static_cast<int>(d));
}

std::uint32_t round_centre(const float* centre, int channels) {
  std::uint32_t packed = 0;
  for (int d = 0; d < 4; ++d) {
    float value = d < channels ? centre[d] : 255.f;
    value = std::clamp(std::round(value), 0.f, 255.f);
    packed |= static_cast<std::uint32_t>(value) << (8 * d);
  }
  // Only the reserved transparent entry may be fully transparent (format-spec §7).
  if ((packed >> 24) == 0) packed |= 1u << 24;
  return packed;
}

// Palette order: transparent and translucent entries first (as PNG's tRNS favours), then by
// luminance, so that similar colours get nearby indices.
bool palette_before(std::uint32_t a, std::uint32_t b) {
  const auto alpha_a = a >> 24, alpha_b = b >> 24;
  if (alpha_a != alpha_b) return alpha_a < alpha_b;
  auto luma = [](std::uint32_t c) {
    return 2126u * color_channel(c, 0) + 7152u * color_channel(c, 1) + 722u * color_channel(c, 2);
  };
  if (luma(a) != luma(b)) return luma(a) < luma(b);
  return a < b;
}

struct Palette {
  std::vector<std::uint32_t> colors;             // packed
  std::vector<std::uint32_t> label_of_distinct;  // palette entry of each histogram colour
};

// Clusters the histogram colours listed in `members` into at most `clusters` entries.
void cluster_colors(const ColorHistogram& histogram, const std::vector<std::uint32_t>& members,
                    int clusters, int channels, const EncodeOptions& options, int threads,
                    Palette& palette, QuantizeStats& stats) {
  if (members.size() <= static_cast<std::size_t>(clusters)) {
    for (const std::uint32_t m : members) {
      palette.label_of_distinct[m] = static_cast<std::uint32_t>(palette.colors.size());
      palette.colors.push_back(histogram.color(m));
    }
    return;
  }
  detail::WeightedPoints points;
  points.coords.resize(members.size() * kDims);
  points.weights.resize(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    to_point(histogram.color(members[i]), &points.coords[i * kDims]);
    if (channels == 3) points.coords[i * kDims + 3] = 0;
    points.weights[i] = histogram.count(members[i]);
  }
  detail::KMeansParams params;
  params.clusters = clusters;
  params.seed = options.seed;
  params.max_iterations = options.max_iterations;
  params.tolerance = options.tolerance;
  params.threads = threads;
  const detail::KMeansResult result = detail::run_kmeans(points, params);
  stats.iterations = result.iterations;

  // The stored palette is rounded to 8 bits; map every colour to its nearest rounded entry.
  std::vector<float> rounded(result.centres.size());
  for (std::size_t k = 0; k < static_cast<std::size_t>(clusters); ++k) {
    const std::uint32_t packed = round_centre(&result.centres[k * kDims], channels);
    to_point(packed, &rounded[k * kDims]);
    if (channels == 3) rounded[k * kDims + 3] = 0;
  }
  const detail::NearestCentre search(rounded);
  std::vector<std::uint32_t> entry(members.size());
  detail::parallel_chunks(members.size(), 16384, threads,
                          [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                            for (std::size_t i = begin; i < end; ++i) {
                              entry[i] =
                                  search.nearest(&points.coords[i * kDims], result.assignment[i]);
                            }
                          });
  detail::refine_stored_palette(points, channels, kStoredPaletteRounds, threads, rounded, entry);
  // Keep only entries some colour uses (two centres can round to one colour).
  std::vector<std::uint32_t> compact(static_cast<std::size_t>(clusters), kNotFound);
  for (std::size_t i = 0; i < members.size(); ++i) {
    std::uint32_t& slot = compact[entry[i]];
    if (slot == kNotFound) {
      slot = static_cast<std::uint32_t>(palette.colors.size());
      palette.colors.push_back(round_centre(&rounded[entry[i] * kDims], channels));
    }
    palette.label_of_distinct[members[i]] = slot;
  }
}

}  // namespace

void validate(const EncodeOptions& options) {
  require(options.colors >= 1 && static_cast<std::uint32_t>(options.colors) <= kMaxColors,
          "colors (K) must be in 1..65536, got " + std::to_string(options.colors));
  require(options.max_iterations >= 1,
          "max_iterations must be at least 1, got " + std::to_string(options.max_iterations));
  require(std::isfinite(options.tolerance) && options.tolerance >= 0,
          "tolerance must be a finite number >= 0");
  require(options.level >= 1 && options.level <= 22,
          "zstd level must be in 1..22, got " + std::to_string(options.level));
  require(options.threads >= 0, "threads must be >= 0 (0 = all cores)");
}

IndexedImage quantize(const Image& image, const EncodeOptions& options, QuantizeStats* stats_out) {
  validate(options);
  require(!image.empty(), "cannot quantize an empty image");
  const int threads = detail::resolve_threads(options.threads);
  const int channels = image.channels();
  const ColorHistogram histogram = ColorHistogram::build(image);

  QuantizeStats stats;
  stats.distinct_colors = histogram.size();
  Palette palette;
  palette.label_of_distinct.assign(histogram.size(), 0);

  // Fully transparent pixels get an entry of their own when K leaves room for it.
  const std::uint32_t transparent = channels == 4 ? histogram.find(0) : kNotFound;
  const bool reserve_transparent =
      transparent != kNotFound && options.colors >= 2 && histogram.size() > 1;
  std::vector<std::uint32_t> members;
  members.reserve(histogram.size());
  for (std::uint32_t i = 0; i < histogram.size(); ++i) {
    if (!(reserve_transparent && i == transparent)) members.push_back(i);
  }
  cluster_colors(histogram, members, options.colors - (reserve_transparent ? 1 : 0), channels,
                 options, threads, palette, stats);
  if (reserve_transparent) {
    palette.label_of_distinct[transparent] = static_cast<std::uint32_t>(palette.colors.size());
    palette.colors.push_back(0);
  }

  // Sort the palette and relabel.
  const std::size_t k = palette.colors.size();
  std::vector<std::uint32_t> order(k);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return palette_before(palette.colors[a], palette.colors[b]);
  });
  std::vector<std::uint32_t> new_position(k);
  for (std::size_t i = 0; i < k; ++i) new_position[order[i]] = static_cast<std::uint32_t>(i);
  for (auto& label : palette.label_of_distinct) label = new_position[label];

  IndexedImage result;
  result.width = image.width();
  result.height = image.height();
  result.channels = channels;
  result.palette.reserve(k * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < k; ++i) {
    for (int c = 0; c < channels; ++c) {
      result.palette.push_back(color_channel(palette.colors[order[i]], c));
    }
  }
  result.indices = detail::remap_pixels(image, histogram, palette.label_of_distinct, threads);

  double inertia = 0;
  for (std::size_t i = 0; i < histogram.size(); ++i) {
    const std::uint32_t entry = order[palette.label_of_distinct[i]];
    const std::uint32_t from = histogram.color(i), to = palette.colors[entry];
    double d2 = 0;
    for (int c = 0; c < channels; ++c) {
      const double d = static_cast<double>(color_channel(from, c)) - color_channel(to, c);
      d2 += d * d;
    }
    inertia += d2 * histogram.count(i);
  }
  stats.inertia = inertia;
  if (stats_out) *stats_out = stats;
  return result;
}

}  // namespace kmq
