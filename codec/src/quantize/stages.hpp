// SPDX-License-Identifier: MIT
// The quantizer's stages, shared by quantize() and by encode()'s file-size search:
// colour statistics -> palette (clustered or fixed) -> index map.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <vector>

#include "common/parallel.hpp"
#include "quantize/cluster/kmeans.hpp"
#include "quantize/stats/color_histogram.hpp"
#include "quantize/stats/colorspace.hpp"

namespace kmq::detail {

inline constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;

/// Colour statistics of an image in the clustering space, computed once and reused by every
/// palette tried for it.
struct ColorStatistics {
  const Image* image = nullptr;
  int channels = 3;
  Workers threads;
  ColorHistogram histogram;
  ColorSpaceMapper mapper{ColorSpace::rgb, 3};
  WeightedPoints points;                  // one per histogram colour
  std::uint32_t transparent = kNotFound;  // histogram position of fully transparent pixels

  /// Whether K colours leave room for an entry of its own for transparent pixels.
  bool reserves_transparent(int colors) const {
    return transparent != kNotFound && colors >= 2 && histogram.size() > 1;
  }
  /// The K from which the palette is exact (every colour its own entry), capped at 65536.
  int exact_colors() const;
};

/// Stage 1: the image's distinct colours, their counts and their points in `space`.
ColorStatistics gather_color_statistics(const Image& image, ColorSpace space,
                                        const Workers& threads);
/// The same from the image's histogram, counted already (ColorCounter).
ColorStatistics gather_color_statistics(const Image& image, ColorHistogram counted,
                                        ColorSpace space, const Workers& threads);

/// A palette in file order and the entry of every histogram colour.
struct PaletteChoice {
  std::vector<std::uint32_t> colors;  // packed sRGB(A)
  std::vector<std::uint32_t> label_of_distinct;
  std::uint32_t transparent_entry = kNotFound;
  bool fixed = false;  // the user's palette, kept as given (no entry moves for dithering)
  int iterations = 0;
  double log_likelihood = 0;
};

/// The clustering itself, before the palette is rounded to 8-bit entries: `clusters` centres
/// (4 floats each, in the points' space) of weighted points by options.method, and each point's
/// cluster (gmm: the component of highest responsibility). Needs clusters <= points.size().
struct ClusteredPoints {
  std::vector<float> centres;
  std::vector<std::uint32_t> assignment;
  int iterations = 0;
  double inertia = 0;         // k-means and mini-batch: of the centres returned
  double log_likelihood = 0;  // gmm: mean per pixel
  std::vector<double> mixture_weights, covariances;  // gmm: per component (dims^2 each)
};
/// `converge`: Lloyd on the exact colours runs to the tolerance or options.max_iterations, as
/// estimators promise; the palette's clustering caps it where further steps buy ~0.01 dB.
ClusteredPoints cluster_points(const WeightedPoints& points, int clusters, int channels,
                               const ClusteringOptions& options, const Workers& threads,
                               bool converge = false);

/// Stage 2: clusters into at most `colors` entries with options.method (options.colors is not
/// read: a K search passes each K), sorted by alpha then luminance.
PaletteChoice cluster_palette(const ColorStatistics& statistics, int colors,
                              const ClusteringOptions& options);
/// Stage 2 for a fixed palette (`channels` samples per entry): every colour takes its nearest
/// entry, and the palette keeps its order.
PaletteChoice fixed_palette(const ColorStatistics& statistics,
                            std::span<const std::uint8_t> palette, int channels);

/// The palette's entries as `channels` 8-bit samples each, in file order.
std::vector<std::uint8_t> palette_bytes(const PaletteChoice& choice, int channels);
std::vector<std::uint8_t> palette_bytes(const std::vector<std::uint32_t>& colors, int channels);

/// Stage 3, the index map: per-colour lookup, or Floyd-Steinberg when options.dither > 0, then
/// rate-distortion labels when maps_for_rate(); `expected_label_bits` receives their rate
/// model's estimate.
IndexedImage make_indexed(const ColorStatistics& statistics, const PaletteChoice& choice,
                          const MappingOptions& options, double* expected_label_bits = nullptr);
/// Whether rate-distortion labels apply to a palette of `colors` mapped as `options` maps:
/// no dithering, and 2..256 entries (the rate model is method 2's); rd_lambda is not read.
bool rate_labels_apply(const MappingOptions& options, std::size_t colors);
/// Whether make_indexed() chooses labels for their rate: rd_lambda > 0 where they apply.
inline bool maps_for_rate(const MappingOptions& options, std::size_t colors) {
  return options.rd_lambda > 0 && rate_labels_apply(options, colors);
}
/// The largest palette a lambda search tries: the image's colours, `colors`, and 256.
int rate_search_limit(const ColorStatistics& statistics, int colors);

/// Mean squared error over RGB of mapping every colour to its entry (no dithering).
double histogram_mse(const ColorStatistics& statistics, const PaletteChoice& choice);
/// Mean squared error over RGB of the index map make_indexed() makes with `options`.
double mapped_mse(const ColorStatistics& statistics, const PaletteChoice& choice,
                  const MappingOptions& options);
/// Sum over pixels of the squared RGB error between the image and `indices` into `palette`
/// (`palette_channels` samples per entry).
std::uint64_t squared_error_sum(const Image& image, std::span<const std::uint16_t> indices,
                                std::span<const std::uint8_t> palette, int palette_channels);
/// Mean squared error over RGB between the image and an index map of it.
double indexed_mse(const Image& image, const IndexedImage& indexed);
/// Sum over pixels of squared distance in the clustering space to the entry (no dithering).
double clustering_inertia(const ColorStatistics& statistics, const PaletteChoice& choice);

/// The MSE a quality target asks for (the smaller of max_mse and the MSE of target_psnr), or
/// 0 when no quality target is set.
double target_mse(const TargetOptions& options);

}  // namespace kmq::detail

namespace kmq::detail {

/// Fills the stats of a palette choice made by `method`. With dithering the MSE needs the
/// dithered image, else it comes from the colour histogram (so the index map may be made
/// afterwards).
void fill_stats(const ColorStatistics& statistics, const PaletteChoice& choice, Method method,
                QuantizeStats& stats, const IndexedImage* dithered = nullptr);

}  // namespace kmq::detail
