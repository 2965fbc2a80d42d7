// SPDX-License-Identifier: MIT
// Metadata checks and conversions shared by the PNG and JPEG readers and writers.
#include "image_metadata.hpp"

#include <vector>

namespace kmq::io {

namespace {

// Whether `item` alone passes the format's rules; the reason goes to `why` when it does not.
bool passes(const Metadata& item, std::string& why) {
  try {
    validate(item);
    return true;
  } catch (const Error& e) {
    why = e.message();
    return false;
  }
}

}  // namespace

void keep_valid_metadata(Metadata& metadata, std::string_view format, const WarningHandler& warn) {
  std::string why;
  // Tests one item (moved into a Metadata of its own) and puts it back only if it passes.
  auto keep_if_valid = [&](auto field, const std::string& what) {
    Metadata item;
    auto& slot = item.*field;
    slot = std::move(metadata.*field);
    item.icc_profile_name = metadata.icc_profile_name;
    if (passes(item, why)) {
      metadata.*field = std::move(slot);
    } else if (warn) {
      warn(std::string(format) + ": " + what + " dropped (" + why + ")");
    }
  };
  keep_if_valid(&Metadata::icc_profile, "ICC profile");
  if (metadata.icc_profile.empty()) metadata.icc_profile_name.clear();
  keep_if_valid(&Metadata::exif, "Exif data");
  keep_if_valid(&Metadata::xmp, "XMP packet");
  keep_if_valid(&Metadata::srgb_intent, "sRGB chunk");
  keep_if_valid(&Metadata::gamma, "gamma");
  keep_if_valid(&Metadata::chromaticities, "chromaticities");
  keep_if_valid(&Metadata::density, "pixel density");
  std::vector<TextEntry> kept;
  for (TextEntry& entry : metadata.text) {
    Metadata item;
    item.text.push_back(entry);
    if (passes(item, why)) {
      kept.push_back(std::move(entry));
    } else if (warn) {
      warn(std::string(format) + ": text entry '" + entry.keyword + "' dropped (" + why + ")");
    }
  }
  metadata.text = std::move(kept);
  // Each item fits on its own; only their sum can still be too large. Text goes first, from
  // the end.
  while (!passes(metadata, why) && !metadata.text.empty()) {
    if (warn) {
      warn(std::string(format) + ": text entry '" + metadata.text.back().keyword + "' dropped (" +
           why + ")");
    }
    metadata.text.pop_back();
  }
}

std::string latin1_to_utf8(std::string_view latin1) {
  std::string utf8;
  utf8.reserve(latin1.size());
  for (const char c : latin1) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      utf8 += c;
    } else {
      utf8 += static_cast<char>(0xC0 | (byte >> 6));
      utf8 += static_cast<char>(0x80 | (byte & 0x3F));
    }
  }
  return utf8;
}

bool utf8_to_latin1(std::string_view utf8, std::string& latin1) {
  latin1.clear();
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    if (byte < 0x80) {
      latin1 += static_cast<char>(byte);
      continue;
    }
    // Two-byte sequences C2 80 .. C3 BF are exactly U+0080 .. U+00FF.
    if ((byte == 0xC2 || byte == 0xC3) && i + 1 < utf8.size()) {
      const auto next = static_cast<unsigned char>(utf8[i + 1]);
      if ((next & 0xC0) == 0x80) {
        latin1 += static_cast<char>(((byte & 0x03) << 6) | (next & 0x3F));
        ++i;
        continue;
      }
    }
    return false;
  }
  return true;
}

}  // namespace kmq::io

namespace kmq::io {

std::vector<std::string> metadata_lost_in(FileFormat format, const Metadata& metadata) {
  std::vector<std::string> lost;
  if (format == FileFormat::kmq) return lost;
  if (format == FileFormat::png) {
    // PNG: "an sRGB chunk should not be present with an iCCP chunk"; libpng keeps the profile.
    if (metadata.srgb_intent && !metadata.icc_profile.empty()) lost.push_back("sRGB chunk");
    return lost;
  }
  const bool netpbm = format != FileFormat::jpeg;  // PPM and PAM hold pixels only
  // JPEG segments hold at most 65533 bytes after the marker: Exif and XMP with their headers.
  constexpr std::size_t kSegment = 65533;
  constexpr std::size_t kExifHeader = 6, kXmpHeader = 29;
  if (netpbm && metadata.srgb_intent) lost.push_back("sRGB chunk");
  if (metadata.gamma) lost.push_back("gamma");
  if (metadata.chromaticities) lost.push_back("chromaticities");
  if (netpbm && metadata.density) lost.push_back("pixel density");
  if (netpbm && !metadata.icc_profile.empty()) lost.push_back("ICC profile");
  if (!metadata.exif.empty() && (netpbm || metadata.exif.size() > kSegment - kExifHeader)) {
    lost.push_back("Exif data");
  }
  if (!metadata.xmp.empty() && (netpbm || metadata.xmp.size() > kSegment - kXmpHeader)) {
    lost.push_back("XMP packet");
  }
  for (const TextEntry& entry : metadata.text) {
    const bool comment = entry.keyword == "Comment" && entry.language.empty() &&
                         entry.translated_keyword.empty() && entry.text.size() <= kSegment;
    if (netpbm || !comment) lost.push_back("text '" + entry.keyword + "'");
  }
  return lost;
}

}  // namespace kmq::io
