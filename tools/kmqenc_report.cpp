// SPDX-License-Identifier: MIT
// kmqenc's reports on standard error and its JSON on standard output.
#include "kmqenc_report.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "tool_common.hpp"

namespace kmq::tools {

namespace {

std::string describe_metadata(const kmq::Metadata& m) {
  std::string text;
  auto add = [&](const std::string& item) { text += (text.empty() ? "" : ", ") + item; };
  if (!m.icc_profile.empty()) add("ICC profile (" + std::to_string(m.icc_profile.size()) + " B)");
  if (!m.exif.empty()) add("Exif (" + std::to_string(m.exif.size()) + " B)");
  if (!m.xmp.empty()) add("XMP (" + std::to_string(m.xmp.size()) + " B)");
  if (!m.text.empty()) add(std::to_string(m.text.size()) + " text entries");
  if (m.srgb_intent) add("sRGB");
  if (m.gamma) add("gamma");
  if (m.chromaticities) add("chromaticities");
  if (m.density) add("pixel density");
  return text.empty() ? "none" : text;
}

void report_verbose(const FileResult& r, const EncodeRequest& settings) {
  const kmq::EncodeOptions& e = settings.encode;
  const bool sampled =
      e.sample_pixels > 0 &&
      static_cast<std::uint64_t>(r.width) * static_cast<std::uint64_t>(r.height) > e.sample_pixels;
  std::fprintf(stderr, "kmqenc: %s: %dx%d, %d channels, %zu distinct colours%s, %zu bytes\n",
               r.input.c_str(), r.width, r.height, r.channels, r.stats.distinct_colors,
               sampled ? " in the sample" : "", r.input_bytes);
  std::fprintf(stderr, "kmqenc: method %s, space %s, K=%d, %d iterations, inertia %.6g",
               e.fixed_palette.empty() ? kmq::method_name(e.method) : "fixed-palette",
               settings.space_name.c_str(), r.stats.colors, r.stats.iterations, r.stats.inertia);
  if (e.method == kmq::Method::gmm && e.fixed_palette.empty()) {
    std::fprintf(stderr, ", log-likelihood %.5f per pixel", r.stats.log_likelihood);
  }
  std::fprintf(stderr, "\nkmqenc: psnr %.3f dB (mse %.4f)%s\n", r.psnr, r.stats.mse,
               e.dither > 0 ? ", dithered" : "");
  std::fprintf(stderr, "kmqenc: metadata: %s\n", describe_metadata(r.metadata).c_str());
  std::fprintf(stderr, "kmqenc: output %s (%s): %zu bytes (%.2f%% of input)", r.output.c_str(),
               format_name(settings.format), r.output_bytes,
               100.0 * static_cast<double>(r.output_bytes) / static_cast<double>(r.input_bytes));
  if (settings.format == OutputFormat::kmq) {
    std::fprintf(stderr, ", labels %.4f bits/pixel", r.label_bits_per_pixel);
  }
  std::fprintf(stderr, "\nkmqenc: time %.1f ms", r.seconds * 1000);
  if (r.quantize_seconds > 0) {
    std::fprintf(stderr, " (read %.1f, quantize %.1f, code %.1f)", r.read_seconds * 1000,
                 r.quantize_seconds * 1000, r.code_seconds * 1000);
  }
  std::fprintf(stderr, "\n");
}

}  // namespace

void print_json(const std::vector<FileResult>& results, const EncodeRequest& settings) {
  std::printf("[\n");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const FileResult& r = results[i];
    std::printf("  {\"input\": %s, \"output\": %s, \"ok\": %s", json_string(r.input).c_str(),
                json_string(r.output).c_str(), r.ok ? "true" : "false");
    if (r.ok || r.skipped) {
      std::printf(
          ", \"format\": \"%s\", \"bytes\": %zu, \"input_bytes\": %zu, \"colors\": %d, "
          "\"psnr\": %s, \"mse\": %.6f, \"label_bits_per_pixel\": %.5f, \"seconds\": %.4f",
          format_name(settings.format), r.output_bytes, r.input_bytes, r.stats.colors,
          std::isfinite(r.psnr) ? std::to_string(r.psnr).c_str() : "null", r.stats.mse,
          r.label_bits_per_pixel, r.seconds);
    }
    if (r.skipped) std::printf(", \"skipped\": true");
    if (!r.ok) std::printf(", \"error\": %s", json_string(r.error).c_str());
    std::printf("}%s\n", i + 1 < results.size() ? "," : "");
  }
  std::printf("]\n");
}

void report_file(const FileResult& result, const EncodeRequest& settings, bool notices) {
  const FileResult& r = result;
  const EncodeOptions& encode = settings.encode;
  if (r.skipped) {
    if (!settings.quiet) std::fprintf(stderr, "kmqenc: %s: %s\n", r.input.c_str(), r.error.c_str());
    return;
  }
  if (!r.ok) {
    std::fprintf(stderr, "kmqenc: error: %s: %s\n", r.input.c_str(), r.error.c_str());
    return;
  }
  if (settings.verbose) {
    report_verbose(r, settings);
  } else if (!settings.quiet && settings.counted_target && encode.fixed_palette.empty()) {
    std::fprintf(stderr, "kmqenc: %s: chose K=%d after %d trials\n", r.input.c_str(),
                 r.stats.colors, r.stats.trials);
  }
  if (notices && r.output_bytes > r.input_bytes) {
    std::fprintf(stderr,
                 "kmqenc: note: %s (%s) is larger than %s (%s); --skip-if-larger would "
                 "not have written it\n",
                 r.output.c_str(), megabytes(r.output_bytes).c_str(), r.input.c_str(),
                 megabytes(r.input_bytes).c_str());
  }
}

}  // namespace kmq::tools
