// SPDX-License-Identifier: MIT
// The joint search: for the smallest K meeting the target and a few larger ones, the largest
// lambda whose estimated MSE still meets it, and the pair with the fewest estimated bits.
#include "quantize/rd_search.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "format/partition_model.hpp"
#include "quantize/k_search.hpp"
#include "quantize/remap/rd_remap.hpp"
#include "quantize/remap/remap.hpp"

namespace kmq::detail {

namespace {

// Trials see every kSampleEvery-th band of kSampleRows rows (the whole image when it is short).
constexpr int kSampleRows = 32;
constexpr int kSampleEvery = 8;
// Palettes tried, as multiples of the smallest K meeting the target with nearest labels.
constexpr double kPaletteGrowth[] = {1.3, 1.7, 2.2};
// Lambdas tried by doubling from the first, then bisected geometrically between the last that
// met the target and the first that did not.
constexpr double kFirstLambda = 2;
constexpr double kLastLambda = 1024;
constexpr int kBisections = 4;
// The sample's MSE is an estimate: keep this share of the MSE budget in hand.
constexpr double kMseMargin = 0.995;

Image sample_rows(const Image& image) {
  const int bands = (image.height() + kSampleRows - 1) / kSampleRows;
  if (bands < 2 * kSampleEvery) return image;
  std::vector<int> rows;
  for (int band = 0; band < bands; band += kSampleEvery) {
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

double squared_error_sum(const Image& image, std::span<const std::uint16_t> indices,
                         std::span<const std::uint8_t> palette, int channels) {
  const std::uint8_t* pixels = image.data().data();
  const std::size_t stride = static_cast<std::size_t>(image.channels());
  double total = 0;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const std::uint8_t* entry = &palette[indices[i] * static_cast<std::size_t>(channels)];
    for (std::size_t c = 0; c < 3; ++c) {
      const int d = static_cast<int>(pixels[i * stride + c]) - entry[c];
      total += static_cast<double>(d * d);
    }
  }
  return total;
}

// One palette's trials on the sample.
class PaletteTrial {
 public:
  PaletteTrial(const ColorStatistics& statistics, const Image& sample, PaletteChoice choice)
      : statistics_(&statistics), sample_(&sample), choice_(std::move(choice)) {
    for (const std::uint32_t color : choice_.colors) {
      for (int c = 0; c < statistics.channels; ++c) palette_.push_back(color_channel(color, c));
    }
    nearest_ =
        remap_pixels(sample, statistics.histogram, choice_.label_of_distinct, statistics.threads);
    full_mse_ = histogram_mse(statistics, choice_);
    nearest_error_ = squared_error_sum(sample, nearest_, palette_, statistics.channels);
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
      outcome.bits = scale * expected_label_bits(nearest_, width(), height(), palette_,
                                                 statistics_->channels, statistics_->threads) +
                     palette_bits;
      return outcome;
    }
    const RateDistortionLabels labels = rate_distortion_labels(
        sample_->data(), width(), height(), statistics_->channels, palette_, nearest_, lambda,
        choice_.transparent_entry == kNotFound ? kNoProtectedEntry : choice_.transparent_entry,
        statistics_->threads);
    const double added =
        squared_error_sum(*sample_, labels.indices, palette_, statistics_->channels) -
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
};

struct LambdaChoice {
  double lambda = 0;
  double bits = 0;
};

// The largest lambda on the search's grid whose estimated MSE meets `budget`, and its bits.
LambdaChoice largest_lambda_meeting(const PaletteTrial& trial, double budget) {
  LambdaChoice met{0, trial.at(0).bits};
  double failing = 0;
  for (double lambda = kFirstLambda; lambda <= kLastLambda; lambda *= 2) {
    const PaletteTrial::Outcome outcome = trial.at(lambda);
    if (outcome.mse > budget) {
      failing = lambda;
      break;
    }
    met = {lambda, outcome.bits};
  }
  if (failing == 0) return met;
  double low = met.lambda > 0 ? met.lambda : kFirstLambda / 2;
  for (int step = 0; step < kBisections; ++step) {
    const double middle = std::sqrt(low * failing);
    const PaletteTrial::Outcome outcome = trial.at(middle);
    if (outcome.mse <= budget) {
      met = {middle, outcome.bits};
      low = middle;
    } else {
      failing = middle;
    }
  }
  return met;
}

}  // namespace

RateTargetChoice smallest_file_meeting(const ColorStatistics& statistics,
                                       const ClusteringOptions& clustering,
                                       const MappingOptions& mapping, double wanted_mse) {
  RateTargetChoice result;
  PaletteChoice smallest =
      smallest_k_meeting(statistics, clustering, mapping, wanted_mse, result.trials);
  const int smallest_k = static_cast<int>(smallest.colors.size());
  const int limit = std::min(
      {statistics.exact_colors(), clustering.colors, static_cast<int>(kMaxPartitionPaletteSize)});
  MappingOptions rated = mapping;
  rated.rd_lambda = 1;
  if (!maps_for_rate(rated, smallest.colors.size()) || smallest_k >= limit) {
    result.palette = std::move(smallest);
    return result;
  }
  const Image sample = sample_rows(*statistics.image);
  const double budget = wanted_mse * kMseMargin;
  PaletteTrial best(statistics, sample, std::move(smallest));
  LambdaChoice best_lambda = largest_lambda_meeting(best, budget);
  int previous_k = smallest_k;
  for (const double growth : kPaletteGrowth) {
    const int k = std::min(limit, static_cast<int>(std::lround(smallest_k * growth)));
    if (k <= previous_k) continue;
    previous_k = k;
    PaletteTrial trial(statistics, sample, cluster_palette(statistics, k, clustering));
    ++result.trials;
    if (trial.nearest_mse() > budget) continue;  // clustering need not be monotone in K
    const LambdaChoice choice = largest_lambda_meeting(trial, budget);
    if (choice.bits < best_lambda.bits) {
      best = std::move(trial);
      best_lambda = choice;
    }
  }
  result.palette = best.take_choice();
  result.lambda = best_lambda.lambda;
  return result;
}

double lower_lambda(double lambda) { return lambda * 0.75 < 1 ? 0 : lambda * 0.75; }

}  // namespace kmq::detail
