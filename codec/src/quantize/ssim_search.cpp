// SPDX-License-Identifier: MIT
#include "quantize/ssim_search.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace kmq::detail {

namespace {

// An SSIM target. SSIM has no histogram form, so it is met through the MSE target that gives
// it on this image, found by a secant search on log(1 - SSIM) against log(MSE), which is
// nearly straight (slope 0.6-0.7 on the corpus photos); every trial is a whole MSE target
// search (K and lambda) and its SSIM is measured on the whole image. The result is the trial
// with the largest MSE target that met the SSIM, which is the smallest file up to the search's
// tolerance (10 % of MSE, about 0.4 dB).
class SsimTargetSearch {
 public:
  SsimTargetSearch(const ColorStatistics& statistics, const EncodeOptions& options,
                   const QuantizeAtTarget& quantize_at)
      : statistics_(statistics),
        options_(options),
        quantize_at_(quantize_at),
        wanted_(options.target_ssim) {}

  IndexedImage run(QuantizeStats* stats_out) {
    const double cap = target_mse(options_);  // target_psnr / max_mse, if set
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
      trial.indexed = quantize_at_(statistics_, trial_options, &trial.stats);
    } catch (const Error& error) {
      if (error.category() != ErrorCategory::target_not_met) throw;
      // Stricter than any K up to `colors` reaches: the largest K is the best there is.
      trial_options.max_mse = 0;
      trial.indexed = quantize_at_(statistics_, trial_options, &trial.stats);
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

  const ColorStatistics& statistics_;
  const EncodeOptions& options_;
  const QuantizeAtTarget& quantize_at_;
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

}  // namespace

IndexedImage meet_ssim_target(const ColorStatistics& statistics, const EncodeOptions& options,
                              const QuantizeAtTarget& quantize_at, QuantizeStats* stats_out) {
  return SsimTargetSearch(statistics, options, quantize_at).run(stats_out);
}

}  // namespace kmq::detail
