// SPDX-License-Identifier: MIT
// The joint search: for the smallest K meeting the target and a few larger ones, the largest
// lambda whose estimated MSE still meets it, and the pair with the fewest estimated bits.
#include "quantize/rd_search.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "format/partition_model.hpp"
#include "quantize/k_search.hpp"
#include "quantize/remap/rd_remap.hpp"
#include "quantize/remap/remap.hpp"

namespace kmq::detail {

namespace {

// Trials see every n-th band of kSampleRows rows: at least about kSamplePixels pixels in at
// least kLeastSampleBands bands (the whole image when it is small).
constexpr int kSampleRows = 32;
constexpr std::size_t kSamplePixels = std::size_t{1} << 18;
constexpr int kLeastSampleBands = 8;
// Palettes tried: those of the K search at least this multiple of the smallest K meeting the
// target with nearest labels.
constexpr double kLeastGrowth = 1.15;
// Growths wanted among them: where the K search left none within the slack, one is clustered.
constexpr double kWantedGrowth[] = {1.3, 1.7};
constexpr double kGrowthSlack = 0.15;
// Lambdas: searched in [first, last] from a start, at most kLambdaSteps trials per palette,
// done when the estimated MSE meets the budget with at least kUsedSlack of the slack (the MSE
// above the nearest labels') used; each step aims at kAimedSlack of it.
constexpr double kFirstLambda = 1;
constexpr double kLastLambda = 1024;
constexpr double kStartLambda = 16;
constexpr int kLambdaSteps = 6;
constexpr double kUsedSlack = 0.97;
constexpr double kAimedSlack = 0.99;
constexpr double kAssumedExponent = 1.5;
// Trials of the size budget's lambda search: quartering down from the start, then bisecting.
constexpr int kFitSteps = 7;
constexpr double kLeastExponent = 0.5, kMostExponent = 4;
// A palette whose best file is this much larger than the best so far ends the growth.
constexpr double kGiveUpGrowth = 1.02;
// The sample's MSE is an estimate: keep this share of the MSE budget in hand.
constexpr double kMseMargin = 0.995;

Image sample_rows(const Image& image) {
  const int bands = (image.height() + kSampleRows - 1) / kSampleRows;
  const int every = static_cast<int>(std::min<std::size_t>(
      image.pixel_count() / kSamplePixels, static_cast<std::size_t>(bands / kLeastSampleBands)));
  if (every < 2) return image;
  std::vector<int> rows;
  for (int band = 0; band < bands; band += every) {
    for (int y = band * kSampleRows; y < std::min(image.height(), (band + 1) * kSampleRows); ++y)
      rows.push_back(y);
  }
  Image sample(image.width(), static_cast<int>(rows.size()), image.channels());
  const std::size_t row_bytes =
      static_cast<std::size_t>(image.width()) * static_cast<std::size_t>(image.channels());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::copy_n(image.pixel(0, rows[r]), row_bytes, sample.pixel(0, static_cast<int>(r)));
  }
  return sample;
}

// One palette's trials on the sample.
class PaletteTrial {
 public:
  PaletteTrial(const ColorStatistics& statistics, const Image& sample, PaletteChoice choice)
      : statistics_(&statistics), sample_(&sample), choice_(std::move(choice)) {
    palette_ = palette_bytes(choice_, statistics.channels);
    nearest_ =
        remap_pixels(sample, statistics.histogram, choice_.label_of_distinct, statistics.threads);
    full_mse_ = histogram_mse(statistics, choice_);
    nearest_error_ =
        static_cast<double>(squared_error_sum(sample, nearest_, palette_, statistics.channels));
    mapper_ = std::make_unique<RateDistortionMapper>(
        sample.data(), width(), height(), statistics.channels, palette_, nearest_,
        choice_.transparent_entry == kNotFound ? kNoProtectedEntry : choice_.transparent_entry,
        statistics.threads);
  }

