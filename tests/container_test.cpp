// SPDX-License-Identifier: MIT
// Malformed .kmq files: every one must fail with the right kmq::Error category, never crash.
#include <gtest/gtest.h>

#include <kmq/kmq.hpp>

#include "kmq_file_builder.hpp"
#include "test_images.hpp"

namespace {

using kmq::ErrorCategory;
using kmq::testing::Bytes;
using kmq::testing::header_payload;
using kmq::testing::KmqFileBuilder;
using kmq::testing::palette_payload;
using kmq::testing::zstd_label_payload;

// Decodes and returns the error category, failing the test if decoding succeeds.
ErrorCategory decode_error(const Bytes& file, const kmq::DecodeOptions& options = {}) {
  try {
    kmq::decode(file, options);
  } catch (const kmq::Error& e) {
    return e.category();
  }
  ADD_FAILURE() << "decoding succeeded";
  return ErrorCategory::io;
}

Bytes small_valid_file() {
  kmq::EncodeOptions options;
  options.colors = 4;
  options.label_coding = kmq::LabelCodingChoice::raw;  // the container, not a label method
  return kmq::encode(kmq::testing::gradient_image(9, 7), options);
}

TEST(Container, AValidBuiltFileDecodes) {
  const Bytes file = kmq::testing::valid_file(2, 2, 3, {0, 1, 2, 1});
  const auto image = kmq::decode(file);
  EXPECT_EQ(image.width(), 2);
  const auto indexed = kmq::decode_indexed(file);
  EXPECT_EQ(indexed.indices, (std::vector<std::uint16_t>{0, 1, 2, 1}));
}

TEST(Container, EveryTruncationIsACorruptFile) {
  const Bytes file = small_valid_file();
  for (std::size_t size = 0; size < file.size(); ++size) {
    const Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_EQ(decode_error(cut), ErrorCategory::corrupt_file) << "cut at " << size;
  }
}

TEST(Container, EverySingleBitFlipIsDetected) {
  const Bytes file = small_valid_file();
  for (std::size_t i = 0; i < file.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      Bytes damaged = file;
      damaged[i] ^= static_cast<std::uint8_t>(1u << bit);
      try {
        kmq::decode(damaged);
        ADD_FAILURE() << "flip at byte " << i << " bit " << bit << " went unnoticed";
      } catch (const kmq::Error&) {
      }
    }
  }
}

TEST(Container, TextModeDamageToTheSignatureIsCaught) {
  Bytes file = small_valid_file();
  Bytes lf_only = file;
  lf_only.erase(lf_only.begin() + 4);  // CR LF -> LF
  EXPECT_EQ(decode_error(lf_only), ErrorCategory::corrupt_file);
  Bytes high_bit_stripped = file;
  high_bit_stripped[0] &= 0x7F;
  EXPECT_EQ(decode_error(high_bit_stripped), ErrorCategory::corrupt_file);
}

TEST(Container, TrailingDataIsRejected) {
  Bytes file = small_valid_file();
  file.push_back(0);
  EXPECT_EQ(decode_error(file), ErrorCategory::corrupt_file);
}

TEST(Container, UnknownAncillaryChunksAreSkipped) {
  const Bytes file = KmqFileBuilder()
                         .chunk("HEAD", header_payload(2, 1, 2))
                         .chunk("teXt", {'h', 'i'})
                         .chunk("PALT", palette_payload(2))
                         .chunk("zzzz", {})
                         .chunk("LABL", zstd_label_payload({1, 0}))
                         .chunk("ENDF", {})
                         .bytes();
  EXPECT_EQ(kmq::decode_indexed(file).indices, (std::vector<std::uint16_t>{1, 0}));
  EXPECT_EQ(kmq::inspect(file).chunks.size(), 6u);
}

TEST(Container, UnknownCriticalChunkIsUnsupported) {
  const Bytes file = KmqFileBuilder()
                         .chunk("HEAD", header_payload(2, 1, 2))
                         .chunk("PALT", palette_payload(2))
                         .chunk("XTRA", {1})
                         .chunk("LABL", zstd_label_payload({1, 0}))
                         .chunk("ENDF", {})
                         .bytes();
  EXPECT_EQ(decode_error(file), ErrorCategory::unsupported);
}

