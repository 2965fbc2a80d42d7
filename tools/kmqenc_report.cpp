// SPDX-License-Identifier: MIT
// kmqenc's reports on standard error and its JSON on standard output.
#include "kmqenc_report.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
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
  char ssim[32] = "";
  if (r.stats.ssim > 0) std::snprintf(ssim, sizeof ssim, ", ssim %.5f", r.stats.ssim);
  std::fprintf(stderr, "\nkmqenc: psnr %.3f dB (mse %.4f)%s%s\n", r.psnr, r.stats.mse, ssim,
               e.dither == 0                               ? ""
               : e.dither_kind == kmq::DitherKind::ordered ? ", ordered dithering"
                                                           : ", dithered");
  if (r.stats.rd_lambda > 0) {
    const double pixels = static_cast<double>(r.width) * static_cast<double>(r.height);
    std::fprintf(stderr, "kmqenc: rd lambda %.4g: the rate model expected %.4f label bits/pixel\n",
                 r.stats.rd_lambda, r.stats.expected_label_bits / pixels);
  }
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

std::vector<ResultField> result_fields(const FileResult& r, const EncodeRequest& settings) {
  using Number = ResultField::Number;
  std::vector<ResultField> fields{{"input", r.input}, {"output", r.output}, {"ok", r.ok}};
  if (r.ok || r.skipped) {
    const std::optional<double> psnr =
        std::isfinite(r.psnr) ? std::optional<double>(r.psnr) : std::nullopt;
    fields.push_back({"format", std::string(format_name(settings.format))});
    fields.push_back({"bytes", r.output_bytes});
    fields.push_back({"input_bytes", r.input_bytes});
    fields.push_back({"colors", static_cast<std::size_t>(r.stats.colors)});
    fields.push_back({"psnr", Number{psnr, 6}});
    fields.push_back({"mse", Number{r.stats.mse, 6}});
    if (r.stats.ssim > 0) fields.push_back({"ssim", Number{r.stats.ssim, 6}});
    fields.push_back({"label_bits_per_pixel", Number{r.label_bits_per_pixel, 5}});
    if (r.stats.rd_lambda > 0) {
      const double pixels = static_cast<double>(r.width) * static_cast<double>(r.height);
      fields.push_back({"rd_lambda", Number{r.stats.rd_lambda, 4}});
      fields.push_back(
          {"expected_label_bits_per_pixel", Number{r.stats.expected_label_bits / pixels, 5}});
    }
    fields.push_back({"seconds", Number{r.seconds, 4}});
  }
  if (r.skipped) fields.push_back({"skipped", true});
  if (!r.ok) fields.push_back({"error", r.error});
  return fields;
}

void print_json(const std::vector<FileResult>& results, const EncodeRequest& settings) {
  std::printf("[\n");
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::string line = "  {";
    for (const ResultField& field : result_fields(results[i], settings)) {
      if (line.size() > 3) line += ", ";
      line += json_string(field.name) + ": ";
      if (const bool* flag = std::get_if<bool>(&field.value)) {
        line += *flag ? "true" : "false";
      } else if (const std::size_t* count = std::get_if<std::size_t>(&field.value)) {
        line += std::to_string(*count);
      } else if (const auto* number = std::get_if<ResultField::Number>(&field.value)) {
        char text[64] = "null";
        if (number->value)
          std::snprintf(text, sizeof text, "%.*f", number->decimals, *number->value);
        line += text;
      } else {
        line += json_string(std::get<std::string>(field.value));
      }
    }
    std::printf("%s}%s\n", line.c_str(), i + 1 < results.size() ? "," : "");
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
    char lambda[80] = "";
    if (r.stats.rd_lambda > 0)
      std::snprintf(lambda, sizeof lambda, " and rd lambda %.4g", r.stats.rd_lambda);
    if (r.stats.ssim > 0) {
      std::snprintf(lambda + std::strlen(lambda), sizeof lambda - std::strlen(lambda),
                    " (ssim %.5f)", r.stats.ssim);
    }
    std::fprintf(stderr, "kmqenc: %s: chose K=%d%s after %d trials\n", r.input.c_str(),
                 r.stats.colors, lambda, r.stats.trials);
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
