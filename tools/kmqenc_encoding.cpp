// SPDX-License-Identifier: MIT
// One kmqenc input to one output, and the shared palette.
#include "kmqenc_encoding.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "output_plan.hpp"
#include "tool_common.hpp"

namespace kmq::tools {

namespace {

double seconds_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

}  // namespace

std::string megabytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

std::vector<std::uint8_t> encode_pixels(kmq::Image&& image, const EncodeRequest& settings,
                                        const kmq::EncodeOptions& options,
                                        const kmq::io::WarningHandler& warn, FileResult& result,
                                        kmq::ColorCounter* counted) {
  if (settings.strip) image.metadata() = {};
  result.width = image.width();
  result.height = image.height();
  result.channels = image.channels();
  result.metadata = image.metadata();
  const auto pixels = static_cast<double>(image.pixel_count());
  std::vector<std::uint8_t> file;
  if (options.max_bytes == 0) {
    // As kmq::encode() does, but the pixels are released before the labels are coded.
    const auto quantize_start = std::chrono::steady_clock::now();
    const kmq::IndexedImage indexed =
        counted != nullptr ? kmq::quantize(image, std::move(*counted), options, &result.stats)
                           : kmq::quantize(image, options, &result.stats);
    result.quantize_seconds = seconds_since(quantize_start);
    image = kmq::Image();
    const auto code_start = std::chrono::steady_clock::now();
    file = settings.format == OutputFormat::png ? kmq::io::write_png(indexed, warn)
                                                : kmq::encode_indexed(indexed, options);
    result.code_seconds = seconds_since(code_start);
  } else {
    file = kmq::encode(image, options, &result.stats);  // tries several K on the pixels
  }
  result.output_bytes = file.size();
  result.psnr = result.stats.mse > 0 ? 10 * std::log10(255.0 * 255.0 / result.stats.mse) : INFINITY;
  if (settings.format == OutputFormat::kmq) {
    result.label_bits_per_pixel =
        8.0 * static_cast<double>(kmq::inspect(file).label_bytes) / pixels;
  }
  return file;
}

// Reads, quantizes and codes one image; the output is written unless --skip-if-larger skips it.
static void encode_file(FileResult& result, const EncodeRequest& settings,
                        const kmq::EncodeOptions& options, const kmq::io::WarningHandler& warn) {
  const auto start = std::chrono::steady_clock::now();
  check_output_path(result.input, result.output, settings.force);
  // The encoded input is dropped as soon as it is decoded: quantizing does not need it.
  // Without a size target the colours are counted on another thread while rows decode,
  // unless only a sample of them is clustered.
  const bool count_while_reading = options.max_bytes == 0 && options.sample_pixels == 0;
  kmq::ColorCounter counter(options.threads);
  kmq::Image image = [&] {
    const std::vector<std::uint8_t> bytes = kmq::io::read_file(result.input);
    result.input_bytes = bytes.size();
    kmq::io::ReadOptions read_options;
    read_options.max_pixels = settings.max_pixels;
    read_options.warn = settings.strip ? kmq::io::WarningHandler() : warn;
    if (count_while_reading) {
      read_options.on_rows = [&](const kmq::Image& rows, int first, int end) {
        counter.rows_ready(rows, first, end);
      };
    }
    return kmq::io::read_image(bytes, read_options);
  }();
  result.read_seconds = seconds_since(start);
  const std::vector<std::uint8_t> file = encode_pixels(
      std::move(image), settings, options, warn, result, count_while_reading ? &counter : nullptr);
  if (settings.skip_if_larger && file.size() > result.input_bytes) {
    result.skipped = true;
    result.exit_code = kExitSkippedLarger;
    result.error = "not written: " + megabytes(file.size()) + " would be larger than the input's " +
                   megabytes(result.input_bytes) + " (--skip-if-larger)";
  } else {
    write_output(result.output, file);
    result.ok = true;
  }
  result.seconds = seconds_since(start);
}

FileResult encode_one(const std::string& input, const std::string& output,
                      const EncodeRequest& settings, const kmq::EncodeOptions& options,
                      const kmq::io::WarningHandler& warn) {
  FileResult result;
  result.input = input;
  result.output = output;
  try {
    encode_file(result, settings, options, warn);
  } catch (const std::exception& e) {
    result.ok = false;
    result.error = e.what();
    result.exit_code = exit_code_of(e);
    result.failure = std::current_exception();
  }
  return result;
}

void load_fixed_palette(EncodeRequest& request) {
  if (request.palette_file.empty()) return;
  const io::Palette fixed =
      io::read_palette(io::read_file(request.palette_file), request.max_pixels);
  request.encode.fixed_palette = fixed.entries;
  request.encode.fixed_palette_channels = fixed.channels;
}

// One palette for every input, clustered from all their pixels; with a target, the K at which
// every file meets it. Nothing is written when no K does.
void use_shared_palette(EncodeRequest& settings) {
  const std::vector<std::string>& inputs = settings.inputs;
  std::vector<kmq::Image> images;
  for (const std::string& input : inputs) {
    try {
      images.push_back(
          kmq::io::read_image(kmq::io::read_file(input), {.max_pixels = settings.max_pixels}));
    } catch (const kmq::Error& e) {
      throw kmq::Error(e.category(), input + ": " + e.message());
    }
  }
  kmq::EncodeOptions& options = settings.encode;
  const kmq::SharedPalette shared = kmq::shared_palette(images, options);
  if (!shared.met) {
    const std::string& worst = inputs[shared.worst_image];
    const std::string reached =
        options.max_bytes > 0
            ? std::to_string(static_cast<std::uint64_t>(shared.worst_value)) + " bytes"
            : (shared.worst_value > 0
                   ? std::to_string(10 * std::log10(255.0 * 255.0 / shared.worst_value)) + " dB"
                   : std::string("lossless"));
    throw kmq::Error(kmq::ErrorCategory::target_not_met,
                     "--shared-palette: no palette of at most " + std::to_string(options.colors) +
                         " colours meets the target for every file; with " +
                         std::to_string(shared.colors) + " colours '" + worst + "' reaches " +
                         reached + " (nothing written)");
  }
  if (!settings.quiet && settings.counted_target) {
    std::fprintf(stderr, "kmqenc: shared palette: chose K=%d after %d trials\n", shared.colors,
                 shared.trials);
  }
  options.fixed_palette = shared.palette;
  options.fixed_palette_channels = shared.channels;
  // Each file is mapped to the shared palette; the target was checked for all of them.
  options.target_psnr = options.max_mse = 0;
  options.max_bytes = 0;
}

}  // namespace kmq::tools
