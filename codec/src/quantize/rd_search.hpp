// SPDX-License-Identifier: MIT
// A quality target met by the smallest file: K and the rate-distortion lambda searched together.
// A larger palette with labels chosen for their cost beats the smallest palette that meets the
// target with nearest labels (eveningglow at 30 dB: K = 64 and lambda 96 make 0.75x the bytes of
// K = 40). Trials run on a sample of row bands with the rate model's bits, so that the search
// stays within twice the K-only search's time.
#pragma once

#include <kmq/kmq.hpp>

#include "quantize/stages.hpp"

namespace kmq::detail {

struct RateTargetChoice {
  PaletteChoice palette;
  double lambda = 0;
  int trials = 0;  // palettes clustered
};

/// The palette and lambda expected to give the fewest label and palette bits with an MSE of at
/// most `wanted_mse`, starting from the smallest K that meets it with nearest labels (found as
/// smallest_k_meeting() finds it, which throws Error(target_not_met) when no K does). The
/// statistics' histogram must hold its index. The caller maps with the lambda and checks the
/// MSE reached (the sample estimates it): see lambda_fallbacks().
RateTargetChoice smallest_file_meeting(const ColorStatistics& statistics,
                                       const ClusteringOptions& clustering,
                                       const MappingOptions& mapping, double wanted_mse);

/// For a size budget: the smallest lambda in 1..1024 whose estimated label and palette bits for
/// `palette` (the rate model's, on the same sample of rows) are at most `wanted_bits`; 1024 when
/// none is. The statistics' histogram must hold its index.
double smallest_lambda_fitting(const ColorStatistics& statistics, PaletteChoice palette,
                               double wanted_bits);

/// The rate model's estimate of the label and palette bits of `palette`'s nearest labels, on
/// that sample: what a size budget is calibrated with.
double nearest_label_bits(const ColorStatistics& statistics, PaletteChoice palette);

/// The lambda to try after `lambda` missed the target on the whole image (0 at the end).
double lower_lambda(double lambda);

}  // namespace kmq::detail
