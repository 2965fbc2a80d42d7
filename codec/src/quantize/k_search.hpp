// SPDX-License-Identifier: MIT
// Automatic K: the smallest K whose palette meets a quality target, or the largest whose file
// fits a size, searched by doubling to bracket the answer and then bisecting, so a target near
// K costs about 2 log2 K trials instead of K. Both searches live here; the file size is a test
// the encoder hands in, so this module knows nothing of files.
#pragma once

#include <functional>
#include <kmq/kmq.hpp>
#include <map>
#include <optional>

#include "quantize/stages.hpp"

namespace kmq::detail {

/// Smallest K in [1, limit] for which `meets(K)` holds, assuming that once it holds it holds
/// for every larger K. Returns nothing when even `limit` fails. Each K is tried at most once.
std::optional<int> smallest_meeting(int limit, const std::function<bool(int)>& meets);

/// Largest K in [1, limit] for which `fits(K)` holds, assuming that once it fails it fails
/// for every larger K. Returns nothing when even K = 1 does not fit.
std::optional<int> largest_fitting(int limit, const std::function<bool(int)>& fits);

/// The palette of the smallest K (up to clustering.colors and the image's colour count) whose
/// MSE, mapped as `mapping` maps (dithered when it dithers), is at most `wanted_mse`. `trials`
/// counts the K tried. Throws Error(target_not_met) naming the best MSE reached.
/// `larger_meeting`, when given, receives the palettes of the larger K tried that met it too.
PaletteChoice smallest_k_meeting(const ColorStatistics& statistics,
                                 const ClusteringOptions& clustering, const MappingOptions& mapping,
                                 double wanted_mse, int& trials,
                                 std::map<int, PaletteChoice>* larger_meeting = nullptr);

/// The largest K (up to clustering.colors and the image's colour count) whose palette passes
/// `fits(K, palette)`: the encoder's test that the file made from it fits. Returns nothing when
/// even K = 1 fails; `trials` counts the K tried.
std::optional<int> largest_k_fitting(const ColorStatistics& statistics,
                                     const ClusteringOptions& clustering,
                                     const std::function<bool(int, const PaletteChoice&)>& fits,
                                     int& trials);

}  // namespace kmq::detail