  const PaletteChoice& choice() const { return choice_; }
  PaletteChoice take_choice() { return std::move(choice_); }
  double nearest_mse() const { return full_mse_; }

  struct Outcome {
    double mse = 0;   // estimated for the whole image
    double bits = 0;  // estimated for the whole image, palette included
  };
  Outcome at(double lambda) const {
    const double sample_values = 3.0 * static_cast<double>(nearest_.size());
    const double scale = static_cast<double>(statistics_->image->pixel_count()) /
                         static_cast<double>(nearest_.size());
    const double palette_bits = 8.0 * static_cast<double>(palette_.size());
    Outcome outcome;
    if (lambda == 0) {
      outcome.mse = full_mse_;
      outcome.bits = scale * mapper_->nearest_bits() + palette_bits;
      return outcome;
    }
    const RateDistortionLabels labels = mapper_->map(lambda);
    const double added = static_cast<double>(squared_error_sum(*sample_, labels.indices, palette_,
                                                               statistics_->channels)) -
                         nearest_error_;
    outcome.mse = full_mse_ + added / sample_values;
    outcome.bits = scale * labels.expected_bits + palette_bits;
    return outcome;
  }

 private:
  std::size_t width() const { return static_cast<std::size_t>(sample_->width()); }
  std::size_t height() const { return static_cast<std::size_t>(sample_->height()); }

  const ColorStatistics* statistics_;
  const Image* sample_;
  PaletteChoice choice_;
  std::vector<std::uint8_t> palette_;
  std::vector<std::uint16_t> nearest_;
  double full_mse_ = 0;
  double nearest_error_ = 0;
  // On the heap: it holds spans of palette_ and nearest_, which must not move with the trial.
  std::unique_ptr<RateDistortionMapper> mapper_;
};

struct LambdaChoice {
  double lambda = 0;
  double bits = 0;
};

// The largest lambda whose estimated MSE meets `budget`. The MSE a lambda adds grows about as
// a power of lambda, so each step solves added(lambda) = slack on the power law through the two
// nearest trials (an assumed exponent after the first), and stops once a trial that meets the
// budget uses nearly all of it: 3-4 trials where bracketing and bisecting took 7-9.
LambdaChoice largest_lambda_meeting(const PaletteTrial& trial, double budget, double start) {
  const double slack = budget - trial.nearest_mse();
  LambdaChoice met{0, -1};
  if (slack <= 0) return {0, trial.at(0).bits};
  struct Point {
    double lambda, added;
  };
  std::vector<Point> points;
  double lambda = std::clamp(start, kFirstLambda, kLastLambda);
  for (int step = 0; step < kLambdaSteps; ++step) {
    const PaletteTrial::Outcome outcome = trial.at(lambda);
    const double added = std::max(outcome.mse - trial.nearest_mse(), 1e-12);
    if (outcome.mse <= budget && lambda > met.lambda) met = {lambda, outcome.bits};
    if (outcome.mse <= budget && added >= kUsedSlack * slack) break;
    points.push_back({lambda, added});
    if (lambda >= kLastLambda && outcome.mse <= budget) break;
    // The two trials nearest the slack, on a log-log line.
    std::sort(points.begin(), points.end(), [&](const Point& x, const Point& y) {
      return std::abs(std::log(x.added / slack)) < std::abs(std::log(y.added / slack));
    });
    double exponent = kAssumedExponent;
    if (points.size() >= 2 && points[0].lambda != points[1].lambda) {
      exponent = std::log(points[0].added / points[1].added) /
                 std::log(points[0].lambda / points[1].lambda);
      exponent = std::clamp(exponent, kLeastExponent, kMostExponent);
    }
    const double aim = kAimedSlack * slack;
    const double next = std::clamp(points[0].lambda * std::pow(aim / points[0].added, 1 / exponent),
                                   kFirstLambda, kLastLambda);
    if (std::abs(std::log(next / lambda)) < 1e-3) break;
    lambda = next;
  }
  if (met.bits < 0) return {0, trial.at(0).bits};
  return met;
}

}  // namespace

