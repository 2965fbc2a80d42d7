// SPDX-License-Identifier: MIT
// A greedy rate-distortion pass in raster order, twice: the rate model is first measured on the
// nearest labels, then on the first pass's result. Rows are decided in bands of fixed height,
// each band's top row seeing the previous map's row above it, so bands run in parallel and the
// result does not depend on the thread count. Each pass counts the symbols of what it decides
// (the next pass's model, and the expected bits), all but the bands' top rows, whose neighbours
// above change after them and are counted once the pass is done.
#include "quantize/remap/rd_remap.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "format/color_ranking.hpp"
#include "format/context_model.hpp"
#include "format/partition_model.hpp"

namespace kmq::detail {

namespace {

constexpr std::size_t kBandRows = 32;
constexpr int kSymbols = 5;  // §5.3: candidate 0..3 or "literal" after the candidates
constexpr int kPasses = 2;

struct SymbolCounts {
  std::array<std::array<std::uint64_t, kSymbols>, kPartitionContexts> symbols{};
  std::array<std::array<std::uint64_t, kMaxPartitionPaletteSize>, kLiteralContexts> literals{};

  void add(const SymbolCounts& other) {
    for (std::size_t c = 0; c < symbols.size(); ++c) {
      for (int s = 0; s < kSymbols; ++s) symbols[c][s] += other.symbols[c][s];
    }
    for (std::size_t c = 0; c < literals.size(); ++c) {
      for (std::size_t v = 0; v < literals[c].size(); ++v) literals[c][v] += other.literals[c][v];
    }
  }
};

}  // namespace

// Bits per symbol and per ranked literal, from counts with half a count added to every value
// the stream could hold (so that an unseen choice is expensive but not forbidden).
struct RateModel {
  std::array<std::array<float, kSymbols>, kPartitionContexts> symbol_bits{};
  std::array<std::array<float, kMaxPartitionPaletteSize>, kLiteralContexts> literal_bits{};
};

namespace {

template <std::size_t N>
void bits_of(const std::array<std::uint64_t, N>& counts, std::size_t alphabet,
             std::array<float, N>& bits) {
  double total = 0.5 * static_cast<double>(alphabet);
  for (std::size_t v = 0; v < alphabet; ++v) total += static_cast<double>(counts[v]);
  for (std::size_t v = 0; v < N; ++v) {
    bits[v] = v < alphabet
                  ? static_cast<float>(std::log2(total / (static_cast<double>(counts[v]) + 0.5)))
                  : 64.0f;
  }
}

RateModel model_of(const SymbolCounts& counts, std::uint32_t k) {
  RateModel model;
  for (std::size_t c = 0; c < counts.symbols.size(); ++c) {
    bits_of(counts.symbols[c], kSymbols, model.symbol_bits[c]);
  }
  for (std::size_t c = 0; c < counts.literals.size(); ++c) {
    const std::size_t alphabet = k > c + 1 ? k - (c + 1) : 0;
    bits_of(counts.literals[c], alphabet, model.literal_bits[c]);
  }
  return model;
}

template <std::size_t N>
double entropy_of(const std::array<std::uint64_t, N>& counts) {
  double total = 0, bits = 0;
  for (const std::uint64_t count : counts) total += static_cast<double>(count);
  for (const std::uint64_t count : counts) {
    if (count > 0)
      bits += static_cast<double>(count) * std::log2(total / static_cast<double>(count));
  }
  return bits;
}

double entropy_of(const SymbolCounts& counts) {
  double bits = 0;
  for (const auto& stream : counts.symbols) bits += entropy_of(stream);
  for (const auto& stream : counts.literals) bits += entropy_of(stream);
  return bits;
}

// The symbol and, for an unseen label, the literal that method 2 codes for `label`.
void count_label(std::uint32_t label, const PartitionCandidates& near, ColorRanking& ranking,
                 SymbolCounts& counts) {
  for (int g = 0; g < near.count; ++g) {
    if (near.candidate[g] == label) {
      ++counts.symbols[static_cast<std::size_t>(near.context)][static_cast<std::size_t>(g)];
      return;
    }
  }
  ++counts.symbols[static_cast<std::size_t>(near.context)][static_cast<std::size_t>(near.count)];
  ++counts.literals[static_cast<std::size_t>(near.count - 1)][ranking.ranked_literal(label, near)];
}

// The symbols of every band's top row but the image's first, on the finished map.
void count_band_tops(std::span<const std::uint16_t> indices, std::size_t width, std::size_t height,
                     ColorRanking& ranking, const Workers& threads,
                     std::vector<SymbolCounts>& per_band) {
  auto label_at = [&](std::size_t i) -> std::uint32_t { return indices[i]; };
  parallel_chunks(height, kBandRows, threads,
                  [&](std::size_t, std::size_t band, std::size_t begin, std::size_t) {
                    if (begin == 0) return;
                    for (std::size_t x = 0; x < width; ++x) {
                      const PartitionCandidates near =
                          partition_candidates(neighbours(label_at, width, x, begin));
                      count_label(indices[begin * width + x], near, ranking, per_band[band]);
                    }
                  });
}

SymbolCounts count_symbols(std::span<const std::uint16_t> indices, std::size_t width,
                           std::size_t height, ColorRanking& ranking, const Workers& threads) {
  std::vector<SymbolCounts> per_band(chunk_count(height, kBandRows));
  auto label_at = [&](std::size_t i) -> std::uint32_t { return indices[i]; };
  parallel_chunks(height, kBandRows, threads,
                  [&](std::size_t, std::size_t band, std::size_t begin, std::size_t end) {
                    SymbolCounts& counts = per_band[band];
                    for (std::size_t y = begin; y < end; ++y) {
                      for (std::size_t x = 0; x < width; ++x) {
                        const PartitionCandidates near =
                            partition_candidates(neighbours(label_at, width, x, y));
                        count_label(indices[y * width + x], near, ranking, counts);
                      }
                    }
                  });
  SymbolCounts total;
  for (const SymbolCounts& band : per_band) total.add(band);
  return total;
}

class Distortion {
 public:
  Distortion(std::span<const std::uint8_t> palette, int channels)
      : palette_(palette), channels_(static_cast<std::size_t>(channels)) {}
  std::uint32_t operator()(const std::uint8_t* pixel, std::uint32_t label) const {
    const std::uint8_t* entry = &palette_[label * channels_];
    std::uint32_t sum = 0;
    for (std::size_t c = 0; c < channels_; ++c) {
      const int difference = static_cast<int>(pixel[c]) - static_cast<int>(entry[c]);
      sum += static_cast<std::uint32_t>(difference * difference);
    }
    return sum;
  }

