// SPDX-License-Identifier: MIT
// Per-format readers behind kmq::io::read_image, and checks they share.
#pragma once

#include <cstdint>
#include <kmq/io.hpp>
#include <span>
#include <string>

namespace kmq::io {

/// Readers that finish rows early tell ReadOptions::on_rows about them this many at a time.
inline constexpr unsigned kRowsPerReport = 32;

Image read_png(std::span<const std::uint8_t> bytes, const ReadOptions& options);
Image read_jpeg(std::span<const std::uint8_t> bytes, const ReadOptions& options);
Image read_pnm(std::span<const std::uint8_t> bytes, const ReadOptions& options);

/// Refuses an image larger than the limits before anything is allocated for it.
inline void check_pixel_limit(const char* format, std::uint64_t width, std::uint64_t height,
                              std::uint64_t max_pixels) {
  if (width == 0 || height == 0 || width > kMaxDimension || height > kMaxDimension) {
    throw Error(ErrorCategory::corrupt_file, std::string(format) + ": image size " +
                                                 std::to_string(width) + "x" +
                                                 std::to_string(height) + " is not supported");
  }
  if (width * height > max_pixels || width * height > kMaxPixelCount) {
    throw Error(ErrorCategory::limit_exceeded,
                std::string(format) + ": image of " + std::to_string(width) + "x" +
                    std::to_string(height) + " pixels exceeds the limit of " +
                    std::to_string(std::min<std::uint64_t>(max_pixels, kMaxPixelCount)) +
                    " pixels");
  }
}

}  // namespace kmq::io
