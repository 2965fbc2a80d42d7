// SPDX-License-Identifier: MIT
// kmq::quantize: image -> colour statistics -> palette (fixed, for a quality target, or for the K
// asked for) -> index map; or, with sample_pixels, a palette from a sample of the pixels.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <kmq/kmq.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/options.hpp"
#include "common/parallel.hpp"
#include "quantize/k_search.hpp"
#include "quantize/rd_search.hpp"
#include "quantize/remap/grid_remap.hpp"
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

IndexedImage quantize_statistics(detail::ColorStatistics statistics, const EncodeOptions& options,
                                 QuantizeStats* stats_out);

// An SSIM target. SSIM has no histogram form, so it is met through the MSE target that gives
// it on this image, found by a secant search on log(1 - SSIM) against log(MSE), which is
// nearly straight (slope 0.6-0.7 on the corpus photos); every trial is a whole MSE target
// search (K and lambda) and its SSIM is measured on the whole image. The result is the trial
// with the largest MSE target that met the SSIM, which is the smallest file up to the search's
// tolerance (10 % of MSE, about 0.4 dB).
class SsimTargetSearch {
 public:
  SsimTargetSearch(const detail::ColorStatistics& statistics, const EncodeOptions& options)
      : statistics_(statistics), options_(options), wanted_(options.target_ssim) {}

  IndexedImage run(QuantizeStats* stats_out) {
    const double cap = detail::target_mse(options_);  // target_psnr / max_mse, if set
    if (!options_.fixed_palette.empty()) {
      // Nothing to search: the palette meets the target or does not.
      if (!evaluate(cap)) {
        throw Error(ErrorCategory::target_not_met,
                    "the SSIM target " + std::to_string(wanted_) +
                        " cannot be met with this palette: it gives " +
                        std::to_string(best_failed_ssim_));
      }
      met_->stats.trials = trials_;
      if (stats_out) *stats_out = met_->stats;
      return std::move(met_->indexed);
    }
    double guess =
        kMseAtReferenceSsim * std::pow((1 - wanted_) / (1 - kReferenceSsim), 1 / kTypicalSlope);
    if (cap > 0) guess = std::min(guess, cap);
    for (int trial = 0; trial < kMaxTrials; ++trial) {
      const bool met = evaluate(guess);
      if (met && cap > 0 && guess >= cap) break;  // the MSE target binds, not the SSIM
      if (met_.has_value() && failed_mse_ > 0 &&
          (failed_mse_ / met_->mse_target <= kTolerance || (met && step_ > kLeastStep))) {
        break;  // bracketed closely, or the met file repeats inside a K step
      }
      guess = next_guess(cap);
      if (guess <= 0) break;
    }
    if (!met_) {
      throw Error(ErrorCategory::target_not_met,
                  "the SSIM target " + std::to_string(wanted_) + " cannot be met with at most " +
                      std::to_string(options_.colors) + " colours: the best reached is " +
                      std::to_string(best_failed_ssim_));
    }
    met_->stats.trials = trials_;
    if (stats_out) *stats_out = met_->stats;
    return std::move(met_->indexed);
  }

 private:
  struct Trial {
    double mse_target = 0;
    IndexedImage indexed;
    QuantizeStats stats;
  };
  struct Point {
    double log_mse, log_gap;  // log MSE reached, log(1 - SSIM)
  };

  static constexpr double kReferenceSsim = 0.85, kMseAtReferenceSsim = 65.0;  // about 30 dB
  static constexpr double kTypicalSlope = 0.66, kLeastSlope = 0.25, kMostSlope = 2.0;
  static constexpr double kTolerance = 1.1, kLeastStep = 1.05;
  static constexpr int kMaxTrials = 7;

  // An image with alpha is compared as it shows over black (colour times alpha): the colour of
  // a fully transparent pixel is invisible, and the file keeps one transparent entry for all.
  static Image over_black(const Image& image) {
    Image composed(image.width(), image.height(), 3);
    const std::uint8_t* from = image.data().data();
    std::uint8_t* to = composed.data().data();
    for (std::size_t i = 0; i < image.pixel_count(); ++i, from += 4, to += 3) {
      for (int c = 0; c < 3; ++c) {
        to[c] = static_cast<std::uint8_t>((from[c] * from[3] + 127) / 255);
      }
    }
    return composed;
  }

  double visible_ssim(const Image& decoded) {
    if (decoded.channels() != 4) return kmq::ssim(*statistics_.image, decoded, options_.threads);
    if (original_over_black_.empty()) original_over_black_ = over_black(*statistics_.image);
    return kmq::ssim(original_over_black_, over_black(decoded), options_.threads);
  }