RateTargetChoice smallest_file_meeting(const ColorStatistics& statistics,
                                       const ClusteringOptions& clustering,
                                       const MappingOptions& mapping, double wanted_mse) {
  RateTargetChoice result;
  std::map<int, PaletteChoice> larger;
  PaletteChoice smallest =
      smallest_k_meeting(statistics, clustering, mapping, wanted_mse, result.trials, &larger);
  const int smallest_k = static_cast<int>(smallest.colors.size());
  const int limit = rate_search_limit(statistics, clustering.colors);
  if (!rate_labels_apply(mapping, smallest.colors.size()) || smallest_k >= limit) {
    result.palette = std::move(smallest);
    return result;
  }
  const Image sample = sample_rows(*statistics.image);
  const double budget = wanted_mse * kMseMargin;
  PaletteTrial best(statistics, sample, std::move(smallest));
  LambdaChoice best_lambda = largest_lambda_meeting(best, budget, kStartLambda);
  // The larger palettes the K search clustered and found meeting the target (it bisects
  // from a power of two, so they reach up to twice the smallest K): no palette is clustered
  // twice. The nearest few are too close to pay for their trials.
  // Near the limit (256, the rate model's) the limit itself is the one larger palette.
  const int least_k = std::min(limit, static_cast<int>(std::ceil(kLeastGrowth * smallest_k)));
  for (const double growth : kWantedGrowth) {
    const int wanted = std::min(limit, static_cast<int>(std::lround(growth * smallest_k)));
    const auto near = larger.lower_bound(
        std::min(wanted, static_cast<int>((growth - kGrowthSlack) * smallest_k)));
    const bool covered = near != larger.end() && near->first <= limit &&
                         near->first <= (growth + kGrowthSlack) * smallest_k;
    if (!covered && wanted > smallest_k && larger.count(wanted) == 0) {
      larger.emplace(wanted, cluster_palette(statistics, wanted, clustering));
      ++result.trials;
    }
  }
  for (auto& [k, palette] : larger) {
    if (k < least_k || k > limit) continue;
    if (histogram_mse(statistics, palette) > budget) continue;  // K need not be monotone
    PaletteTrial trial(statistics, sample, std::move(palette));
    // A larger palette leaves more error to trade: its lambda is at least the last one's.
    const LambdaChoice choice = largest_lambda_meeting(trial, budget, best_lambda.lambda);
    if (choice.bits < best_lambda.bits) {
      best = std::move(trial);
      best_lambda = choice;
    } else if (choice.bits > best_lambda.bits * kGiveUpGrowth) {
      break;  // past the best K: the palette's growth costs more than its lambda saves
    }
  }
  result.palette = best.take_choice();
  result.lambda = best_lambda.lambda;
  return result;
}

double smallest_lambda_fitting(const ColorStatistics& statistics, PaletteChoice palette,
                               double wanted_bits) {
  const Image sample = sample_rows(*statistics.image);
  const PaletteTrial trial(statistics, sample, std::move(palette));
  double fitting = kLastLambda, failing = 0;
  if (trial.at(fitting).bits > wanted_bits) return kLastLambda;
  double lambda = kStartLambda;
  for (int step = 0; step < kFitSteps; ++step) {
    (trial.at(lambda).bits <= wanted_bits ? fitting : failing) = lambda;
    lambda = failing == 0 ? std::max(kFirstLambda, fitting / 4) : std::sqrt(fitting * failing);
    if (failing == 0 && fitting <= kFirstLambda) break;
  }
  return fitting;
}

double nearest_label_bits(const ColorStatistics& statistics, PaletteChoice palette) {
  const Image sample = sample_rows(*statistics.image);
  return PaletteTrial(statistics, sample, std::move(palette)).at(0).bits;
}

double lower_lambda(double lambda) { return lambda * 0.75 < 1 ? 0 : lambda * 0.75; }

}  // namespace kmq::detail