TEST(Container, CriticalChunksOutOfOrderOrRepeatedAreCorrupt) {
  const Bytes head = header_payload(2, 1, 2), palette = palette_payload(2),
              labels = zstd_label_payload({1, 0});
  EXPECT_EQ(decode_error(KmqFileBuilder().chunk("PALT", palette).chunk("HEAD", head).bytes()),
            ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(KmqFileBuilder()
                             .chunk("HEAD", head)
                             .chunk("HEAD", head)
                             .chunk("PALT", palette)
                             .chunk("LABL", labels)
                             .chunk("ENDF", {})
                             .bytes()),
            ErrorCategory::corrupt_file);
  EXPECT_EQ(
      decode_error(
          KmqFileBuilder().chunk("HEAD", head).chunk("LABL", labels).chunk("ENDF", {}).bytes()),
      ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(KmqFileBuilder().chunk("teXt", {}).chunk("HEAD", head).bytes()),
            ErrorCategory::corrupt_file);
}

TEST(Container, ChunkTypesMustBeLetters) {
  const Bytes file = KmqFileBuilder().chunk("HE D", header_payload(1, 1, 1)).bytes();
  EXPECT_EQ(decode_error(file), ErrorCategory::corrupt_file);
}

TEST(Container, ALengthPastTheEndIsCorrupt) {
  KmqFileBuilder builder;
  builder.raw({0xFF, 0xFF, 0xFF, 0xFF, 'H', 'E', 'A', 'D', 0, 0, 0, 0});
  EXPECT_EQ(decode_error(builder.bytes()), ErrorCategory::corrupt_file);
}

TEST(Header, BadFieldsAreRejectedWithTheirCategory) {
  auto file_with = [](const Bytes& head) {
    return KmqFileBuilder()
        .chunk("HEAD", head)
        .chunk("PALT", palette_payload(2))
        .chunk("LABL", zstd_label_payload({1, 0}))
        .chunk("ENDF", {})
        .bytes();
  };
  EXPECT_EQ(decode_error(file_with(header_payload(2, 1, 2, 3, 2))), ErrorCategory::unsupported);
  EXPECT_EQ(decode_error(file_with(header_payload(2, 1, 2, 3, 1, 9))), ErrorCategory::unsupported);
  EXPECT_EQ(decode_error(file_with(header_payload(2, 1, 2, 3, 1, 0, 1))),
            ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(header_payload(2, 1, 2, 2))), ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(header_payload(0, 1, 2))), ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(header_payload(2, 0, 2))), ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(header_payload((1u << 24) + 1, 1, 2))),
            ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(header_payload(2, 1, 0))), ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(header_payload(2, 1, 65537))), ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(header_payload(1u << 16, 1u << 15, 2))),
            ErrorCategory::corrupt_file);  // 2^31 pixels: over the format limit
  Bytes long_head = header_payload(2, 1, 2);
  long_head.push_back(0);
  EXPECT_EQ(decode_error(file_with(long_head)), ErrorCategory::corrupt_file);
}

TEST(Header, PixelLimitIsEnforcedBeforeDecoding) {
  const Bytes file = kmq::testing::valid_file(4, 4, 2, Bytes(16, 1));
  EXPECT_EQ(decode_error(file, kmq::DecodeOptions{.max_pixels = 15}),
            ErrorCategory::limit_exceeded);
  EXPECT_NO_THROW(kmq::decode(file, kmq::DecodeOptions{.max_pixels = 16}));
  // A huge declared image with a tiny file fails on the limit, not on allocation.
  const Bytes huge = KmqFileBuilder()
                         .chunk("HEAD", header_payload(1u << 15, 1u << 15, 2))
                         .chunk("PALT", palette_payload(2))
                         .chunk("LABL", zstd_label_payload({0}))
                         .chunk("ENDF", {})
                         .bytes();
  EXPECT_EQ(decode_error(huge), ErrorCategory::limit_exceeded);
}

TEST(Palette, WrongLengthOrCodingIsRejected) {
  auto file_with = [](const Bytes& palette) {
    return KmqFileBuilder()
        .chunk("HEAD", header_payload(2, 1, 2))
        .chunk("PALT", palette)
        .chunk("LABL", zstd_label_payload({1, 0}))
        .chunk("ENDF", {})
        .bytes();
  };
  EXPECT_EQ(decode_error(file_with(palette_payload(3))), ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with(palette_payload(1))), ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(file_with({})), ErrorCategory::corrupt_file);
  Bytes other_coding = palette_payload(2);
  other_coding[0] = 1;
  EXPECT_EQ(decode_error(file_with(other_coding)), ErrorCategory::unsupported);
}

