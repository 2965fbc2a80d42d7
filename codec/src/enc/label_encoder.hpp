// SPDX-License-Identifier: MIT
// Label stream encoding: the index map as the payload of a LABL chunk (format-spec §5).
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <vector>

#include "common/parallel.hpp"
#include "format/format_constants.hpp"

namespace kmq::detail {

/// At the tuned level, a stream of methods 1 and 2 that zstd level 1 leaves above this fraction
/// of its size is entropy-bound: the optimal parser finds no repeats worth its time there, so
/// the level-1 frame is kept. On the corpus (method 2's streams of eveningglow, path and coffee
/// at K = 16, 64, 256), 0.6 with the smaller of the two frames kept elsewhere gave files
/// 0.0-0.1 % smaller than the optimal parser alone, in 45-65 % less time at K = 64 and 256;
/// 0.5 (effort 2) costs 0.02-0.25 % more bytes and skips most of the remaining work at K = 256.
inline constexpr double kTunedEntropyBound = 0.6;
inline constexpr double kQuickEntropyBound = 0.5;

struct LabelEncoderSettings {
  int level = kTunedLevel;                    // zstd level, or kTunedLevel for kmq's own parameters
  double entropy_bound = kTunedEntropyBound;  // see kTunedEntropyBound
  Workers threads;
  std::size_t width = 0;  // image width: methods 1 to 3 need the rows
  std::size_t tiles = 1;  // method 3's tile count, 1 to min(255, width)
};

/// An index map transformed by one coding method, before zstd: method 0's serialised indices
/// (one stream) or the context streams of methods 1 and 2. Modelling once lets the encoder try
/// several zstd settings on the same streams.
struct LabelStreams {
  LabelCoding method = LabelCoding::zstd_raw;
  std::vector<std::vector<std::uint8_t>> streams;
  // Method 3: symbols or literals of stream s that tile t holds, at t * streams.size() + s.
  std::vector<std::uint32_t> tile_sizes;
};

/// Models the index map of a checked image (every index < K) with `method`; settings.level is
/// not used. Methods 2 and 3 need K <= 256.
LabelStreams model_labels(const IndexedImage& indexed, LabelCoding method,
                          const LabelEncoderSettings& settings);

/// The LABL payload (method byte + method data) of modelled streams at settings.level.
std::vector<std::uint8_t> compress_labels(const LabelStreams& modelled,
                                          const LabelEncoderSettings& settings);

/// The size of compress_labels(modelled, settings), measured through zstd's streaming interface
/// without keeping the frames (a trial's measure): exact where every stream fits the level's
/// window, within a fraction of a percent where one outgrows it (measured: -0.03 to +0.8 %).
std::size_t compressed_labels_size(const LabelStreams& modelled,
                                   const LabelEncoderSettings& settings);

/// compressed_labels_size() of method 0's streams of `indexed`, without serialising the whole
/// index map first.
std::size_t raw_labels_size(const IndexedImage& indexed, const LabelEncoderSettings& settings);

/// model_labels() then compress_labels().
std::vector<std::uint8_t> encode_labels(const IndexedImage& indexed, LabelCoding method,
                                        const LabelEncoderSettings& settings);

}  // namespace kmq::detail
