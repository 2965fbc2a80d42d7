// SPDX-License-Identifier: MIT
// Files with several faults report the one format-spec §9.1 puts first, so that every
// conforming decoder gives the same category (and the web decoder can be checked against it).
#include <gtest/gtest.h>

#include <kmq/kmq.hpp>
#include <string>

#include "kmq_file_builder.hpp"

namespace {

using kmq::ErrorCategory;
using kmq::testing::Bytes;
using kmq::testing::header_payload;
using kmq::testing::KmqFileBuilder;
using kmq::testing::palette_payload;
using kmq::testing::zstd_label_payload;

struct Failure {
  ErrorCategory category;
  std::string message;
};

Failure decode_failure(const Bytes& file, const kmq::DecodeOptions& options = {}) {
  try {
    kmq::decode(file, options);
  } catch (const kmq::Error& e) {
    return {e.category(), e.message()};
  }
  ADD_FAILURE() << "decoding succeeded";
  return {ErrorCategory::io, ""};
}

const Bytes kIndices = {0, 1, 2, 1};

TEST(FaultOrder, HeadFieldsAreCheckedInTheirOrder) {
  // version (unsupported) before channels (corrupt) before the method (unsupported) ...
  auto head = [](std::uint8_t version, std::uint8_t channels, std::uint8_t method,
                 std::uint8_t flags, std::uint32_t width, std::uint32_t k) {
    return KmqFileBuilder()
        .chunk("HEAD", header_payload(width, 2, k, channels, version, method, flags))
        .chunk("PALT", palette_payload(3))
        .chunk("LABL", zstd_label_payload(kIndices))
        .chunk("ENDF", {})
        .bytes();
  };
  EXPECT_EQ(decode_failure(head(2, 5, 9, 1, 0, 0)).category, ErrorCategory::unsupported);
  EXPECT_NE(decode_failure(head(2, 5, 9, 1, 0, 0)).message.find("version"), std::string::npos);
  EXPECT_NE(decode_failure(head(1, 5, 9, 1, 0, 0)).message.find("channels"), std::string::npos);
  EXPECT_EQ(decode_failure(head(1, 3, 9, 1, 0, 0)).category, ErrorCategory::unsupported);
  EXPECT_NE(decode_failure(head(1, 3, 0, 1, 0, 0)).message.find("flags"), std::string::npos);
  EXPECT_NE(decode_failure(head(1, 3, 0, 0, 0, 0)).message.find("image size"), std::string::npos);
  EXPECT_NE(decode_failure(head(1, 3, 0, 0, 2, 0)).message.find("palette size"), std::string::npos);
}

TEST(FaultOrder, TheFormatPixelLimitComesBeforeTheDecodersLimit) {
  const Bytes file = KmqFileBuilder()
                         .chunk("HEAD", header_payload(1u << 16, 1u << 15, 3))
                         .chunk("PALT", palette_payload(3))
                         .bytes();
  kmq::DecodeOptions tight;
  tight.max_pixels = 100;
  EXPECT_EQ(decode_failure(file, tight).category, ErrorCategory::corrupt_file);
  const Bytes within_format = KmqFileBuilder()
                                  .chunk("HEAD", header_payload(1000, 1000, 3))
                                  .raw({1, 2, 3})  // a damaged rest: never reached
                                  .bytes();
  EXPECT_EQ(decode_failure(within_format, tight).category, ErrorCategory::limit_exceeded);
}

TEST(FaultOrder, PaletteCodingBeforePaletteLength) {
  Bytes palette = {7, 1, 2};  // unknown coding and a wrong length
  const Bytes file = KmqFileBuilder()
                         .chunk("HEAD", header_payload(2, 2, 3))
                         .chunk("PALT", palette)
                         .chunk("LABL", zstd_label_payload(kIndices))
                         .chunk("ENDF", {})
                         .bytes();
  EXPECT_EQ(decode_failure(file).category, ErrorCategory::unsupported);
}

TEST(FaultOrder, TheWholeContainerBeforeTheLabels) {
  // Garbage method data, and trailing bytes after ENDF: the trailing bytes are reported.
  Bytes garbage_labels = {0, 0xDE, 0xAD, 0xBE, 0xEF};
  const Bytes trailing = KmqFileBuilder()
                             .chunk("HEAD", header_payload(2, 2, 3))
                             .chunk("PALT", palette_payload(3))
                             .chunk("LABL", garbage_labels)
                             .chunk("ENDF", {})
                             .raw({0})
                             .bytes();
  EXPECT_NE(decode_failure(trailing).message.find("trailing"), std::string::npos);
  // Garbage method data and a metadata chunk over the caller's limit: the limit wins, since
  // metadata is checked as its chunk is read.
  Bytes big_xmp(2000, 'x');
  big_xmp.insert(big_xmp.begin(), 0);  // stored, not packed
  const Bytes limited = KmqFileBuilder()
                            .chunk("HEAD", header_payload(2, 2, 3))
                            .chunk("xmpp", big_xmp)
                            .chunk("PALT", palette_payload(3))
                            .chunk("LABL", garbage_labels)
                            .chunk("ENDF", {})
                            .bytes();
  kmq::DecodeOptions options;
  options.max_metadata_bytes = 100;
  EXPECT_EQ(decode_failure(limited, options).category, ErrorCategory::limit_exceeded);
  EXPECT_EQ(decode_failure(limited).category, ErrorCategory::corrupt_file);
}

TEST(FaultOrder, FrameChecksRunInTheirOrder) {
  Bytes file = KmqFileBuilder().chunk("HEAD", header_payload(2, 2, 3)).bytes();
  // A chunk whose type is not letters and whose length runs past the end: the type is reported.
  file.insert(file.end(), {0xFF, 0xFF, 0xFF, 0x7F, '1', 'A', 'B', 'C', 0, 0, 0, 0});
  EXPECT_NE(decode_failure(file).message.find("invalid type"), std::string::npos);
  // An unknown critical chunk with a bad CRC: the CRC is reported (corrupt, not unsupported).
  Bytes crc = KmqFileBuilder().chunk("HEAD", header_payload(2, 2, 3)).chunk("QQQQ", {1}).bytes();
  crc.back() ^= 1;
  EXPECT_EQ(decode_failure(crc).category, ErrorCategory::corrupt_file);
  EXPECT_NE(decode_failure(crc).message.find("CRC"), std::string::npos);
  // An unknown critical chunk first: corrupt (HEAD must be first), not unsupported.
  const Bytes first = KmqFileBuilder().chunk("QQQQ", {1}).bytes();
  EXPECT_EQ(decode_failure(first).category, ErrorCategory::corrupt_file);
}

TEST(FaultOrder, TheChunkCountIsCheckedBeforeTheFrame) {
  KmqFileBuilder builder;
  builder.chunk("HEAD", header_payload(2, 2, 3));
  for (int i = 1; i < 1024; ++i) builder.chunk("zzzz", {});
  Bytes file = builder.bytes();
  file.push_back(0);  // a 1025th chunk's frame would be truncated: the count is reported
  EXPECT_NE(decode_failure(file).message.find("1024 chunks"), std::string::npos);
  // 1024 chunks with ENDF as the last is within the limit.
  KmqFileBuilder exact;
  exact.chunk("HEAD", header_payload(2, 2, 3)).chunk("PALT", palette_payload(3));
  exact.chunk("LABL", zstd_label_payload(kIndices));
  for (int i = 3; i < 1023; ++i) exact.chunk("zzzz", {});
  exact.chunk("ENDF", {});
  EXPECT_NO_THROW(kmq::decode(exact.bytes()));
}

}  // namespace
