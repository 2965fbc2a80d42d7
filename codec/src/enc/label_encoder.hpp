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

/// Returns the LABL payload (method byte + method data) for the index map of a checked image
/// (every index < K). Method 2 needs K <= 256.
std::vector<std::uint8_t> encode_labels(const IndexedImage& indexed, LabelCoding method,
                                        const LabelEncoderSettings& settings);

}  // namespace kmq::detail
