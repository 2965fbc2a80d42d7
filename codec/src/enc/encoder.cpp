// SPDX-License-Identifier: MIT
// kmq::encode and kmq::encode_indexed: palette image -> HEAD, PALT, LABL, ENDF chunks.
#include "enc/encoder.hpp"

#include <algorithm>
#include <cmath>
#include <kmq/kmq.hpp>
#include <map>
#include <string>
#include <vector>

#include "api/options.hpp"
#include "common/byte_io.hpp"
#include "common/parallel.hpp"
#include "enc/adaptive_copies_encoder.hpp"
#include "enc/container_writer.hpp"
#include "enc/label_encoder.hpp"
#include "format/adaptive_copies.hpp"
#include "format/format_constants.hpp"
#include "format/header.hpp"
#include "format/metadata_chunks.hpp"
#include "format/partition_model.hpp"
#include "quantize/k_search.hpp"
#include "quantize/rd_search.hpp"
#include "quantize/stages.hpp"

namespace kmq {

namespace {

constexpr int kTrialLevel = 3;

using detail::LabelCoding;

// Method 3's tile count: EncodeOptions::tiles, or when that is 0 one tile per kTilePixels
// pixels (rounded; at least kMinTileColumns columns each, at most kMaxDefaultTiles).
std::size_t label_tiles(const IndexedImage& indexed, const LabelCodingOptions& options) {
  const auto width = static_cast<std::size_t>(indexed.width);
  if (options.tiles != 0) return std::min(static_cast<std::size_t>(options.tiles), width);
  const std::size_t pixels = width * static_cast<std::size_t>(indexed.height);
  const std::size_t by_size = (pixels + detail::kTilePixels / 2) / detail::kTilePixels;
  return std::clamp<std::size_t>(
      std::min({by_size, width / detail::kMinTileColumns, detail::kMaxDefaultTiles}), 1,
      detail::kMaxTiles);
}

// Method 4's strip count: EncodeOptions::tiles, or when that is 0 one strip per kTilePixels
// pixels (rounded; at least kMinStripRows rows each, at most kMaxDefaultTiles).
std::size_t label_strips(const IndexedImage& indexed, const LabelCodingOptions& options) {
  const auto height = static_cast<std::size_t>(indexed.height);
  if (options.tiles != 0) return std::min(static_cast<std::size_t>(options.tiles), height);
  const std::size_t pixels = height * static_cast<std::size_t>(indexed.width);
  const std::size_t by_size = (pixels + detail::kTilePixels / 2) / detail::kTilePixels;
  return std::clamp<std::size_t>(
      std::min({by_size, height / detail::kMinStripRows, detail::kMaxDefaultTiles}), 1,
      detail::kMaxStrips);
}

// The neighbour-context method for this image: method 1 when K > 256, else method 3 when the
// image is large enough for tiles, else method 2.
LabelCoding context_method(const IndexedImage& indexed, const LabelCodingOptions& options) {
  if (static_cast<std::uint32_t>(indexed.palette_size()) > detail::kMaxPartitionPaletteSize)
    return LabelCoding::neighbour_contexts;
  return label_tiles(indexed, options) > 1 ? LabelCoding::partition_tiles
                                           : LabelCoding::neighbour_partitions;
}

// zstd levels to encode with at this effort (kTunedLevel = kmq's tuned parameters).
std::vector<int> levels_for(const LabelCodingOptions& options) {
  if (options.level != kTunedLevel) return {options.level};
  switch (options.effort) {
    case 1:
      return {1};
    case 2:
      return {kTunedLevel};  // with the quicker entropy bound, see encode_label_chunk
    case kMaxEffort:
      return {kTunedLevel, 22};
    default:
      return {kTunedLevel};
  }
}

// Methods worth encoding fully at this effort; several means "keep the smallest".
std::vector<LabelCoding> candidate_methods(const IndexedImage& indexed,
                                           const LabelCodingOptions& options) {
  switch (options.label_coding) {
    case LabelCodingChoice::raw:
      return {LabelCoding::zstd_raw};
    case LabelCodingChoice::contexts:
      return {LabelCoding::neighbour_contexts};
    case LabelCodingChoice::partitions:
      return {LabelCoding::neighbour_partitions};
    case LabelCodingChoice::tiles:
      return {LabelCoding::partition_tiles};
    case LabelCodingChoice::copies:
      return {LabelCoding::adaptive_copies};
    case LabelCodingChoice::automatic:
      break;
  }
  const LabelCoding context = context_method(indexed, options);
  if (options.effort < 4) return {context};
  if (options.effort == 4) return {};  // decided by a trial
  std::vector<LabelCoding> methods = {LabelCoding::zstd_raw, LabelCoding::neighbour_contexts};
  if (context != LabelCoding::neighbour_contexts) {
    methods.push_back(LabelCoding::neighbour_partitions);
    if (context == LabelCoding::partition_tiles) methods.push_back(context);
  }
  methods.push_back(LabelCoding::adaptive_copies);
  return methods;
}

// The default effort's sample: the whole image when it is small, else four bands of rows
// spread over it (about kCopiesTrialPixels in all), stacked into one image.
constexpr std::size_t kCopiesTrialPixels = std::size_t{1} << 15;

IndexedImage trial_sample(const IndexedImage& indexed) {
  const auto width = static_cast<std::size_t>(indexed.width);
  const auto height = static_cast<std::size_t>(indexed.height);
  constexpr std::size_t kBands = 4;
  const std::size_t band_rows = std::max<std::size_t>(16, kCopiesTrialPixels / kBands / width);
  if (width * height <= kCopiesTrialPixels || band_rows * kBands >= height) return indexed;
  IndexedImage sample;
  sample.width = indexed.width;
  sample.height = static_cast<int>(band_rows * kBands);
  sample.channels = indexed.channels;
  sample.palette = indexed.palette;
  sample.indices.reserve(width * band_rows * kBands);
  for (std::size_t band = 0; band < kBands; ++band) {
    const std::size_t first = (2 * band + 1) * height / (2 * kBands) - band_rows / 2;
    const auto begin = indexed.indices.begin() + static_cast<std::ptrdiff_t>(first * width);
    sample.indices.insert(sample.indices.end(), begin,
                          begin + static_cast<std::ptrdiff_t>(band_rows * width));
  }
  return sample;
}

// Method 4 is chosen at the default effort where, on the sample, it is at most this fraction of
// the better of method 0 and the context method: charts, documents, screenshots and icons
// (0.3-0.8 on ours) but not photos (0.93-0.98), whose method 4 files decode 2-4 times slower
// than method 2's for a few percent.
constexpr double kCopiesWorthIt = 0.9;

// The copy search of method 4 for this image and effort: up to the default, at more than 8
// colours, it gives up on strips where it grows more than 8 candidates per busy pixel it copies
// (see CopySearch). At 2 to 8 colours text and charts repeat so many 4x4 blocks that the
// rule cost up to 69 % (a terminal screenshot at K = 4); higher efforts search every strip to
// its end.
detail::CopySearch copy_search(const IndexedImage& indexed, const LabelCodingOptions& options) {
  constexpr int kFewColours = 8;
  detail::CopySearch search;
  if (options.effort <= 4 && indexed.palette_size() > kFewColours)
    search.max_grows_per_copied_pixel = 8;
  return search;
}

// Method 0 is not tried on the whole image when, on the sample, it is at least this multiple
// of the context method: on corpus photos it is 1.17-1.59, and the whole image's trial
// (a fifth of the coding time of a 4 MP photo) never chose it there.
constexpr double kRawClearlyLarger = 1.1;

// What the default effort's trial on a sample decided.
struct SampleVerdict {
  std::vector<std::uint8_t> copies;  // method 4's payload for the whole image when it pays off
  bool raw_clearly_larger = false;   // method 0 need not be tried on the whole image
};

SampleVerdict trial_on_sample(const IndexedImage& indexed, LabelCoding context,
                              const LabelCodingOptions& options,
                              const detail::LabelEncoderSettings& settings) {
  const IndexedImage sample = trial_sample(indexed);
  const bool whole = sample.height == indexed.height;
  detail::LabelEncoderSettings trial = settings;
  trial.tiles = 1;
  if (context == LabelCoding::partition_tiles) context = LabelCoding::neighbour_partitions;
  const std::size_t context_size =
      detail::compressed_labels_size(detail::model_labels(sample, context, trial), trial);
  trial.level = kTrialLevel;
  const std::size_t raw_size = detail::raw_labels_size(sample, trial);
  const std::size_t others = std::min(context_size, raw_size);
  const std::size_t strips = whole ? label_strips(indexed, options) : 1;
  std::vector<std::uint8_t> copies = detail::encode_adaptive_copies(
      sample, strips, copy_search(indexed, options), settings.threads);
  SampleVerdict verdict;
  verdict.raw_clearly_larger =
      static_cast<double>(raw_size) >= kRawClearlyLarger * static_cast<double>(context_size);
  if (static_cast<double>(copies.size()) > kCopiesWorthIt * static_cast<double>(others))
    return verdict;
  verdict.copies =
      whole ? std::move(copies)
            : detail::encode_adaptive_copies(indexed, label_strips(indexed, options),
                                             copy_search(indexed, options), settings.threads);
  return verdict;
}

// The LABL payload the effort rules choose, and the method it holds.
struct LabelChunk {
  LabelCoding method = LabelCoding::zstd_raw;
  std::vector<std::uint8_t> payload;
};

// Stage 4: the label coding stage sees only its options and the thread count.
LabelChunk encode_label_chunk(const IndexedImage& indexed, const LabelCodingOptions& options,
                              const detail::Workers& threads) {
  detail::LabelEncoderSettings settings;
  settings.threads = threads;
  if (options.effort <= 2) settings.entropy_bound = detail::kQuickEntropyBound;
  settings.width = static_cast<std::size_t>(indexed.width);
  settings.tiles = label_tiles(indexed, options);
  LabelChunk best;
  // Every level of this effort on one method's streams; ties keep the earlier, lower-numbered
  // method.
  auto keep_smallest = [&](const detail::LabelStreams& modelled) {
    for (const int level : levels_for(options)) {
      detail::LabelEncoderSettings at_level = settings;
      at_level.level = level;
      std::vector<std::uint8_t> labels = detail::compress_labels(modelled, at_level);
      if (best.payload.empty() || labels.size() < best.payload.size()) {
        best.method = modelled.method;
        best.payload = std::move(labels);
      }
    }
  };
  const std::vector<LabelCoding> methods = candidate_methods(indexed, options);
  // One method's streams in memory at a time.
  for (const LabelCoding method : methods) {
    if (method == LabelCoding::adaptive_copies) {
      std::vector<std::uint8_t> labels = detail::encode_adaptive_copies(
          indexed, label_strips(indexed, options), copy_search(indexed, options), threads);
      if (best.payload.empty() || labels.size() < best.payload.size()) {
        best.method = method;
        best.payload = std::move(labels);
      }
      continue;
    }
    keep_smallest(detail::model_labels(indexed, method, settings));
  }
  if (methods.empty()) {
    SampleVerdict verdict =
        trial_on_sample(indexed, context_method(indexed, options), options, settings);
    if (!verdict.copies.empty()) {
      best.method = LabelCoding::adaptive_copies;
      best.payload = std::move(verdict.copies);
      return best;
    }
    detail::LabelStreams contexts =
        detail::model_labels(indexed, context_method(indexed, options), settings);
    if (verdict.raw_clearly_larger) {
      keep_smallest(contexts);
      return best;
    }
    // Decide with a fast level-3 trial of method 0 against the context method (their order
    // agreed with level 19's on every corpus photo we measured; level 1 hides raw's long row
    // matches), then spend the real effort on the winner only. Each method is modelled once.
    std::size_t trial_size[2] = {0, 0};
    // The two trials at once: raw is a single frame, which one thread would otherwise idle on.
    // They measure sizes only; raw's bytes (one per pixel at K = 256) are made if it wins.
    detail::LabelEncoderSettings one_thread = settings;
    one_thread.threads = threads.capped(1);
    one_thread.level = kTrialLevel;
    detail::parallel_chunks(
        2, 1, settings.threads, [&](std::size_t, std::size_t trial, std::size_t, std::size_t) {
          trial_size[trial] = trial == 0 ? detail::raw_labels_size(indexed, one_thread)
                                         : detail::compressed_labels_size(contexts, one_thread);
        });
    if (trial_size[0] <= trial_size[1]) {
      contexts = {};
      keep_smallest(detail::model_labels(indexed, LabelCoding::zstd_raw, settings));
    } else {
      keep_smallest(contexts);
    }
  }
  return best;
}

}  // namespace

namespace detail {

ContainerWriter encode_indexed_file(const IndexedImage& indexed, const EncodeOptions& options) {
  detail::validate_label_coding(options);
  detail::validate_threads(options.threads);
  validate(indexed);
  std::vector<detail::MetadataChunk> metadata = detail::metadata_chunks(indexed.metadata);
  const auto palette_size = static_cast<std::uint32_t>(indexed.palette_size());
  const detail::WorkerScope scope(options.runner, options.threads);
  LabelChunk labels = encode_label_chunk(indexed, options, scope.workers());
  detail::ImageHeader header;
  header.channels = static_cast<std::uint32_t>(indexed.channels);
  header.label_coding = static_cast<std::uint8_t>(labels.method);
  header.width = static_cast<std::uint32_t>(indexed.width);
  header.height = static_cast<std::uint32_t>(indexed.height);
  header.palette_size = palette_size;

  std::vector<std::uint8_t> palette;
  palette.reserve(1 + indexed.palette.size());
  palette.push_back(detail::kPaletteCodingRaw);
  palette.insert(palette.end(), indexed.palette.begin(), indexed.palette.end());

  detail::ContainerWriter writer;
  const auto head = detail::header_payload(header);
  writer.add_chunk(detail::kTypeHeader, {head.begin(), head.end()});
  for (detail::MetadataChunk& chunk : metadata)
    writer.add_chunk(chunk.type, std::move(chunk.payload));
  writer.add_chunk(detail::kTypePalette, std::move(palette));
  writer.add_chunk(detail::kTypeLabels, std::move(labels.payload));
  writer.add_chunk(detail::kTypeEnd, {});
  return writer;
}

namespace {

// Palettes tried beyond the largest K whose nearest labels fit a size budget, as multiples of
// it, each with the smallest lambda whose file fits; the lowest MSE that fits wins.
constexpr double kBudgetGrowth[] = {1.3, 1.7, 2.2};
// Full encodes per palette: the sample's lambda, then raised by this factor while too large.
constexpr int kBudgetEncodes = 3;
constexpr double kBudgetLambdaStep = 1.5;

template <class EncodeTrial, class Trial>
void search_rate_within_budget(const ColorStatistics& statistics, const EncodeOptions& options,
                               const PaletteChoice& fitting, std::size_t fitting_bytes,
                               const EncodeTrial& encode_trial, Trial& best) {
  const int fitting_k = static_cast<int>(fitting.colors.size());
  const int limit = rate_search_limit(statistics, options.colors);
  if (!rate_labels_apply(options, fitting.colors.size()) || fitting_k >= limit) return;
  MappingOptions rated = options;
  // The rate model against the coder on the fitting palette turns the budget into model bits.
  const double model_per_file_bit =
      nearest_label_bits(statistics, fitting) / (8.0 * static_cast<double>(fitting_bytes));
  const double wanted_bits = model_per_file_bit * 8.0 * static_cast<double>(options.max_bytes);
  int previous_k = fitting_k;
  for (const double growth : kBudgetGrowth) {
    const int k = std::min(limit, static_cast<int>(std::lround(growth * fitting_k)));
    if (k <= previous_k) continue;
    previous_k = k;
    const PaletteChoice palette = cluster_palette(statistics, k, options);
    ++best.stats.trials;
    rated.rd_lambda = smallest_lambda_fitting(statistics, palette, wanted_bits);
    for (int attempt = 0; attempt < kBudgetEncodes; ++attempt) {
      Trial trial = encode_trial(palette, rated);
      if (trial.file.size() <= options.max_bytes) {
        if (trial.stats.mse < best.stats.mse) {
          trial.stats.trials = best.stats.trials;
          best = std::move(trial);
        }
        break;
      }
      rated.rd_lambda *= kBudgetLambdaStep;
    }
  }
}

}  // namespace

ContainerWriter encode_file(const Image& image, const EncodeOptions& options,
                            QuantizeStats* stats) {
  const bool size_target = options.max_bytes > 0;
  if (!size_target || !options.fixed_palette.empty() || detail::target_mse(options) > 0) {
    QuantizeStats local;
    const detail::WorkerScope scope(options.runner, options.threads);
    EncodeOptions shared = options;  // quantizing and coding share this call's threads
    shared.runner = scope.workers().runner();
    ContainerWriter file = encode_indexed_file(quantize(image, shared, &local), shared);
    if (size_target && file.size() > options.max_bytes) {
      throw Error(ErrorCategory::target_not_met,
                  "the file needs " + std::to_string(file.size()) + " bytes, more than the " +
                      std::to_string(options.max_bytes) + " allowed");
    }
    if (stats) *stats = local;
    return file;
  }
  // The largest K whose file fits (smaller palettes give smaller files): the K search asks this
  // encoder whether each palette's file fits, and the files are kept so the winner is not
  // coded twice.
  validate(options);
  if (image.empty()) throw Error(ErrorCategory::bad_input, "cannot encode an empty image");
  const detail::WorkerScope scope(options.runner, options.threads);
  EncodeOptions shared = options;  // every trial's label coding shares this call's threads
  shared.runner = scope.workers().runner();
  const detail::ColorStatistics statistics =
      detail::gather_color_statistics(image, options.space, scope.workers());
  struct Trial {
    ContainerWriter file;
    QuantizeStats stats;
  };
  std::map<int, Trial> trials;
  auto encode_trial = [&](const detail::PaletteChoice& choice, const MappingOptions& mapping) {
    Trial trial;
    IndexedImage indexed =
        detail::make_indexed(statistics, choice, mapping, &trial.stats.expected_label_bits);
    indexed.metadata = image.metadata();  // the size that counts is the whole file's
    trial.file = encode_indexed_file(indexed, shared);
    const bool rated = detail::maps_for_rate(mapping, choice.colors.size());
    detail::fill_stats(statistics, choice, options.method, trial.stats,
                       mapping.dither > 0 || rated ? &indexed : nullptr);
    trial.stats.rd_lambda = rated ? mapping.rd_lambda : 0;
    return trial;
  };
  // The largest fitting palette so far, for the lambda search below.
  std::optional<detail::PaletteChoice> largest_fitting;
  int largest_fitting_k = 0;
  auto fits = [&](int k, const detail::PaletteChoice& choice) {
    Trial trial = encode_trial(choice, options);
    const bool fitting = trial.file.size() <= options.max_bytes;
    if (fitting && k > largest_fitting_k) {
      largest_fitting = choice;
      largest_fitting_k = k;
    }
    trials.emplace(k, std::move(trial));
    return fitting;
  };
  int tried = 0;
  const std::optional<int> k = detail::largest_k_fitting(statistics, options, fits, tried);
  if (!k) {
    throw Error(ErrorCategory::target_not_met,
                "even a single-colour file needs " + std::to_string(trials.at(1).file.size()) +
                    " bytes, more than the " + std::to_string(options.max_bytes) + " allowed");
  }
  Trial best = std::move(trials.at(*k));
  best.stats.trials = static_cast<int>(trials.size());
  if (options.search_rd_lambda && options.rd_lambda == 0 && options.dither == 0 &&
      largest_fitting && *k == largest_fitting_k) {
    search_rate_within_budget(statistics, options, *largest_fitting, best.file.size(), encode_trial,
                              best);
  }
  if (stats) *stats = best.stats;
  return std::move(best.file);
}

}  // namespace detail

std::vector<std::uint8_t> encode_indexed(const IndexedImage& indexed,
                                         const EncodeOptions& options) {
  return detail::encode_indexed_file(indexed, options).bytes();
}

std::vector<std::uint8_t> encode(const Image& image, const EncodeOptions& options,
                                 QuantizeStats* stats) {
  return detail::encode_file(image, options, stats).bytes();
}

}  // namespace kmq
