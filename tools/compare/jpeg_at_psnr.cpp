// SPDX-License-Identifier: MIT
#include "jpeg_at_psnr.hpp"

#include <kmq/io.hpp>

namespace kmq::compare {

const JpegPoint& JpegQualitySearch::at_quality(int quality) {
  const auto found = tried_.find(quality);
  if (found != tried_.end()) return found->second;
  const std::vector<std::uint8_t> jpeg = io::write_jpeg(original_, quality);
  const Image decoded = io::read_image(jpeg);
  JpegPoint point;
  point.quality = quality;
  point.bytes = jpeg.size();
  point.psnr = psnr(original_, decoded);
  return tried_.emplace(quality, point).first->second;
}

JpegPoint JpegQualitySearch::lowest_quality_reaching(double target_psnr) {
  // Invariant: every quality below `low` misses the target; `high` reaches it (or is 100).
  int low = 1, high = 100;
  while (low < high) {
    const int middle = low + (high - low) / 2;
    if (at_quality(middle).psnr >= target_psnr) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  JpegPoint point = at_quality(low);
  point.reached = point.psnr >= target_psnr;
  return point;
}

}  // namespace kmq::compare
