// SPDX-License-Identifier: MIT
// kmqenc's work on one file (read, quantize, code, write unless skipped) and the shared palette
// it can use for all of them.
#pragma once

#include <exception>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <string>

#include "kmqenc_request.hpp"

namespace kmq::tools {

/// What happened to one input, for the reports.
struct FileResult {
  std::string input, output;
  bool ok = false, skipped = false;
  std::string error;
  int exit_code = 0;
  std::size_t input_bytes = 0, output_bytes = 0;
  kmq::QuantizeStats stats;
  double psnr = 0, seconds = 0;
  // Where the time went (single-K path only): reading the input, quantizing, coding the labels.
  double read_seconds = 0, quantize_seconds = 0, code_seconds = 0;
  int width = 0, height = 0, channels = 0;
  double label_bits_per_pixel = 0;
  kmq::Metadata metadata;
  std::exception_ptr failure;  ///< what made the file fail, for callers that rethrow it
};

/// Encodes `input` into `output` as the request asks, with `options` (the request's, with this
/// file's share of the threads). Never throws: failures are in the result.
FileResult encode_one(const std::string& input, const std::string& output,
                      const EncodeRequest& request, const EncodeOptions& options,
                      const io::WarningHandler& warn);

/// Quantizes and codes pixels as kmqenc does once it has read them (--strip, the format, a size
/// target), filling in the result's image, statistics, PSNR and bits per pixel. `counted`:
/// the colours, counted while the image was read, or nullptr. Throws Error.
std::vector<std::uint8_t> encode_pixels(kmq::Image&& image, const EncodeRequest& settings,
                                        const kmq::EncodeOptions& options,
                                        const kmq::io::WarningHandler& warn, FileResult& result,
                                        kmq::ColorCounter* counted);

/// Reads --palette's file into the request's options (a .kmq file's palette, or an image's
/// colours), when one is named.
void load_fixed_palette(EncodeRequest& request);

/// Replaces the request's clustering by one palette for every input, clustered from all their
/// pixels; with a target, the K at which every file meets it. Throws Error(target_not_met)
/// naming the file that falls short when no K does: nothing is written then.
void use_shared_palette(EncodeRequest& request);

/// "2.70 MB".
std::string megabytes(std::size_t bytes);

}  // namespace kmq::tools
