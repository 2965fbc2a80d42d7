// SPDX-License-Identifier: MIT
// The smallest JPEG of an image that reaches a given PSNR: a search over the JPEG quality.
#pragma once

#include <cstddef>
#include <kmq/kmq.hpp>
#include <map>

namespace kmq::compare {

struct JpegPoint {
  int quality = 0;
  std::size_t bytes = 0;
  double psnr = 0;
  bool reached = false;  ///< false when even quality 100 falls short of the target
};

/// Remembers every quality it has tried, so that searches for several targets on one image
/// (one per K) share their encodes.
class JpegQualitySearch {
 public:
  explicit JpegQualitySearch(const Image& original) : original_(original) {}

  /// The lowest quality 1..100 whose PSNR is at least `target_psnr` (PSNR grows with quality,
  /// so a bisection finds it); quality 100 with reached = false when none does.
  JpegPoint lowest_quality_reaching(double target_psnr);

 private:
  const JpegPoint& at_quality(int quality);

  const Image& original_;
  std::map<int, JpegPoint> tried_;
};

}  // namespace kmq::compare