 private:
  std::span<const std::uint8_t> palette_;
  std::size_t channels_;
};

}  // namespace

RateDistortionMapper::RateDistortionMapper(std::span<const std::uint8_t> samples, std::size_t width,
                                           std::size_t height, int channels,
                                           std::span<const std::uint8_t> palette,
                                           std::span<const std::uint16_t> nearest,
                                           std::uint32_t protected_entry, const Workers& threads)
    : samples_(samples),
      width_(width),
      height_(height),
      channels_(channels),
      palette_(palette),
      nearest_(nearest),
      protected_entry_(protected_entry),
      threads_(threads),
      ranking_(std::make_unique<ColorRanking>(palette, channels)) {
  ranking_->sort_all_rows(threads);  // read-only from here, shared by the bands
  const SymbolCounts counts = count_symbols(nearest, width, height, *ranking_, threads);
  nearest_model_ = std::make_unique<RateModel>(model_of(counts, ranking_->palette_size()));
  nearest_bits_ = entropy_of(counts);
}

RateDistortionMapper::~RateDistortionMapper() = default;
RateDistortionMapper::RateDistortionMapper(RateDistortionMapper&&) noexcept = default;

RateDistortionLabels RateDistortionMapper::map(double lambda) const {
  ColorRanking& ranking = *ranking_;
  const std::uint32_t k = ranking.palette_size();
  const Distortion distortion(palette_, channels_);
  const std::size_t stride = static_cast<std::size_t>(channels_);
  const float rate_weight = static_cast<float>(lambda);
  const std::size_t width = width_, height = height_;
  const std::span<const std::uint16_t> nearest = nearest_;
  const std::span<const std::uint8_t> samples = samples_;
  const std::uint32_t protected_entry = protected_entry_;
  const Workers& threads = threads_;

  std::vector<std::uint16_t> previous(nearest.begin(), nearest.end());
  std::vector<std::uint16_t> decided(previous.size());
  SymbolCounts counted;  // of the last pass's map
  for (int pass = 0; pass < kPasses; ++pass) {
    const RateModel model = pass == 0 ? *nearest_model_ : model_of(counted, k);
    std::vector<SymbolCounts> per_band(chunk_count(height, kBandRows));
    parallel_chunks(
        height, kBandRows, threads,
        [&](std::size_t, std::size_t band, std::size_t begin, std::size_t end) {
          SymbolCounts& counts = per_band[band];
          const std::size_t band_start = begin * width;
          auto label_at = [&](std::size_t i) -> std::uint32_t {
            return i < band_start ? previous[i] : decided[i];
          };
          for (std::size_t y = begin; y < end; ++y) {
            // A band's top row is counted after the pass, with the final row above it.
            const bool counts_here = y != begin || begin == 0;
            for (std::size_t x = 0; x < width; ++x) {
              const std::size_t i = y * width + x;
              const std::uint32_t own = nearest[i];
              decided[i] = static_cast<std::uint16_t>(own);
              const PartitionCandidates near =
                  partition_candidates(neighbours(label_at, width, x, y));
              const auto context = static_cast<std::size_t>(near.context);
              const auto unseen = static_cast<std::size_t>(near.count);
              if (own == protected_entry) {
                if (counts_here) count_label(own, near, ranking, counts);
                continue;
              }
              if (near.count == 1 && near.candidate[0] == own) {
                if (counts_here) ++counts.symbols[context][0];
                continue;
              }
              const auto& symbol_bits = model.symbol_bits[context];
              const auto& literal_bits = model.literal_bits[unseen - 1];
              const std::uint8_t* pixel = &samples[i * stride];

              int own_group = -1;
              for (int g = 0; g < near.count; ++g)
                own_group = near.candidate[g] == own ? g : own_group;
              const std::uint32_t own_rank = own_group >= 0 ? 0 : ranking.ranked_literal(own, near);
              const float own_bits = own_group >= 0
                                         ? symbol_bits[static_cast<std::size_t>(own_group)]
                                         : symbol_bits[unseen] + literal_bits[own_rank];
              float best_cost = static_cast<float>(distortion(pixel, own)) + rate_weight * own_bits;
              std::uint32_t best = own;
              int best_group = own_group;  // -1: a literal of rank best_rank
              std::uint32_t best_rank = own_rank;
              auto consider = [&](std::uint32_t label, float bits, int group, std::uint32_t rank) {
                if (label == own || label == protected_entry) return;
                const float cost =
                    static_cast<float>(distortion(pixel, label)) + rate_weight * bits;
                if (cost < best_cost) {
                  best_cost = cost;
                  best = label;
                  best_group = group;
                  best_rank = rank;
                }
              };
              for (int g = 0; g < near.count; ++g) {
                consider(near.candidate[g], symbol_bits[static_cast<std::size_t>(g)], g, 0);
              }
              // The colours nearest W's among the unseen ones are the cheapest literals.
              const std::uint32_t literals = k - static_cast<std::uint32_t>(near.count);
              for (std::uint32_t rank = 0; rank < std::min<std::uint32_t>(2, literals); ++rank) {
                consider(ranking.label_of_ranked_literal(rank, near),
                         symbol_bits[unseen] + literal_bits[rank], -1, rank);
              }
              decided[i] = static_cast<std::uint16_t>(best);
              if (!counts_here) continue;
              if (best_group >= 0) {
                ++counts.symbols[context][static_cast<std::size_t>(best_group)];
              } else {
                ++counts.symbols[context][unseen];
                ++counts.literals[unseen - 1][best_rank];
              }
            }
          }
        });
    count_band_tops(decided, width, height, ranking, threads, per_band);
    counted = SymbolCounts{};
    for (const SymbolCounts& band : per_band) counted.add(band);
    previous.swap(decided);
  }
  RateDistortionLabels result;
  result.expected_bits = entropy_of(counted);
  result.indices = std::move(previous);
  return result;
}

RateDistortionLabels rate_distortion_labels(std::span<const std::uint8_t> samples,
                                            std::size_t width, std::size_t height, int channels,
                                            std::span<const std::uint8_t> palette,
                                            std::span<const std::uint16_t> nearest, double lambda,
                                            std::uint32_t protected_entry, const Workers& threads) {
  return RateDistortionMapper(samples, width, height, channels, palette, nearest, protected_entry,
                              threads)
      .map(lambda);
}

double expected_label_bits(std::span<const std::uint16_t> indices, std::size_t width,
                           std::size_t height, std::span<const std::uint8_t> palette, int channels,
                           const Workers& threads) {
  ColorRanking ranking(palette, channels);
  ranking.sort_all_rows(threads);
  return entropy_of(count_symbols(indices, width, height, ranking, threads));
}

}  // namespace kmq::detail
