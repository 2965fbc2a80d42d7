// SPDX-License-Identifier: MIT
// kmq::quantize: image -> colour statistics -> palette (fixed, for a quality target, or for the K
// asked for) -> index map; or, with sample_pixels, a palette from a sample of the pixels.
#include <cmath>
#include <cstdio>
#include <kmq/kmq.hpp>
#include <string>
#include <vector>

#include "api/options.hpp"
#include "common/parallel.hpp"
#include "quantize/k_search.hpp"
#include "quantize/rd_search.hpp"
#include "quantize/remap/grid_remap.hpp"
#include "quantize/ssim_search.hpp"
#include "quantize/stages.hpp"
#include "quantize/stats/color_counter_state.hpp"
#include "quantize/stats/pixel_sample.hpp"

namespace kmq {

namespace {

void require(bool condition, const std::string& message) {
  if (!condition) throw Error(ErrorCategory::bad_input, message);
}

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

namespace detail {

void fill_stats(const ColorStatistics& statistics, const PaletteChoice& choice, Method method,
                QuantizeStats& stats, const IndexedImage* dithered) {
  stats.method = method;
  stats.colors = static_cast<int>(choice.colors.size());
  stats.iterations = choice.iterations;
  stats.log_likelihood = choice.log_likelihood;
  stats.inertia = clustering_inertia(statistics, choice);
  stats.mse =
      dithered ? indexed_mse(*statistics.image, *dithered) : histogram_mse(statistics, choice);
  stats.distinct_colors = statistics.histogram.size();
}

}  // namespace detail

namespace {

// Stage 3 from a chosen palette, and the stats. Without dithering the clustering points are
// freed before the remap (on a 4 MP photo they are 6 MB of the peak).
IndexedImage map_to(detail::ColorStatistics& statistics, const detail::PaletteChoice& choice,
                    const EncodeOptions& options, QuantizeStats& stats) {
  IndexedImage indexed;
  if (options.dither > 0 || detail::maps_for_rate(options, choice.colors.size())) {
    statistics.histogram.restore_index();  // one colour is remapped, not dithered
    double expected_bits = 0;
    indexed = detail::make_indexed(statistics, choice, options, &expected_bits);
    detail::fill_stats(statistics, choice, options.method, stats, &indexed);
    stats.expected_label_bits = expected_bits;
    stats.rd_lambda = detail::maps_for_rate(options, choice.colors.size()) ? options.rd_lambda : 0;
  } else {
    detail::fill_stats(statistics, choice, options.method, stats);
    statistics.points = detail::WeightedPoints();
    statistics.histogram.restore_index();
    indexed = detail::make_indexed(statistics, choice, options);
  }
  return indexed;
}

bool searches_rate(const EncodeOptions& options) {
  return options.search_rd_lambda && options.rd_lambda == 0 && options.dither == 0 &&
         options.fixed_palette.empty();
}

// A quality target met by K and lambda together: the search's lambda is lowered until the
// whole image meets the target (which lambda 0 does).
IndexedImage quantize_for_rate(detail::ColorStatistics statistics, const EncodeOptions& options,
                               double wanted, QuantizeStats* stats_out) {
  detail::RateTargetChoice found =
      detail::smallest_file_meeting(statistics, options, options, wanted);
  EncodeOptions mapping = options;
  mapping.rd_lambda = found.lambda;
  for (;;) {
    QuantizeStats stats;
    IndexedImage indexed = map_to(statistics, found.palette, mapping, stats);
    if (stats.mse <= wanted || mapping.rd_lambda == 0) {
      stats.trials = found.trials;
      if (stats_out) *stats_out = stats;
      return indexed;
    }
    mapping.rd_lambda = detail::lower_lambda(mapping.rd_lambda);
  }
}

// Stages 2 and 3 on an image's colour statistics.
IndexedImage quantize_statistics(detail::ColorStatistics statistics, const EncodeOptions& options,
                                 QuantizeStats* stats_out) {
  if (options.target_ssim > 0) {
    // Each trial is this function with an MSE target; the search passes the statistics by
    // reference and each trial copies them.
    return detail::meet_ssim_target(
        statistics, options,
        [](const detail::ColorStatistics& copied, const EncodeOptions& trial,
           QuantizeStats* stats) { return quantize_statistics(copied, trial, stats); },
        stats_out);
  }
  const double wanted = detail::target_mse(options);
  QuantizeStats stats;
  detail::PaletteChoice choice;
  if (!options.fixed_palette.empty()) {
    choice =
        detail::fixed_palette(statistics, options.fixed_palette, options.fixed_palette_channels);
    if (wanted > 0) {
      const double mse = detail::mapped_mse(statistics, choice, options);
      if (mse > wanted) {
        throw Error(ErrorCategory::target_not_met,
                    "the quality target " + format_db(wanted) +
                        " cannot be met with this palette: it gives " + format_db(mse));
      }
    }
  } else if (wanted > 0 && searches_rate(options)) {
    return quantize_for_rate(std::move(statistics), options, wanted, stats_out);
  } else if (wanted > 0) {
    choice = detail::smallest_k_meeting(statistics, options, options, wanted, stats.trials);
  } else {
    // Clustering never looks colours up: the hash index waits outside the peak.
    statistics.histogram.release_index();
    choice = detail::cluster_palette(statistics, options.colors, options);
  }
  IndexedImage indexed = map_to(statistics, choice, options, stats);
  if (stats_out) *stats_out = stats;
  return indexed;
}

// The palette from a sample of the pixels, then every pixel to its nearest entry.
IndexedImage quantize_sampled(const Image& image, const EncodeOptions& options,
                              const detail::Workers& workers, QuantizeStats* stats_out) {
  const int channels = image.channels();
  detail::PaletteChoice choice;
  std::size_t sample_colors = 0;
  {
    const Image sample = detail::sample_pixels(image, options.sample_pixels, options.seed);
    detail::ColorStatistics statistics =
        detail::gather_color_statistics(sample, options.space, workers);
    statistics.histogram.release_index();
    choice = detail::cluster_palette(statistics, options.colors, options);
    sample_colors = statistics.histogram.size();
  }
  std::vector<std::uint8_t> palette = detail::palette_bytes(choice, channels);
  QuantizeStats stats;
  IndexedImage indexed;
  if (channels == 3 && options.space == ColorSpace::rgb && options.dither == 0 &&
      options.rd_lambda == 0) {
    indexed.width = image.width();
    indexed.height = image.height();
    indexed.channels = channels;
    indexed.indices = detail::remap_to_nearest(image, palette, workers);
    indexed.palette = std::move(palette);
    if (stats_out) {
      stats.mse = detail::indexed_mse(image, indexed);
      stats.inertia = stats.mse * 3.0 * static_cast<double>(image.pixel_count());
    }
  } else {
    // Distances in OKLab, transparency and dithering: the image's colours are counted and each
    // takes its nearest entry of the sampled palette (stage 2 for a fixed palette).
    detail::ColorStatistics statistics =
        detail::gather_color_statistics(image, options.space, workers);
    detail::PaletteChoice sampled = detail::fixed_palette(statistics, palette, channels);
    sampled.fixed = false;  // clustered from the sample, not given: dithering may move it
    indexed = map_to(statistics, sampled, options, stats);
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
  detail::validate_quantize(options);
  require(!image.empty(), "cannot quantize an empty image");
  const detail::WorkerScope scope(options.runner, options.threads);
  IndexedImage indexed = samples(image, options)
                             ? quantize_sampled(image, options, scope.workers(), stats_out)
                             : quantize_statistics(detail::gather_color_statistics(
                                                       image, options.space, scope.workers()),
                                                   options, stats_out);
  indexed.metadata = image.metadata();
  return indexed;
}

IndexedImage quantize(const Image& image, ColorCounter&& counted, const EncodeOptions& options,
                      QuantizeStats* stats_out) {
  detail::validate_quantize(options);
  require(!image.empty(), "cannot quantize an empty image");
  require(counted.state_ != nullptr, "colour counter: moved from");
  const std::unique_ptr<ColorCounter::State> state = std::move(counted.state_);
  const detail::WorkerScope scope(options.runner, options.threads);
  IndexedImage indexed =
      samples(image, options)
          ? quantize_sampled(image, options, scope.workers(), stats_out)
          : quantize_statistics(detail::gather_color_statistics(image, state->finish(image),
                                                                options.space, scope.workers()),
                                options, stats_out);
  indexed.metadata = image.metadata();
  return indexed;
}

}  // namespace kmq