TEST(Labels, IndexAtOrAboveKIsCorrupt) {
  EXPECT_EQ(decode_error(kmq::testing::valid_file(2, 2, 3, {0, 1, 3, 1})),
            ErrorCategory::corrupt_file);
  // Two-byte indices: K = 300, index 300.
  Bytes raw(8, 0);
  raw[6] = 300 & 0xFF;
  raw[7] = 300 >> 8;
  EXPECT_EQ(decode_error(kmq::testing::valid_file(2, 2, 300, raw)), ErrorCategory::corrupt_file);
  raw[6] = 299 & 0xFF;
  raw[7] = 299 >> 8;
  EXPECT_NO_THROW(kmq::decode(kmq::testing::valid_file(2, 2, 300, raw)));
}

TEST(Labels, ZstdFrameOfTheWrongSizeIsCorrupt) {
  EXPECT_EQ(decode_error(kmq::testing::valid_file(2, 2, 3, {0, 1, 2})),
            ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(kmq::testing::valid_file(2, 2, 3, {0, 1, 2, 1, 0})),
            ErrorCategory::corrupt_file);
  EXPECT_EQ(decode_error(kmq::testing::valid_file(2, 2, 300, {0, 1, 2, 1})),
            ErrorCategory::corrupt_file);  // K > 256 needs 2 bytes per index
}

TEST(Labels, ZstdFrameWithoutContentSizeIsCorrupt) {
  const Bytes file = KmqFileBuilder()
                         .chunk("HEAD", header_payload(2, 1, 2))
                         .chunk("PALT", palette_payload(2))
                         .chunk("LABL", zstd_label_payload({1, 0}, /*declare_size=*/false))
                         .chunk("ENDF", {})
                         .bytes();
  EXPECT_EQ(decode_error(file), ErrorCategory::corrupt_file);
}

TEST(Labels, BytesAfterTheFrameOrASecondFrameAreCorrupt) {
  Bytes labels = zstd_label_payload({1, 0});
  Bytes two_frames = labels;
  two_frames.insert(two_frames.end(), labels.begin() + 1, labels.end());
  Bytes extra = labels;
  extra.push_back(0);
  for (const Bytes& payload : {two_frames, extra}) {
    const Bytes file = KmqFileBuilder()
                           .chunk("HEAD", header_payload(2, 1, 2))
                           .chunk("PALT", palette_payload(2))
                           .chunk("LABL", payload)
                           .chunk("ENDF", {})
                           .bytes();
    EXPECT_EQ(decode_error(file), ErrorCategory::corrupt_file);
  }
}

TEST(Labels, MethodMustMatchTheHeader) {
  Bytes labels = zstd_label_payload({1, 0});
  labels[0] = 1;
  const Bytes file = KmqFileBuilder()
                         .chunk("HEAD", header_payload(2, 1, 2))
                         .chunk("PALT", palette_payload(2))
                         .chunk("LABL", labels)
                         .chunk("ENDF", {})
                         .bytes();
  EXPECT_EQ(decode_error(file), ErrorCategory::corrupt_file);
}

TEST(Labels, GarbageInsteadOfAFrameIsCorrupt) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Bytes labels = kmq::testing::random_bytes(1 + seed % 40, seed);
    labels[0] = 0;
    const Bytes file = KmqFileBuilder()
                           .chunk("HEAD", header_payload(3, 3, 5))
                           .chunk("PALT", palette_payload(5))
                           .chunk("LABL", labels)
                           .chunk("ENDF", {})
                           .bytes();
    EXPECT_EQ(decode_error(file), ErrorCategory::corrupt_file) << "seed " << seed;
  }
}

TEST(Inspect, ReportsHeaderAndChunks) {
  const Bytes file = small_valid_file();
  const kmq::FileInfo info = kmq::inspect(file);
  EXPECT_EQ(info.version, 1);
  EXPECT_EQ(info.width, 9);
  EXPECT_EQ(info.height, 7);
  EXPECT_EQ(info.channels, 3);
  EXPECT_EQ(info.palette_size, 4);
  EXPECT_EQ(info.file_size, file.size());
  ASSERT_EQ(info.chunks.size(), 4u);
  EXPECT_EQ(info.chunks[0].type, "HEAD");
  EXPECT_EQ(info.chunks[0].offset, 8u);
  EXPECT_EQ(info.chunks[3].type, "ENDF");
  EXPECT_STREQ(kmq::label_coding_name(info.label_coding), "zstd-raw");
}

}  // namespace
