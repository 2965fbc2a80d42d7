// SPDX-License-Identifier: MIT
// Metadata chunks (format-spec/kmq.md §2.7): layouts, field rules and limits, written once for
// the writer and the reader so that they cannot drift apart.
#include "format/metadata_chunks.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "common/byte_io.hpp"
#include "format/zstd_frame.hpp"

namespace kmq {

namespace {

// §2.7's table, in the order the encoder writes the chunks; `text` is the one that repeats.
enum Kind : int { kSrgb, kGama, kChrm, kPhys, kIccp, kExif, kXmpp, kText, kKindCount };
constexpr std::array<std::array<char, 4>, kKindCount> kTypes = {{{'s', 'r', 'g', 'b'},
                                                                 {'g', 'a', 'm', 'a'},
                                                                 {'c', 'h', 'r', 'm'},
                                                                 {'p', 'h', 'y', 's'},
                                                                 {'i', 'c', 'c', 'p'},
                                                                 {'e', 'x', 'i', 'f'},
                                                                 {'x', 'm', 'p', 'p'},
                                                                 {'t', 'e', 'x', 't'}}};
constexpr std::size_t kMaxFieldBytes = 79;
constexpr std::size_t kMinIccBytes = 132;
constexpr std::uint8_t kStored = 0;
constexpr std::uint8_t kZstd = 1;
// The frame is worth its decoding only when smaller. Level 19 costs little on the kilobytes of
// a profile or a text; megabytes of XMP take level 3 (level 19 runs at 1-3 MB/s).
constexpr int kSmallMetadataLevel = 19;
constexpr int kLargeMetadataLevel = 3;
constexpr std::size_t kSmallMetadataBytes = std::size_t{1} << 20;

// Each rule returns what is wrong, or an empty string.
std::string name_problem(std::string_view name, const char* what) {
  if (name.empty() || name.size() > kMaxFieldBytes)
    return std::string(what) + " must be 1..79 bytes long, not " + std::to_string(name.size());
  for (const char c : name) {
    if (c < 0x20 || c > 0x7E)
      return std::string(what) + " holds a byte that is not printable ASCII";
  }
  return {};
}

std::string language_problem(std::string_view language) {
  if (language.size() > kMaxFieldBytes) return "language tag longer than 79 bytes";
  for (const char c : language) {
    const bool fits =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!fits) return "language tag holds a byte other than a letter, digit or '-'";
  }
  return {};
}

std::string translated_problem(std::string_view translated) {
  if (translated.size() > kMaxFieldBytes) return "translated keyword longer than 79 bytes";
  if (translated.find('\0') != std::string_view::npos) return "translated keyword holds a 0 byte";
  return {};
}

std::uint32_t load_u32be(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

std::string icc_problem(std::span<const std::uint8_t> profile) {
  if (profile.size() < kMinIccBytes)
    return "ICC profile of " + std::to_string(profile.size()) + " bytes is shorter than 132";
  if (load_u32be(profile.data()) != profile.size())
    return "ICC profile's header gives " + std::to_string(load_u32be(profile.data())) +
           " bytes, but it holds " + std::to_string(profile.size());
  if (std::memcmp(profile.data() + 36, "acsp", 4) != 0)
    return "ICC profile lacks the 'acsp' signature";
  return {};
}

std::string exif_problem(std::span<const std::uint8_t> exif) {
  static constexpr std::uint8_t kIntel[4] = {0x49, 0x49, 0x2A, 0x00};
  static constexpr std::uint8_t kMotorola[4] = {0x4D, 0x4D, 0x00, 0x2A};
  if (exif.size() < 8) return "Exif data shorter than 8 bytes";
  if (std::memcmp(exif.data(), kIntel, 4) != 0 && std::memcmp(exif.data(), kMotorola, 4) != 0)
    return "Exif data does not begin with a TIFF header (II*\\0 or MM\\0*)";
  return {};
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

void validate(const Metadata& metadata) {
  auto require_ok = [](const std::string& problem) {
    if (!problem.empty()) throw Error(ErrorCategory::bad_input, "metadata: " + problem);
  };
  std::uint64_t total = 0;
  auto count = [&](std::size_t size, const char* what) {
    if (size > detail::kMaxMetadataItemBytes) {
      throw Error(ErrorCategory::bad_input, std::string("metadata: ") + what + " of " +
                                                std::to_string(size) +
                                                " bytes is larger than 16 MiB");
    }
    total += size;
  };
  if (!metadata.icc_profile.empty()) {
    require_ok(name_problem(metadata.icc_profile_name, "ICC profile name"));
    require_ok(icc_problem(metadata.icc_profile));
    count(metadata.icc_profile.size(), "ICC profile");
  }
  if (!metadata.exif.empty()) {
    require_ok(exif_problem(metadata.exif));
    count(metadata.exif.size(), "Exif data");
  }
  count(metadata.xmp.size(), "XMP packet");
  for (const TextEntry& entry : metadata.text) {
    require_ok(name_problem(entry.keyword, "text keyword"));
    require_ok(language_problem(entry.language));
    require_ok(translated_problem(entry.translated_keyword));
    count(entry.text.size(), "text");
  }
  if (total > detail::kMaxMetadataBytes)
    throw Error(ErrorCategory::bad_input, "metadata: more than 64 MiB in all");
  if (metadata.srgb_intent && *metadata.srgb_intent > 3)
    require_ok("sRGB rendering intent must be 0..3");
  if (metadata.gamma && *metadata.gamma == 0) require_ok("gamma must be > 0");
  if (metadata.density) {
    if (metadata.density->x == 0 || metadata.density->y == 0)
      require_ok("pixel density must be > 0");
    if (metadata.density->unit > 1) require_ok("pixel density unit must be 0 or 1");
  }
}

namespace detail {

namespace {

void append_packed(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> frame;
  if (!data.empty()) {
    frame = compress_frame(
        data, data.size() <= kSmallMetadataBytes ? kSmallMetadataLevel : kLargeMetadataLevel);
  }
  if (!data.empty() && frame.size() < data.size()) {
    out.push_back(kZstd);
    out.insert(out.end(), frame.begin(), frame.end());
  } else {
    out.push_back(kStored);
    out.insert(out.end(), data.begin(), data.end());
  }
}

void append_field(std::vector<std::uint8_t>& out, std::string_view field) {
  out.insert(out.end(), field.begin(), field.end());
  out.push_back(0);
}

}  // namespace

std::vector<MetadataChunk> metadata_chunks(const Metadata& metadata) {
  validate(metadata);
  std::vector<MetadataChunk> chunks;
  auto add = [&](Kind kind) -> std::vector<std::uint8_t>& {
    chunks.push_back({kTypes[kind], {}});
    return chunks.back().payload;
  };
  if (metadata.srgb_intent) add(kSrgb).push_back(*metadata.srgb_intent);
  if (metadata.gamma) append_u32le(add(kGama), *metadata.gamma);
  if (metadata.chromaticities) {
    const Chromaticities& c = *metadata.chromaticities;
    std::vector<std::uint8_t>& out = add(kChrm);
    for (const std::uint32_t value :
         {c.white_x, c.white_y, c.red_x, c.red_y, c.green_x, c.green_y, c.blue_x, c.blue_y}) {
      append_u32le(out, value);
    }
  }
  if (metadata.density) {
    std::vector<std::uint8_t>& out = add(kPhys);
    append_u32le(out, metadata.density->x);
    append_u32le(out, metadata.density->y);
    out.push_back(metadata.density->unit);
  }
  if (!metadata.icc_profile.empty()) {
    std::vector<std::uint8_t>& out = add(kIccp);
    append_field(out, metadata.icc_profile_name);
    append_packed(out, metadata.icc_profile);
  }
  if (!metadata.exif.empty()) append_packed(add(kExif), metadata.exif);
  if (!metadata.xmp.empty()) append_packed(add(kXmpp), bytes_of(metadata.xmp));
  for (const TextEntry& entry : metadata.text) {
    std::vector<std::uint8_t>& out = add(kText);
    append_field(out, entry.keyword);
    append_field(out, entry.language);
    append_field(out, entry.translated_keyword);
    append_packed(out, bytes_of(entry.text));
  }
  return chunks;
}

namespace {

[[noreturn]] void corrupt(const std::string& where, const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, where + ": " + message);
}

// Splits off the field that ends at the first 0 byte.
std::string_view take_field(std::span<const std::uint8_t>& payload, const std::string& where,
                            const char* what) {
  const auto end = std::find(payload.begin(), payload.end(), std::uint8_t{0});
  if (end == payload.end()) corrupt(where, std::string("no 0 byte after the ") + what);
  const auto length = static_cast<std::size_t>(end - payload.begin());
  const std::string_view field(reinterpret_cast<const char*>(payload.data()), length);
  payload = payload.subspan(length + 1);
  return field;
}

void check_field(const std::string& problem, const std::string& where) {
  if (!problem.empty()) corrupt(where, problem);
}

}  // namespace

bool MetadataReader::read(const std::uint8_t* type, std::span<const std::uint8_t> payload,
                          const std::string& where) {
  const auto found = std::find_if(kTypes.begin(), kTypes.end(), [&](const auto& candidate) {
    return std::memcmp(candidate.data(), type, 4) == 0;
  });
  if (found == kTypes.end()) return false;
  const auto kind = static_cast<Kind>(found - kTypes.begin());
  if (kind != kText) {
    const std::uint32_t bit = 1u << kind;
    if (seen_ & bit) corrupt(where, "this metadata chunk may appear only once");
    seen_ |= bit;
  }
  auto require_length = [&](std::size_t length) {
    if (payload.size() != length) {
      corrupt(where, "payload must be " + std::to_string(length) + " bytes, not " +
                         std::to_string(payload.size()));
    }
  };
  // Packed data (§2.7): the unpacked size is bounded, item and file, before allocating.
  auto unpack = [&](std::span<const std::uint8_t> packed) {
    if (packed.empty()) corrupt(where, "packed data lacks its coding byte");
    const std::uint8_t coding = packed[0];
    const auto data = packed.subspan(1);
    if (coding != kStored && coding != kZstd)
      corrupt(where, "packed data coding " + std::to_string(coding) + " is not 0 or 1");
    const std::uint64_t size = coding == kStored ? data.size() : declared_frame_size(data, where);
    if (size > kMaxMetadataItemBytes) {
      throw Error(ErrorCategory::limit_exceeded,
                  where + ": " + std::to_string(size) + " bytes of metadata exceed 16 MiB");
    }
    if (size > max_bytes_ - unpacked_bytes_) {
      throw Error(ErrorCategory::limit_exceeded,
                  where + ": the file's metadata exceeds " +
                      (max_bytes_ == kMaxMetadataBytes ? std::string("64 MiB")
                                                       : std::to_string(max_bytes_) + " bytes"));
    }
    unpacked_bytes_ += size;
    return coding == kStored ? std::vector<std::uint8_t>(data.begin(), data.end())
                             : decompress_frame(data, size, where);
  };
  switch (kind) {
    case kSrgb:
      require_length(1);
      if (payload[0] > 3) corrupt(where, "sRGB rendering intent " + std::to_string(payload[0]));
      metadata_.srgb_intent = payload[0];
      break;
    case kGama:
      require_length(4);
      if (load_u32le(payload.data()) == 0) corrupt(where, "gamma is 0");
      metadata_.gamma = load_u32le(payload.data());
      break;
    case kChrm: {
      require_length(32);
      std::array<std::uint32_t, 8> v{};
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = load_u32le(payload.data() + 4 * i);
      metadata_.chromaticities = Chromaticities{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
      break;
    }
    case kPhys: {
      require_length(9);
      PixelDensity density{load_u32le(payload.data()), load_u32le(payload.data() + 4), payload[8]};
      if (density.x == 0 || density.y == 0) corrupt(where, "pixel density is 0");
      if (density.unit > 1) corrupt(where, "pixel density unit " + std::to_string(density.unit));
      metadata_.density = density;
      break;
    }
    case kIccp: {
      const std::string_view name = take_field(payload, where, "profile name");
      check_field(name_problem(name, "profile name"), where);
      std::vector<std::uint8_t> profile = unpack(payload);
      check_field(icc_problem(profile), where);
      metadata_.icc_profile_name = std::string(name);
      metadata_.icc_profile = std::move(profile);
      break;
    }
    case kExif: {
      std::vector<std::uint8_t> exif = unpack(payload);
      check_field(exif_problem(exif), where);
      metadata_.exif = std::move(exif);
      break;
    }
    case kXmpp: {
      const std::vector<std::uint8_t> xmp = unpack(payload);
      metadata_.xmp.assign(xmp.begin(), xmp.end());
      break;
    }
    case kText: {
      TextEntry entry;
      entry.keyword = take_field(payload, where, "keyword");
      check_field(name_problem(entry.keyword, "keyword"), where);
      entry.language = take_field(payload, where, "language tag");
      check_field(language_problem(entry.language), where);
      entry.translated_keyword = take_field(payload, where, "translated keyword");
      check_field(translated_problem(entry.translated_keyword), where);
      const std::vector<std::uint8_t> text = unpack(payload);
      entry.text.assign(text.begin(), text.end());
      metadata_.text.push_back(std::move(entry));
      break;
    }
    case kKindCount:
      break;
  }
  return true;
}

}  // namespace detail

}  // namespace kmq
