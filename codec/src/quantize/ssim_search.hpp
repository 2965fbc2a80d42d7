// SPDX-License-Identifier: MIT
// An SSIM target (TargetOptions::target_ssim), met through the MSE target that gives it.
#pragma once

#include <functional>
#include <kmq/kmq.hpp>

#include "quantize/stages.hpp"

namespace kmq::detail {

/// Stages 2 and 3 for options whose quality target is an MSE (target_ssim 0).
using QuantizeAtTarget =
    std::function<IndexedImage(const ColorStatistics&, const EncodeOptions&, QuantizeStats*)>;

/// The smallest file whose SSIM against the statistics' image reaches options.target_ssim (and
/// which meets target_psnr / max_mse when set), each trial made by `quantize_at`. Throws
/// Error(target_not_met) when no K up to options.colors (or the fixed palette) reaches it.
IndexedImage meet_ssim_target(const ColorStatistics& statistics, const EncodeOptions& options,
                              const QuantizeAtTarget& quantize_at, QuantizeStats* stats_out);

}  // namespace kmq::detail
