// SPDX-License-Identifier: MIT
// The two K searches of automatic K, over colour statistics shared by every trial.
#include "quantize/k_search.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <string>

namespace kmq::detail {

namespace {

std::string format_db(double mse) {
  char text[64];
  if (mse <= 0) return "lossless";
  std::snprintf(text, sizeof text, "%.2f dB (MSE %.4g)", 10 * std::log10(255.0 * 255.0 / mse), mse);
  return text;
}

}  // namespace

std::optional<int> smallest_meeting(int limit, const std::function<bool(int)>& meets) {
  int failing = 0;  // largest K known to fail
  int k = 1;
  for (;;) {
    if (meets(k)) break;
    failing = k;
    if (k == limit) return std::nullopt;
    k = k > limit / 2 ? limit : 2 * k;
  }
  int meeting = k;
  while (meeting - failing > 1) {
    const int middle = failing + (meeting - failing) / 2;
    (meets(middle) ? meeting : failing) = middle;
  }
  return meeting;
}

std::optional<int> largest_fitting(int limit, const std::function<bool(int)>& fits) {
  if (!fits(1)) return std::nullopt;
  int fitting = 1;
  int failing = 0;  // 0: none found yet
  int k = 1;
  while (failing == 0) {
    if (k == limit) return limit;
    k = k > limit / 2 ? limit : 2 * k;
    (fits(k) ? fitting : failing) = k;
  }
  while (failing - fitting > 1) {
    const int middle = fitting + (failing - fitting) / 2;
    (fits(middle) ? fitting : failing) = middle;
  }
  return fitting;
}

PaletteChoice smallest_k_meeting(const ColorStatistics& statistics,
                                 const ClusteringOptions& clustering, const MappingOptions& mapping,
                                 double wanted_mse, int& trials,
                                 std::map<int, PaletteChoice>* larger_meeting) {
  // Each K is clustered at most once; its MSE is measured as the image will be mapped.
  std::map<int, std::pair<PaletteChoice, double>> tried;
  auto meets = [&](int k) {
    auto found = tried.find(k);
    if (found == tried.end()) {
      PaletteChoice candidate = cluster_palette(statistics, k, clustering);
      const double mse = mapped_mse(statistics, candidate, mapping);
      found = tried.emplace(k, std::make_pair(std::move(candidate), mse)).first;
    }
    return found->second.second <= wanted_mse;
  };
  const int limit = std::min(statistics.exact_colors(), clustering.colors);
  const std::optional<int> k = smallest_meeting(limit, meets);
  trials = static_cast<int>(tried.size());
  if (!k) {
    throw Error(ErrorCategory::target_not_met, "the quality target " + format_db(wanted_mse) +
                                                   " cannot be met: the best reachable with K <= " +
                                                   std::to_string(clustering.colors) + " is " +
                                                   format_db(tried.at(limit).second));
  }
  if (larger_meeting) {
    for (auto& [tried_k, palette_and_mse] : tried) {
      if (tried_k > *k && palette_and_mse.second <= wanted_mse)
        larger_meeting->emplace(tried_k, std::move(palette_and_mse.first));
    }
  }
  return std::move(tried.at(*k).first);
}

std::optional<int> largest_k_fitting(const ColorStatistics& statistics,
                                     const ClusteringOptions& clustering,
                                     const std::function<bool(int, const PaletteChoice&)>& fits,
                                     int& trials) {
  std::map<int, bool> tried;
  auto fits_at = [&](int k) {
    auto found = tried.find(k);
    if (found == tried.end()) {
      found = tried.emplace(k, fits(k, cluster_palette(statistics, k, clustering))).first;
    }
    return found->second;
  };
  const std::optional<int> k =
      largest_fitting(std::min(statistics.exact_colors(), clustering.colors), fits_at);
  trials = static_cast<int>(tried.size());
  return k;
}

}  // namespace kmq::detail
