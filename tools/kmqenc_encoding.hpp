// SPDX-License-Identifier: MIT
// kmqenc's work on one file (read, quantize, code, write unless skipped) and the shared palette
// it can use for all of them.
#pragma once

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
};

/// Encodes `input` into `output` as the request asks, with `options` (the request's, with this
/// file's share of the threads). Never throws: failures are in the result.
FileResult encode_one(const std::string& input, const std::string& output,
                      const EncodeRequest& request, const EncodeOptions& options,
                      const io::WarningHandler& warn);

/// Replaces the request's clustering by one palette for every input, clustered from all their
/// pixels; with a target, the K at which every file meets it. Throws Error(target_not_met)
/// naming the file that falls short when no K does: nothing is written then.
void use_shared_palette(EncodeRequest& request);

/// "2.70 MB".
std::string megabytes(std::size_t bytes);

}  // namespace kmq::tools
