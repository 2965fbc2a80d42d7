// SPDX-License-Identifier: MIT
// Search over K for automatic palette sizes: doubling to bracket the answer, then bisection,
// so a target near K costs about 2 log2 K trials instead of K.
#pragma once

#include <functional>
#include <optional>

namespace kmq::detail {

/// Smallest K in [1, limit] for which `meets(K)` holds, assuming that once it holds it holds
/// for every larger K. Returns nothing when even `limit` fails. Each K is tried at most once.
inline std::optional<int> smallest_meeting(int limit, const std::function<bool(int)>& meets) {
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

/// Largest K in [1, limit] for which `fits(K)` holds, assuming that once it fails it fails
/// for every larger K. Returns nothing when even K = 1 does not fit.
inline std::optional<int> largest_fitting(int limit, const std::function<bool(int)>& fits) {
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

}  // namespace kmq::detail
