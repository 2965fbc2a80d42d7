// SPDX-License-Identifier: MIT
#include "study_tables.hpp"

#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "tool_common.hpp"

namespace kmq::compare {
namespace {

std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

std::string format(const char* pattern, ...) {
  char buffer[512];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof buffer, pattern, args);
  va_end(args);
  return buffer;
}

// PSNR is infinite when K reaches the number of colours: "inf" in text, null in JSON.
std::string psnr_text(double psnr, const char* infinite) {
  return std::isfinite(psnr) ? format("%.3f", psnr) : infinite;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

const char* layout_name(int channels) { return channels == 4 ? "RGBA" : "RGB"; }

bool any_rd(const std::vector<ImageStudy>& studies) {
  for (const ImageStudy& s : studies) {
    for (const KResult& r : s.results) {
      if (r.has_rd) return true;
    }
  }
  return false;
}

}  // namespace

double percent_of(std::size_t bytes, std::size_t original) {
  return original == 0 ? 0 : 100.0 * static_cast<double>(bytes) / static_cast<double>(original);
}

std::string table_text(const std::vector<ImageStudy>& studies) {
  std::string out;
  const bool rd = any_rd(studies);
  for (const ImageStudy& s : studies) {
    out += format("%s: %dx%d %s, %zu bytes\n", s.name.c_str(), s.width, s.height,
                  layout_name(s.channels), s.original_bytes);
    out += format("%6s %10s %7s %10s %7s %6s %10s %7s %8s %7s %9s %9s", "K", "kmq bytes", "kmq %",
                  "PNG bytes", "PNG %", "JPEG q", "JPEG bytes", "JPEG %", "PSNR dB", "SSIM",
                  "encode ms", "decode ms");
    out += rd ? format(" %10s %8s %7s\n", "RD bytes", "RD PSNR", "RD SSIM") : "\n";
    for (const KResult& r : s.results) {
      out += format("%6d %10zu %6.2f%% %10zu %6.2f%% %5d%s %10zu %6.2f%% %8s %7.4f %9.1f %9.1f",
                    r.requested_colors, r.kmq_bytes, percent_of(r.kmq_bytes, s.original_bytes),
                    r.png_bytes, percent_of(r.png_bytes, s.original_bytes), r.jpeg_quality,
                    r.jpeg_reached ? " " : "*", r.jpeg_bytes,
                    percent_of(r.jpeg_bytes, s.original_bytes), psnr_text(r.psnr, "inf").c_str(),
                    r.ssim, r.encode_ms, r.decode_ms);
      out += rd && r.has_rd ? format(" %10zu %8s %7.4f\n", r.rd_kmq_bytes,
                                     psnr_text(r.rd_psnr, "inf").c_str(), r.rd_ssim)
                            : "\n";
    }
    out += "\n";
  }
  bool missed = false;
  for (const ImageStudy& s : studies) {
    for (const KResult& r : s.results) missed = missed || !r.jpeg_reached;
  }
  if (missed) out += "* no JPEG quality reaches the .kmq's PSNR; quality 100 shown\n";
  return out;
}

std::string csv_text(const std::vector<ImageStudy>& studies) {
  std::string out =
      "image,width,height,channels,original_bytes,k,palette_size,kmq_bytes,kmq_percent,"
      "png_bytes,png_percent,jpeg_quality,jpeg_bytes,jpeg_percent,jpeg_psnr,jpeg_reached,psnr,"
      "ssim,encode_ms,decode_ms";
  const bool rd = any_rd(studies);
  out += rd ? ",rd_kmq_bytes,rd_psnr,rd_ssim\n" : "\n";
  for (const ImageStudy& s : studies) {
    for (const KResult& r : s.results) {
      out += csv_field(s.name) +
             format(",%d,%d,%d,%zu,%d,%d,%zu,%.3f,%zu,%.3f,%d,%zu,%.3f,%s,%s,%s,%.5f,%.2f,%.2f",
                    s.width, s.height, s.channels, s.original_bytes, r.requested_colors,
                    r.palette_size, r.kmq_bytes, percent_of(r.kmq_bytes, s.original_bytes),
                    r.png_bytes, percent_of(r.png_bytes, s.original_bytes), r.jpeg_quality,
                    r.jpeg_bytes, percent_of(r.jpeg_bytes, s.original_bytes),
                    psnr_text(r.jpeg_psnr, "inf").c_str(), r.jpeg_reached ? "true" : "false",
                    psnr_text(r.psnr, "inf").c_str(), r.ssim, r.encode_ms, r.decode_ms);
      out += rd ? format(",%zu,%s,%.5f\n", r.rd_kmq_bytes, psnr_text(r.rd_psnr, "inf").c_str(),
                         r.rd_ssim)
                : "\n";
    }
  }
  return out;
}

std::string json_text(const std::vector<ImageStudy>& studies, const StudyDescription& d) {
  std::string out = format(
      "{\n  \"tool\": \"kmqcompare\",\n  \"version\": %s,\n  \"settings\": {\"method\": %s, "
      "\"space\": %s, \"seed\": %llu, \"level\": %d, \"dither\": %g, \"rd_lambda\": %g},\n  "
      "\"images\": [",
      tools::json_string(kmq::version()).c_str(), tools::json_string(d.method).c_str(),
      tools::json_string(d.space).c_str(), static_cast<unsigned long long>(d.seed), d.level,
      d.dither, d.rd_lambda);
  for (std::size_t i = 0; i < studies.size(); ++i) {
    const ImageStudy& s = studies[i];
    out += format(
        "%s\n    {\"image\": %s, \"path\": %s, \"width\": %d, \"height\": %d, "
        "\"channels\": %d, \"original_bytes\": %zu, \"results\": [",
        i == 0 ? "" : ",", tools::json_string(s.name).c_str(), tools::json_string(s.path).c_str(),
        s.width, s.height, s.channels, s.original_bytes);
    for (std::size_t j = 0; j < s.results.size(); ++j) {
      const KResult& r = s.results[j];
      out += format(
          "%s\n      {\"k\": %d, \"palette_size\": %d, \"kmq_bytes\": %zu, \"png_bytes\": %zu, "
          "\"jpeg_quality\": %d, \"jpeg_bytes\": %zu, \"jpeg_psnr\": %s, \"jpeg_reached\": %s, "
          "\"psnr\": %s, \"ssim\": %.6f, \"encode_ms\": %.3f, \"decode_ms\": %.3f",
          j == 0 ? "" : ",", r.requested_colors, r.palette_size, r.kmq_bytes, r.png_bytes,
          r.jpeg_quality, r.jpeg_bytes, psnr_text(r.jpeg_psnr, "null").c_str(),
          r.jpeg_reached ? "true" : "false", psnr_text(r.psnr, "null").c_str(), r.ssim, r.encode_ms,
          r.decode_ms);
      if (r.has_rd) {
        out += format(", \"rd_kmq_bytes\": %zu, \"rd_psnr\": %s, \"rd_ssim\": %.6f", r.rd_kmq_bytes,
                      psnr_text(r.rd_psnr, "null").c_str(), r.rd_ssim);
      }
      out += "}";
    }
    out += "\n    ]}";
  }
  return out + "\n  ]\n}\n";
}

}  // namespace kmq::compare
