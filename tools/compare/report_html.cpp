// SPDX-License-Identifier: MIT
#include "report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report_template.hpp"
#include "tool_common.hpp"

namespace kmq::compare {
namespace {

std::string base64(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    const std::uint32_t group = (static_cast<std::uint32_t>(bytes[i]) << 16) |
                                (left > 1 ? static_cast<std::uint32_t>(bytes[i + 1]) << 8 : 0) |
                                (left > 2 ? bytes[i + 2] : 0);
    out += kDigits[(group >> 18) & 63];
    out += kDigits[(group >> 12) & 63];
    out += left > 1 ? kDigits[(group >> 6) & 63] : '=';
    out += left > 2 ? kDigits[group & 63] : '=';
  }
  return out;
}

std::string png_uri(const PngPicture& picture) {
  return "\"data:image/png;base64," + base64(picture.png) + "\"";
}

std::string number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

template <class Integers>
std::string json_array(const Integers& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "]";
}

std::string palette_json(const KVisuals& v) {
  std::string out = "[";
  const auto channels = static_cast<std::size_t>(v.palette_channels);
  for (std::size_t i = 0; i + channels <= v.palette.size(); i += channels) {
    char hex[16];
    if (channels == 4) {
      std::snprintf(hex, sizeof hex, "\"#%02x%02x%02x%02x\"", v.palette[i], v.palette[i + 1],
                    v.palette[i + 2], v.palette[i + 3]);
    } else {
      std::snprintf(hex, sizeof hex, "\"#%02x%02x%02x\"", v.palette[i], v.palette[i + 1],
                    v.palette[i + 2]);
    }
    if (i > 0) out += ',';
    out += hex;
  }
  return out + "]";
}

std::string result_json(const KResult& r) {
  const KVisuals& v = r.visuals;
  return "{\"k\":" + std::to_string(r.requested_colors) +
         ",\"kmq_bytes\":" + std::to_string(r.kmq_bytes) +
         ",\"png_bytes\":" + std::to_string(r.png_bytes) +
         ",\"jpeg_bytes\":" + std::to_string(r.jpeg_bytes) +
         ",\"jpeg_quality\":" + std::to_string(r.jpeg_quality) +
         ",\"jpeg_psnr\":" + number(r.jpeg_psnr) +
         ",\"jpeg_reached\":" + (r.jpeg_reached ? "true" : "false") +
         ",\"psnr\":" + number(r.psnr) + ",\"ssim\":" + number(r.ssim) +
         ",\"encode_ms\":" + number(r.encode_ms) + ",\"decode_ms\":" + number(r.decode_ms) +
         (r.has_rd ? ",\"rd_kmq_bytes\":" + std::to_string(r.rd_kmq_bytes) +
                         ",\"rd_psnr\":" + number(r.rd_psnr) + ",\"rd_ssim\":" + number(r.rd_ssim)
                   : std::string()) +
         (v.file.empty() ? ",\"display\":" + png_uri(v.display) + ",\"crop\":" + png_uri(v.crop)
                         : ",\"kmq\":\"" + base64(v.file) + "\"") +
         ",\"palette\":" + palette_json(v) + ",\"counts\":" + json_array(v.counts) +
         ",\"labels\":" + json_array(v.sample_labels) + "}";
}

std::string study_json(const ImageStudy& s) {
  std::string out =
      "{\"name\":" + tools::json_string(s.name) + ",\"width\":" + std::to_string(s.width) +
      ",\"height\":" + std::to_string(s.height) + ",\"channels\":" + std::to_string(s.channels) +
      ",\"original_bytes\":" + std::to_string(s.original_bytes) +
      ",\"display\":{\"src\":" + png_uri(s.display) +
      ",\"width\":" + std::to_string(s.display.width) +
      ",\"height\":" + std::to_string(s.display.height) + "}" +
      ",\"crop\":{\"src\":" + png_uri(s.crop) + ",\"x\":" + std::to_string(s.crop_rect.x) +
      ",\"y\":" + std::to_string(s.crop_rect.y) +
      ",\"width\":" + std::to_string(s.crop_rect.width) +
      ",\"height\":" + std::to_string(s.crop_rect.height) + "}" +
      ",\"samples\":" + json_array(s.samples) + ",\"results\":[";
  for (std::size_t i = 0; i < s.results.size(); ++i) {
    if (i > 0) out += ',';
    out += result_json(s.results[i]);
  }
  return out + "]}";
}

// Inside <script>, "</" could end the element early; JSON allows "<\/" for it.
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    out += json[i];
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') out += '\\';
  }
  return out;
}

}  // namespace

bool report_embeds_decoder() { return !kReportDecoder.empty(); }

std::string html_report(const std::vector<ImageStudy>& studies, const StudyDescription& d) {
  std::string data = "{\"version\":" + tools::json_string(kmq::version()) +
                     ",\"settings\":{\"method\":" + tools::json_string(d.method) +
                     ",\"space\":" + tools::json_string(d.space) +
                     ",\"seed\":" + std::to_string(d.seed) +
                     ",\"level\":" + std::to_string(d.level) + ",\"dither\":" + number(d.dither) +
                     ",\"rd_lambda\":" + number(d.rd_lambda) + "},\"images\":[";
  for (std::size_t i = 0; i < studies.size(); ++i) {
    if (i > 0) data += ',';
    data += study_json(studies[i]);
  }
  data += "]}";
  std::string page(kReportTemplate);
  const std::size_t marker = page.find(kReportDataMarker);
  page.replace(marker, kReportDataMarker.size(), script_safe(data));
  // The decoder only when some picture needs it: a report of PNG pictures stays small.
  const bool embeds = std::any_of(studies.begin(), studies.end(), [](const ImageStudy& s) {
    return std::any_of(s.results.begin(), s.results.end(),
                       [](const KResult& r) { return !r.visuals.file.empty(); });
  });
  const std::size_t decoder = page.find(kReportDecoderMarker);
  page.replace(decoder, kReportDecoderMarker.size(), embeds ? kReportDecoder : "");
  return page;
}

}  // namespace kmq::compare
