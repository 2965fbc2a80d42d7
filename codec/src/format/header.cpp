// SPDX-License-Identifier: MIT
// HEAD (format-spec/kmq.md §2.3): version, channels, label coding, flags, width, height, K.
#include "format/header.hpp"

#include "common/byte_io.hpp"
#include "format/format_constants.hpp"

namespace kmq::detail {

namespace {
[[noreturn]] void corrupt(const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, message);
}
}  // namespace

std::array<std::uint8_t, kHeaderPayloadSize> header_payload(const ImageHeader& header) {
  std::array<std::uint8_t, kHeaderPayloadSize> payload{};
  payload[0] = kFormatVersion;
  payload[1] = static_cast<std::uint8_t>(header.channels);
  payload[2] = header.label_coding;
  payload[3] = 0;  // flags, reserved
  store_u32le(&payload[4], header.width);
  store_u32le(&payload[8], header.height);
  store_u32le(&payload[12], header.palette_size);
  return payload;
}

ImageHeader parse_header(std::span<const std::uint8_t> payload, const std::string& where,
                         std::uint64_t max_pixels) {
  if (payload.size() != kHeaderPayloadSize) {
    corrupt(where + ": header must be 16 bytes, not " + std::to_string(payload.size()));
  }
  if (payload[0] != kFormatVersion) {
    throw Error(ErrorCategory::unsupported, where + ": format version " +
                                                std::to_string(payload[0]) +
                                                " is not supported (this decoder reads version 1)");
  }
  ImageHeader header;
  header.channels = payload[1];
  header.label_coding = payload[2];
  if (header.channels != 3 && header.channels != 4) {
    corrupt(where + ": channels must be 3 or 4, not " + std::to_string(header.channels));
  }
  if (header.label_coding >= kLabelCodingCount) {
    throw Error(ErrorCategory::unsupported, where + ": label coding method " +
                                                std::to_string(header.label_coding) +
                                                " is not supported");
  }
  if (payload[3] != 0) corrupt(where + ": reserved flags must be 0");
  header.width = load_u32le(&payload[4]);
  header.height = load_u32le(&payload[8]);
  header.palette_size = load_u32le(&payload[12]);
  if (header.width < 1 || header.width > kMaxDimension || header.height < 1 ||
      header.height > kMaxDimension) {
    corrupt(where + ": image size " + std::to_string(header.width) + "x" +
            std::to_string(header.height) + " is outside 1..16777216");
  }
  if (header.palette_size < 1 || header.palette_size > kMaxColors) {
    corrupt(where + ": palette size " + std::to_string(header.palette_size) +
            " is outside 1..65536");
  }
  if (header.pixel_count() > kMaxPixelCount) {
    corrupt(where + ": " + std::to_string(header.pixel_count()) +
            " pixels exceed the format limit of 2^30");
  }
  if (header.pixel_count() > max_pixels) {
    throw Error(ErrorCategory::limit_exceeded,
                where + ": image of " + std::to_string(header.pixel_count()) +
                    " pixels exceeds the limit of " + std::to_string(max_pixels));
  }
  return header;
}

}  // namespace kmq::detail
