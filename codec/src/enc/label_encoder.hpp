// SPDX-License-Identifier: MIT
// Label stream encoding: the index map as the payload of a LABL chunk (format-spec §5).
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <vector>

#include "common/format_constants.hpp"

namespace kmq::detail {

struct LabelEncoderSettings {
  int level = kTunedLevel;  // zstd level, or kTunedLevel for kmq's own parameters
  int threads = 1;
  std::size_t width = 0;  // image width: methods 1 and 2 need the rows
};

/// An index map transformed by one coding method, before zstd: method 0's serialised indices
/// (one stream) or the context streams of methods 1 and 2. Modelling once lets the encoder try
/// several zstd settings on the same streams.
struct LabelStreams {
  LabelCoding method = LabelCoding::zstd_raw;
  std::vector<std::vector<std::uint8_t>> streams;
};

/// Models the index map of a checked image (every index < K) with `method`; settings.level is
/// not used. Method 2 needs K <= 256.
LabelStreams model_labels(const IndexedImage& indexed, LabelCoding method,
                          const LabelEncoderSettings& settings);

/// The LABL payload (method byte + method data) of modelled streams at settings.level.
std::vector<std::uint8_t> compress_labels(const LabelStreams& modelled,
                                          const LabelEncoderSettings& settings);

/// model_labels() then compress_labels().
std::vector<std::uint8_t> encode_labels(const IndexedImage& indexed, LabelCoding method,
                                        const LabelEncoderSettings& settings);

}  // namespace kmq::detail