  // Whether the MSE target `mse` gives an SSIM that meets the target.
  bool evaluate(double mse) {
    EncodeOptions trial_options = options_;
    trial_options.target_ssim = 0;
    trial_options.target_psnr = 0;
    trial_options.max_mse = mse;
    Trial trial;
    trial.mse_target = mse;
    try {
      trial.indexed = quantize_statistics(statistics_, trial_options, &trial.stats);
    } catch (const Error& error) {
      if (error.category() != ErrorCategory::target_not_met) throw;
      // Stricter than any K up to `colors` reaches: the largest K is the best there is.
      trial_options.max_mse = 0;
      trial.indexed = quantize_statistics(statistics_, trial_options, &trial.stats);
      trial.mse_target = trial.stats.mse;
      unreachable_mse_ = std::max(unreachable_mse_, mse);
    }
    trials_ += std::max(1, trial.stats.trials);
    const double ssim = visible_ssim(expand(trial.indexed));
    trial.stats.ssim = ssim;
    const double log_mse = std::log(std::max(trial.stats.mse, 1e-9));
    // The same result again (a K step wider than the last move, as on flat graphics): the
    // next move is longer.
    const bool repeated = !points_.empty() && std::abs(points_.back().log_mse - log_mse) < 1e-3;
    step_ = repeated ? step_ * step_ : kLeastStep;
    points_.push_back({log_mse, std::log(std::max(1 - ssim, 1e-12))});
    if (ssim >= wanted_) {
      if (!met_ || trial.mse_target > met_->mse_target) met_ = std::move(trial);
      return true;
    }
    best_failed_ssim_ = std::max(best_failed_ssim_, ssim);
    if (unreachable_mse_ > 0 && trial.mse_target <= unreachable_mse_) {
      exhausted_ = true;  // the largest K does not reach the SSIM
    }
    // Every target from the MSE this trial reached up gives this file or a smaller one.
    if (failed_mse_ == 0 || trial.stats.mse < failed_mse_) failed_mse_ = trial.stats.mse;
    return false;
  }

  // The MSE target where the line through the last two points (or the typical slope through
  // the last one) reaches the SSIM, kept strictly inside the bracket found so far.
  double next_guess(double cap) const {
    if (exhausted_) return 0;
    const Point& last = points_.back();
    double slope = kTypicalSlope;
    if (points_.size() >= 2) {
      const Point& before = points_[points_.size() - 2];
      if (std::abs(last.log_mse - before.log_mse) > 1e-6) {
        slope = (last.log_gap - before.log_gap) / (last.log_mse - before.log_mse);
      }
    }
    slope = std::clamp(slope, kLeastSlope, kMostSlope);
    double guess = std::exp(last.log_mse + (std::log(1 - wanted_) - last.log_gap) / slope);
    const double low = met_ ? met_->mse_target : 0;
    const double high = failed_mse_;
    if (high > 0 && low > 0) {
      // Inside the bracket; its middle (geometric) when the line points outside it.
      if (!(guess > low * 1.01 && guess < high / 1.01)) guess = std::sqrt(low * high);
    } else if (high > 0) {
      guess = std::min(guess, high / step_);
    } else if (low > 0) {
      guess = std::max(guess, low * step_);
    }
    if (cap > 0) guess = std::min(guess, cap);
    if (met_ && cap > 0 && met_->mse_target >= cap) return 0;
    return guess;
  }

  const detail::ColorStatistics& statistics_;
  const EncodeOptions& options_;
  const double wanted_;
  std::vector<Point> points_;
  std::optional<Trial> met_;
  double failed_mse_ = 0;  // the smallest MSE reached by a trial whose SSIM fell short
  double unreachable_mse_ = 0;
  double best_failed_ssim_ = 0;
  bool exhausted_ = false;
  int trials_ = 0;
  double step_ = kLeastStep;  // the least factor a guess moves the MSE target by
  Image original_over_black_;
};

// Stages 2 and 3 on an image's colour statistics.
IndexedImage quantize_statistics(detail::ColorStatistics statistics, const EncodeOptions& options,
                                 QuantizeStats* stats_out) {
  if (options.target_ssim > 0) {
    return SsimTargetSearch(statistics, options).run(stats_out);
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
    indexed =
        map_to(statistics, detail::fixed_palette(statistics, palette, channels), options, stats);
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
