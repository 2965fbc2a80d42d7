// SPDX-License-Identifier: MIT
// kmq::quantize and kmq::validate: fixed palette, quality-targeted K, or the K asked for.
#include <cmath>
#include <cstdio>
#include <kmq/kmq.hpp>
#include <map>
#include <string>

#include "common/parallel.hpp"
#include "quantize/k_search.hpp"
#include "quantize/remap/grid_remap.hpp"
#include "quantize/stages.hpp"
#include "quantize/stats/color_counter_state.hpp"
#include "quantize/stats/pixel_sample.hpp"

namespace kmq {

namespace {

void require(bool condition, const std::string& message) {
  if (!condition) throw Error(ErrorCategory::bad_input, message);
}

bool finite_at_least(double value, double low) { return std::isfinite(value) && value >= low; }

std::string format_db(double mse) {
  char text[64];
  if (mse <= 0) return "lossless";
  std::snprintf(text, sizeof text, "%.2f dB (MSE %.4g)", 10 * std::log10(255.0 * 255.0 / mse), mse);
  return text;
}

}  // namespace

const char* method_name(Method method) {
  switch (method) {
    case Method::kmeans:
      return "kmeans";
    case Method::minibatch:
      return "minibatch";
    case Method::gmm:
      return "gmm";
  }
  return "unknown";
}

void validate(const EncodeOptions& options) {
  require(options.colors >= 1 && static_cast<std::uint32_t>(options.colors) <= kMaxColors,
          "colors (K) must be in 1..65536, got " + std::to_string(options.colors));
  require(options.max_iterations >= 1,
          "max_iterations must be at least 1, got " + std::to_string(options.max_iterations));
  require(finite_at_least(options.tolerance, 0), "tolerance must be a finite number >= 0");
  require(options.level >= 0 && options.level <= 22,
          "zstd level must be 0 (tuned) or 1..22, got " + std::to_string(options.level));
  require(options.effort >= kMinEffort && options.effort <= kMaxEffort,
          "effort must be in 1..6, got " + std::to_string(options.effort));
  require(options.threads >= 0, "threads must be >= 0 (0 = all cores)");
  require(options.tiles >= 0 && options.tiles <= 255,
          "tiles must be in 0..255 (0 = by image size), got " + std::to_string(options.tiles));
  require(options.batch_size >= 1, "batch size must be at least 1");
  require(options.max_no_improvement >= 1, "max_no_improvement must be at least 1");
  require(finite_at_least(options.reassignment_ratio, 0) && options.reassignment_ratio < 1,
          "reassignment ratio must be in [0, 1)");
  require(finite_at_least(options.gmm_tolerance, 0), "GMM tolerance must be a finite number >= 0");
  require(std::isfinite(options.gmm_covariance_floor) && options.gmm_covariance_floor > 0,
          "the GMM covariance floor must be a finite number > 0");
  require(finite_at_least(options.dither, 0) && options.dither <= 1,
          "dither strength must be in 0..1");
  require(finite_at_least(options.target_psnr, 0), "target PSNR must be a finite number >= 0");
  require(finite_at_least(options.max_mse, 0), "max MSE must be a finite number >= 0");
  require(options.sample_pixels <= kMaxPixelCount,
          "sample_pixels must be at most 2^30 (0 = every colour), got " +
              std::to_string(options.sample_pixels));
  require(
      options.sample_pixels == 0 || (options.fixed_palette.empty() && options.target_psnr == 0 &&
                                     options.max_mse == 0 && options.max_bytes == 0),
      "sample_pixels clusters for a given K: it cannot be combined with a quality or size "
      "target or a fixed palette");
  if (!options.fixed_palette.empty()) {
    const int channels = options.fixed_palette_channels;
    require(channels == 3 || channels == 4, "a fixed palette has 3 or 4 channels");
    require(options.fixed_palette.size() % static_cast<std::size_t>(channels) == 0,
            "fixed palette size is not a whole number of entries");
    require(options.fixed_palette.size() / static_cast<std::size_t>(channels) <= kMaxColors,
            "a fixed palette holds at most 65536 entries");
  }
}

namespace detail {

void fill_stats(const ColorStatistics& statistics, const PaletteChoice& choice,
                const EncodeOptions& options, QuantizeStats& stats, const IndexedImage* dithered) {
  stats.method = options.method;
  stats.colors = static_cast<int>(choice.colors.size());
  stats.iterations = choice.iterations;
  stats.log_likelihood = choice.log_likelihood;
  stats.inertia = clustering_inertia(statistics, choice);
  stats.mse =
      dithered ? indexed_mse(*statistics.image, *dithered) : histogram_mse(statistics, choice);
  stats.distinct_colors = statistics.histogram.size();
}

[[noreturn]] void target_not_met(const std::string& what, int colors, double best_mse) {
  throw Error(ErrorCategory::target_not_met,
              what + " cannot be met: the best reachable with K <= " + std::to_string(colors) +
                  " is " + format_db(best_mse));
}

}  // namespace detail

namespace {

IndexedImage quantize_prepared(const Image& image, detail::ColorStatistics statistics,
                               const EncodeOptions& options, QuantizeStats* stats_out) {
  const double wanted = detail::target_mse(options);
  QuantizeStats stats;
  detail::PaletteChoice choice;
  IndexedImage indexed;

  auto mse_of = [&](const detail::PaletteChoice& candidate, IndexedImage* result) {
    if (options.dither > 0) {
      IndexedImage dithered = detail::make_indexed(statistics, candidate, options);
      const double mse = detail::indexed_mse(image, dithered);
      if (result) *result = std::move(dithered);
      return mse;
    }
    return detail::histogram_mse(statistics, candidate);
  };

  if (!options.fixed_palette.empty()) {
    choice = detail::fixed_palette(statistics, options);
    const double mse = mse_of(choice, nullptr);
    if (wanted > 0 && mse > wanted) {
      throw Error(ErrorCategory::target_not_met, "the quality target " + format_db(wanted) +
                                                     " cannot be met with this palette: it gives " +
                                                     format_db(mse));
    }
  } else if (wanted > 0) {
    // Trials share the colour statistics; each K is clustered at most once.
    std::map<int, std::pair<detail::PaletteChoice, double>> trials;
    auto meets = [&](int k) {
      auto found = trials.find(k);
      if (found == trials.end()) {
        detail::PaletteChoice candidate = detail::cluster_palette(statistics, k, options);
        const double mse = mse_of(candidate, nullptr);
        found = trials.emplace(k, std::make_pair(std::move(candidate), mse)).first;
      }
      return found->second.second <= wanted;
    };
    const int limit = std::min(statistics.exact_colors(), options.colors);
    const std::optional<int> k = detail::smallest_meeting(limit, meets);
    stats.trials = static_cast<int>(trials.size());
    if (!k) {
      detail::target_not_met("the quality target " + format_db(wanted), options.colors,
                             trials.at(limit).second);
    }
    choice = std::move(trials.at(*k).first);
  } else {
    // Clustering never looks colours up: the hash index waits outside the peak.
    statistics.histogram.release_index();
    choice = detail::cluster_palette(statistics, options.colors, options);
  }
  if (options.dither > 0) {
    statistics.histogram.restore_index();  // one colour is remapped, not dithered
    indexed = detail::make_indexed(statistics, choice, options);
    detail::fill_stats(statistics, choice, options, stats, &indexed);
  } else {
    detail::fill_stats(statistics, choice, options, stats);
    // Remapping needs only the histogram: free the clustering points first (on a 4 MP photo
    // they are 6 MB of the peak).
    statistics.points = detail::WeightedPoints();
    statistics.histogram.restore_index();
    indexed = detail::make_indexed(statistics, choice, options);
  }
  if (stats_out) *stats_out = stats;
  return indexed;
}

// The palette from a sample of the pixels, then every pixel to its nearest entry.
IndexedImage quantize_sampled(const Image& image, const EncodeOptions& options,
                              QuantizeStats* stats_out) {
  const int channels = image.channels();
  detail::PaletteChoice choice;
  std::size_t sample_colors = 0;
  {
    const Image sample = detail::sample_pixels(image, options.sample_pixels, options.seed);
    detail::ColorStatistics statistics = detail::gather_color_statistics(sample, options);
    statistics.histogram.release_index();
    choice = detail::cluster_palette(statistics, options.colors, options);
    sample_colors = statistics.histogram.size();
  }
  std::vector<std::uint8_t> palette;
  palette.reserve(choice.colors.size() * static_cast<std::size_t>(channels));
  for (const std::uint32_t color : choice.colors) {
    for (int c = 0; c < channels; ++c) palette.push_back(detail::color_channel(color, c));
  }
  QuantizeStats stats;
  IndexedImage indexed;
  if (channels == 3 && options.space == ColorSpace::rgb && options.dither == 0) {
    indexed.width = image.width();
    indexed.height = image.height();
    indexed.channels = channels;
    indexed.indices =
        detail::remap_to_nearest(image, palette, detail::resolve_threads(options.threads));
    indexed.palette = std::move(palette);
    if (stats_out) {
      stats.mse = detail::indexed_mse(image, indexed);
      stats.inertia = stats.mse * 3.0 * static_cast<double>(image.pixel_count());
    }
  } else {
    // Distances in OKLab, transparency and dithering: the image's colours are counted and
    // mapped as to a fixed palette.
    EncodeOptions fixed = options;
    fixed.sample_pixels = 0;
    fixed.fixed_palette = std::move(palette);
    fixed.fixed_palette_channels = channels;
    indexed =
        quantize_prepared(image, detail::gather_color_statistics(image, fixed), fixed, &stats);
  }
  if (stats_out) {
    stats.method = options.method;
    stats.colors = static_cast<int>(choice.colors.size());
    stats.iterations = choice.iterations;
    stats.log_likelihood = choice.log_likelihood;
    stats.distinct_colors = sample_colors;
    *stats_out = stats;
  }
  return indexed;
}

bool samples(const Image& image, const EncodeOptions& options) {
  return options.sample_pixels > 0 && image.pixel_count() > options.sample_pixels;
}

}  // namespace

IndexedImage quantize(const Image& image, const EncodeOptions& options, QuantizeStats* stats_out) {
  validate(options);
  require(!image.empty(), "cannot quantize an empty image");
  IndexedImage indexed =
      samples(image, options)
          ? quantize_sampled(image, options, stats_out)
          : quantize_prepared(image, detail::gather_color_statistics(image, options), options,
                              stats_out);
  indexed.metadata = image.metadata();
  return indexed;
}

IndexedImage quantize(const Image& image, ColorCounter&& counted, const EncodeOptions& options,
                      QuantizeStats* stats_out) {
  validate(options);
  require(!image.empty(), "cannot quantize an empty image");
  require(counted.state_ != nullptr, "colour counter: moved from");
  const std::unique_ptr<ColorCounter::State> state = std::move(counted.state_);
  IndexedImage indexed =
      samples(image, options)
          ? quantize_sampled(image, options, stats_out)
          : quantize_prepared(image,
                              detail::gather_color_statistics(image, state->finish(image), options),
                              options, stats_out);
  indexed.metadata = image.metadata();
  return indexed;
}

}  // namespace kmq
