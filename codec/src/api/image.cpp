// SPDX-License-Identifier: MIT
// kmq::Image construction with its size checks.
#include <kmq/kmq.hpp>
#include <string>

namespace kmq {

Image::Image(int width, int height, int channels) {
  if (width < 1 || height < 1 || static_cast<std::uint64_t>(width) > kMaxDimension ||
      static_cast<std::uint64_t>(height) > kMaxDimension) {
    throw Error(ErrorCategory::bad_input, "image size " + std::to_string(width) + "x" +
                                              std::to_string(height) + " is outside 1.." +
                                              std::to_string(kMaxDimension));
  }
  if (static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) > kMaxPixelCount) {
    throw Error(ErrorCategory::limit_exceeded,
                "image of " + std::to_string(width) + "x" + std::to_string(height) +
                    " pixels exceeds the format limit of 2^30 pixels");
  }
  if (channels != 3 && channels != 4) {
    throw Error(ErrorCategory::bad_input,
                "images have 3 (RGB) or 4 (RGBA) channels, not " + std::to_string(channels));
  }
  width_ = width;
  height_ = height;
  channels_ = channels;
  pixels_.assign(pixel_count() * static_cast<std::size_t>(channels), 0);
}

}  // namespace kmq
