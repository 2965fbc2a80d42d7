// SPDX-License-Identifier: MIT
// Label coding method 4 (adaptive copies, format-spec §5.6): the strip geometry, round trips for
// every K width, strip and thread count, the copy list's coding and checks, the copy finder,
// hand-built streams that break each rule, and damaged files.
#include "format/adaptive_copies.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <random>
#include <string>
#include <vector>

#include "adaptive_copies_streams.hpp"
#include "common/crc32.hpp"
#include "enc/copy_finder.hpp"
#include "format/copy_list.hpp"
#include "format/range_coder.hpp"
#include "format/stream_table.hpp"
#include "kmq_file_builder.hpp"
#include "test_images.hpp"

namespace {

using kmq::LabelCodingChoice;
using kmq::detail::LabelCopy;
using kmq::testing::Bytes;
using kmq::testing::copy_stream;
using kmq::testing::file_with_strips;
using kmq::testing::pixel_stream;

kmq::EncodeOptions copies(int strips = 0, int colors = 256, int threads = 0) {
  kmq::EncodeOptions options;
  options.label_coding = LabelCodingChoice::copies;
  options.tiles = strips;
  options.colors = colors;
  options.threads = threads;
  return options;
}

kmq::DecodeOptions on_threads(int threads) {
  kmq::DecodeOptions options;
  options.threads = threads;
  return options;
}

kmq::IndexedImage indexed_image(int width, int height, int colors, int channels = 3) {
  kmq::IndexedImage indexed;
  indexed.width = width;
  indexed.height = height;
  indexed.channels = channels;
  std::mt19937 random(static_cast<std::uint32_t>(colors * 31 + width));
  for (int i = 0; i < colors * channels; ++i)
    indexed.palette.push_back(static_cast<std::uint8_t>(random()));
  indexed.indices.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
  return indexed;
}

// Labels drawn at random: nearly every pixel a literal.
kmq::IndexedImage noise(int width, int height, int colors, std::uint32_t seed) {
  kmq::IndexedImage indexed = indexed_image(width, height, colors);
  std::mt19937 random(seed);
  for (auto& index : indexed.indices)
    index = static_cast<std::uint16_t>(random() % static_cast<unsigned>(colors));
  return indexed;
}

kmq::IndexedImage text_page(int width, int height, int colors, std::uint32_t seed) {
  return kmq::testing::glyph_page(width, height, colors, seed);
}

std::string describe(const kmq::IndexedImage& indexed) {
  return std::to_string(indexed.width) + "x" + std::to_string(indexed.height) +
         " K=" + std::to_string(indexed.palette_size());
}

// The LABL payload of a file.
Bytes label_payload(const Bytes& file) {
  for (const kmq::ChunkInfo& chunk : kmq::inspect(file).chunks) {
    if (chunk.type == "LABL") {
      const auto begin = file.begin() + static_cast<std::ptrdiff_t>(chunk.offset + 8);
      return Bytes(begin, begin + chunk.length);
    }
  }
  return {};
}

void expect_corrupt(const Bytes& file, const std::string& fragment) {
  try {
    kmq::decode_indexed(file);
    ADD_FAILURE() << "decoded; expected an error mentioning \"" << fragment << "\"";
  } catch (const kmq::Error& error) {
    EXPECT_EQ(error.category(), kmq::ErrorCategory::corrupt_file) << error.what();
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(StripGeometry, StripsCoverEveryRowOnceAndNoneIsEmpty) {
  for (std::size_t height = 1; height <= 300; height += 7) {
    for (std::size_t strips = 1; strips <= std::min<std::size_t>(height, kmq::detail::kMaxStrips);
         ++strips) {
      EXPECT_EQ(kmq::detail::strip_start(0, strips, height), 0u);
      EXPECT_EQ(kmq::detail::strip_start(strips, strips, height), height);
      for (std::size_t s = 0; s < strips; ++s) {
        EXPECT_LT(kmq::detail::strip_start(s, strips, height),
                  kmq::detail::strip_start(s + 1, strips, height));
      }
    }
  }
}

TEST(AdaptiveCopies, EveryStripAndThreadCountDecodesToTheSameIndexMap) {
  const std::vector<kmq::IndexedImage> images = {
      kmq::quantize(kmq::testing::gradient_image(37, 23), copies(1, 6)),
      kmq::quantize(kmq::testing::half_transparent_image(29, 11), copies(1, 5)),
      kmq::quantize(kmq::testing::image_with_colors(41, 19, 500), copies(1, 256)),
      noise(40, 9, 256, 7),
      noise(3, 30, 2, 8),
      text_page(90, 40, 5, 1),
      text_page(61, 50, 256, 2),
  };
  for (const auto& indexed : images) {
    for (const int strips : {1, 2, 3, 7, indexed.height}) {
      const Bytes one_thread = kmq::encode_indexed(indexed, copies(strips, 256, 1));
      EXPECT_EQ(kmq::inspect(one_thread).label_coding, 4);
      EXPECT_EQ(kmq::inspect(one_thread).label_strips, std::min(strips, indexed.height));
      EXPECT_EQ(kmq::encode_indexed(indexed, copies(strips, 256, 3)), one_thread) << strips;
      for (const int threads : {1, 2, 5}) {
        EXPECT_EQ(kmq::decode_indexed(one_thread, on_threads(threads)), indexed)
            << describe(indexed) << " in " << strips << " strips on " << threads << " threads";
      }
    }
  }
}

TEST(AdaptiveCopies, EveryPaletteSizeAndShapeRoundTrips) {
  std::vector<kmq::IndexedImage> images;
  for (const int colors : {1, 2, 3, 16, 255, 256, 257, 300, 4096}) {
    images.push_back(noise(17, 13, colors, static_cast<std::uint32_t>(colors)));
    images.push_back(text_page(70, 30, std::max(colors, 2), static_cast<std::uint32_t>(colors)));
  }
  images.push_back(noise(1, 1, 1, 1));
  images.push_back(noise(1, 40, 7, 2));
  images.push_back(noise(40, 1, 7, 3));
  images.push_back(noise(2, 2, 65536, 4));
  kmq::IndexedImage rgba = text_page(50, 30, 9, 5);
  rgba.channels = 4;
  rgba.palette.resize(9 * 4, 0x80);
  images.push_back(rgba);
  for (const auto& indexed : images) {
    const Bytes file = kmq::encode_indexed(indexed, copies());
    ASSERT_EQ(kmq::inspect(file).label_coding, 4);
    EXPECT_EQ(kmq::decode_indexed(file), indexed) << describe(indexed);
  }
}

TEST(AdaptiveCopies, RepeatedGlyphsBecomeCopiesAndCostLittle) {
  const kmq::IndexedImage page = text_page(400, 300, 4, 9);
  kmq::EncodeOptions partitions;
  partitions.label_coding = LabelCodingChoice::partitions;
  const Bytes method4 = kmq::encode_indexed(page, copies(1));
  const Bytes method2 = kmq::encode_indexed(page, partitions);
  EXPECT_LT(method4.size() * 2, method2.size()) << method4.size() << " vs " << method2.size();
  const std::vector<LabelCopy> found =
      kmq::detail::find_copies(page.indices, 400, 300, kmq::detail::CopySearch{});
  EXPECT_GT(found.size(), 100u);
}

TEST(CopyFinder, CopiesAreValidNonOverlappingAndMatchTheirSources) {
  for (const auto& indexed :
       {text_page(200, 120, 6, 3), text_page(97, 61, 256, 4), noise(64, 64, 2, 5)}) {
    const auto width = static_cast<std::size_t>(indexed.width);
    const auto height = static_cast<std::size_t>(indexed.height);
    const std::vector<LabelCopy> found =
        kmq::detail::find_copies(indexed.indices, width, height, kmq::detail::CopySearch{});
    kmq::detail::CopyChecker checker(width, height);
    for (const LabelCopy& copy : found) {
      checker.check(copy);  // throws if a rule is broken
      EXPECT_GE(copy.width, 4u);
      EXPECT_GE(copy.height, 4u);
      for (std::uint32_t j = 0; j < copy.height; ++j) {
        for (std::uint32_t i = 0; i < copy.width; ++i) {
          const std::size_t to = (copy.y + j) * width + copy.x + i;
          const std::size_t from = (copy.y + j - copy.offset_y) * width +
                                   static_cast<std::size_t>(copy.x + i - copy.offset_x);
          ASSERT_EQ(indexed.indices[to], indexed.indices[from]);
        }
      }
    }
    for (std::size_t c = 1; c < found.size(); ++c) {
      EXPECT_TRUE(found[c - 1].y < found[c].y ||
                  (found[c - 1].y == found[c].y && found[c - 1].x < found[c].x));
    }
  }
}

// The sample photo at 16 colours: many 4x4 blocks repeat in its shading and few of them grow
// into copies (the full search grows over a hundred sources per pixel its copies cover).
kmq::IndexedImage sample_photo_labels(int colors = 16) {
  const kmq::Image photo = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  kmq::EncodeOptions options;
  options.colors = colors;
  return kmq::quantize(photo, options);
}

// Posterised smooth shading: wide bands of one label between slanted contours, where sources
// match over long stretches that hold too few busy pixels to be copies.
kmq::IndexedImage banded(int width, int height, int colors, int spacing) {
  kmq::IndexedImage indexed = indexed_image(width, height, colors);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int shade = (x + 2 * y + (x * y) % 3) / spacing;
      indexed.indices[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                      static_cast<std::size_t>(x)] = static_cast<std::uint16_t>(shade % colors);
    }
  }
  return indexed;
}

// Every field of two equally long copy lists.
void expect_same_copies(const std::vector<LabelCopy>& expected,
                        const std::vector<LabelCopy>& actual) {
  for (std::size_t c = 0; c < expected.size() && c < actual.size(); ++c) {
    EXPECT_EQ(expected[c].x, actual[c].x) << "copy " << c;
    EXPECT_EQ(expected[c].y, actual[c].y) << "copy " << c;
    EXPECT_EQ(expected[c].width, actual[c].width) << "copy " << c;
    EXPECT_EQ(expected[c].height, actual[c].height) << "copy " << c;
    EXPECT_EQ(expected[c].offset_x, actual[c].offset_x) << "copy " << c;
    EXPECT_EQ(expected[c].offset_y, actual[c].offset_y) << "copy " << c;
  }
}

// Skipping the sources declined further left on a row, and those with too few busy pixels
// below, is a shortcut only: the copies are the ones that growing every source finds.
TEST(CopyFinder, SkippingHopelessSourcesFindsTheSameCopies) {
  for (const auto& indexed :
       {banded(300, 200, 8, 40), banded(257, 131, 3, 9), text_page(200, 120, 6, 3),
        text_page(97, 61, 256, 4), sample_photo_labels()}) {
    const auto width = static_cast<std::size_t>(indexed.width);
    const auto height = static_cast<std::size_t>(indexed.height);
    kmq::detail::CopySearch every_source;
    every_source.skip_hopeless = false;
    const std::vector<LabelCopy> fast =
        kmq::detail::find_copies(indexed.indices, width, height, kmq::detail::CopySearch{});
    const std::vector<LabelCopy> slow =
        kmq::detail::find_copies(indexed.indices, width, height, every_source);
    ASSERT_EQ(fast.size(), slow.size()) << describe(indexed);
    expect_same_copies(fast, slow);
  }
}

// Byte labels (K <= 256) take another width of word in the search: the copies must not change.
TEST(CopyFinder, ByteLabelsFindTheSameCopiesAsWideOnes) {
  std::size_t found = 0;
  for (const auto& indexed :
       {banded(300, 200, 8, 40), banded(257, 131, 3, 9), text_page(200, 120, 6, 3),
        text_page(97, 61, 256, 4), noise(67, 45, 2, 5)}) {
    const auto width = static_cast<std::size_t>(indexed.width);
    const auto height = static_cast<std::size_t>(indexed.height);
    const std::vector<std::uint8_t> bytes(indexed.indices.begin(), indexed.indices.end());
    const std::vector<LabelCopy> wide =
        kmq::detail::find_copies(indexed.indices, width, height, kmq::detail::CopySearch{});
    const std::vector<LabelCopy> narrow = kmq::detail::find_copies(
        std::span<const std::uint8_t>(bytes), width, height, kmq::detail::CopySearch{});
    found += wide.size();
    ASSERT_EQ(wide.size(), narrow.size()) << describe(indexed);
    expect_same_copies(wide, narrow);
  }
  EXPECT_GT(found, 100u);
}

TEST(CopyList, EveryFieldRoundTripsThroughTheStream) {
  std::mt19937 random(11);
  std::vector<LabelCopy> list;
  LabelCopy previous{0, 0, 0, 1, 0, 0};
  for (int i = 0; i < 300; ++i) {
    LabelCopy copy;
    if (random() % 2 == 0) {
      copy.y = previous.y;
      copy.x = previous.x + previous.width + random() % 5;
    } else {
      copy.y = previous.y + 1 + random() % 9;
      copy.x = random() % 2000;
    }
    copy.width = 1 + random() % 40;
    copy.height = random() % 3 == 0 ? previous.height : 1 + random() % 30;
    // Offsets from a small set, so that the recent-offset list is hit and missed.
    copy.offset_y = random() % 4;
    copy.offset_x = static_cast<std::int32_t>(random() % 21) - 10;
    list.push_back(copy);
    previous = copy;
  }
  const Bytes stream = copy_stream(list);
  kmq::detail::RangeDecoder decoder(stream);
  kmq::detail::CopyListModel model;
  ASSERT_EQ(model.code_count(decoder), list.size());
  for (const LabelCopy& expected : list) {
    LabelCopy decoded;
    model.code(decoder, decoded);
    ASSERT_EQ(decoded, expected);
  }
  decoder.finish();
}

TEST(CopyChecker, RejectsEveryBrokenRule) {
  struct Case {
    LabelCopy copy;
    const char* fragment;
  };
  const Case cases[] = {
      {{8, 2, 3, 1, 1, 1}, "outside its strip"},      // x + w > width
      {{0, 6, 1, 3, 0, 1}, "outside its strip"},      // y + h > rows
      {{0, 2, 2, 1, 1, 1}, "source lies outside"},    // source x < 0
      {{8, 2, 2, 1, -1, 1}, "source lies outside"},   // source reaches past the width
      {{0, 2, 2, 1, 0, 3}, "source lies outside"},    // source above the strip
      {{3, 2, 2, 1, 0, 0}, "does not come before"},   // offset 0
      {{3, 2, 2, 1, -1, 0}, "does not come before"},  // same row, to the right
  };
  for (const Case& c : cases) {
    kmq::detail::CopyChecker checker(10, 8);
    try {
      checker.check(c.copy);
      ADD_FAILURE() << c.fragment;
    } catch (const kmq::Error& error) {
      EXPECT_NE(std::string(error.what()).find(c.fragment), std::string::npos) << error.what();
    }
  }
  kmq::detail::CopyChecker checker(10, 8);
  checker.check({2, 1, 3, 3, 0, 1});
  checker.check({5, 1, 2, 1, 1, 1});                            // beside it: fine
  EXPECT_THROW(checker.check({4, 3, 2, 1, 1, 1}), kmq::Error);  // column 4, row 3: covered
  checker.check({4, 4, 2, 1, 1, 1});                            // below it: fine
}

TEST(AdaptiveCopies, HandMadeCopiesDecodeIncludingOnesThatOverlapTheirSource) {
  // A row pattern of period 3 copied along its own row (offset (3, 0), wider than 3), a block
  // copied from up and to the right, and a one-pixel copy.
  kmq::IndexedImage indexed = indexed_image(24, 6, 5);
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 24; ++x) {
      indexed.indices[static_cast<std::size_t>(y * 24 + x)] =
          static_cast<std::uint16_t>((x % 3 + y) % 5);
    }
  }
  const std::vector<LabelCopy> list = {
      {3, 0, 20, 2, 3, 0},  // overlapping its source on the same rows
      {0, 2, 4, 3, -6, 1},  // from one row up and six columns right: labels differ there
      {23, 5, 1, 1, 6, 0},
  };
  // Make the second copy true: its pixels take their sources' labels.
  for (std::uint32_t j = 0; j < 3; ++j) {
    for (std::uint32_t i = 0; i < 4; ++i) {
      indexed.indices[(2 + j) * 24 + i] = indexed.indices[(1 + j) * 24 + i + 6];
    }
  }
  indexed.indices[5 * 24 + 23] = indexed.indices[5 * 24 + 17];
  const Bytes file = file_with_strips(indexed, {{copy_stream(list), pixel_stream(indexed, list)}});
  EXPECT_EQ(kmq::decode_indexed(file), indexed);
}

TEST(AdaptiveCopies, StreamsThatBreakARuleAreRejected) {
  const kmq::IndexedImage indexed = noise(8, 4, 3, 21);
  const Bytes pixels = pixel_stream(indexed, {});
  const Bytes no_copies = copy_stream({});
  ASSERT_EQ(kmq::decode_indexed(file_with_strips(indexed, {{no_copies, pixels}})), indexed);
  // Each list with the pixel stream the encoder would write around it, so that the copy is
  // what the decoder trips on.
  auto with_copies = [&](const std::vector<LabelCopy>& list) {
    return file_with_strips(indexed, {{copy_stream(list), pixel_stream(indexed, list)}});
  };
  expect_corrupt(file_with_strips(indexed, {{copy_stream({}, 33), pixels}}),
                 "more copies than the strip has pixels");
  expect_corrupt(file_with_strips(indexed, {{copy_stream({}, 1), pixels}}), "");
  expect_corrupt(with_copies({{0, 0, 9, 1, 1, 0}}), "outside its strip");
  expect_corrupt(with_copies({{0, 1, 2, 2, 0, 2}}), "source lies outside");
  expect_corrupt(with_copies({{2, 1, 2, 1, 0, 0}}), "does not come before");
  expect_corrupt(with_copies({{0, 1, 2, 2, 0, 1}, {1, 2, 2, 1, 0, 1}}),
                 "two copies cover the same pixel");
  Bytes longer = pixels;
  longer.push_back(0);
  expect_corrupt(file_with_strips(indexed, {{no_copies, longer}}), "bytes after its last value");
  expect_corrupt(file_with_strips(indexed, {{no_copies, Bytes(pixels.begin(), pixels.end() - 1)}}),
                 "");
  Bytes copies_longer = no_copies;
  copies_longer.push_back(0);
  expect_corrupt(file_with_strips(indexed, {{copies_longer, pixels}}),
                 "bytes after its last value");
  Bytes nonzero_start = pixels;
  nonzero_start[0] = 1;
  expect_corrupt(file_with_strips(indexed, {{no_copies, nonzero_start}}), "zero byte");
  expect_corrupt(file_with_strips(indexed, {{no_copies, Bytes(4, 0)}}), "shorter than 5 bytes");
  // Two strips holding one strip's streams each, a strip count of zero, more strips than rows.
  expect_corrupt(file_with_strips(indexed, {{no_copies, pixels}, {no_copies, pixels}}), "");
  expect_corrupt(file_with_strips(indexed, {}), "at least one strip");
  std::vector<kmq::detail::StripStreams> five(5, {no_copies, pixels});
  expect_corrupt(file_with_strips(indexed, five), "more strips than rows");
}

TEST(AdaptiveCopies, ARunPastItsLimitIsRejected) {
  // A 2 x 1 image, K = 2: the first pixel starts a run (W = 0 on the first row) with limit 2,
  // ahead 0. Decisions: not to the limit, not as above, then gamma m = 1: r = 1 + 1 = 2, which
  // is not below the limit.
  const kmq::IndexedImage indexed = indexed_image(2, 1, 2);
  kmq::detail::RangeEncoder coder;
  kmq::detail::PixelStreamStates states(2);
  coder.decide(states.run_to_limit[4], 0);  // ahead != limit, limit <= 16, first row, q = 0
  coder.decide(states.run_as_above[4], 0);  // q = 0, ahead = 0
  kmq::detail::code_gamma(coder, states.run_length[0], 1);
  expect_corrupt(file_with_strips(indexed, {{copy_stream({}), coder.finish()}}),
                 "run length out of range");
}

TEST(AdaptiveCopies, ALiteralOutOfRangeIsRejected) {
  // A 1 x 2 image, K = 3. Pixel (0, 0): W = 0 on the first row, a run of limit 1, ahead 0: run
  // to the limit. Pixel (0, 1): every neighbour is that 0 (x = 0 takes N), a run again with
  // ahead = limit = 1: not to the limit, so shorter with gamma m = 0: r = 0, and the break
  // pixel follows. It has one candidate (W, excluded) and an empty prediction table, so it is
  // a literal: a 2-bit tree value (K = 3) from set (count 1, extra 0), here 3: not below K.
  const kmq::IndexedImage indexed = indexed_image(1, 2, 3);
  auto stream = [](std::uint32_t literal) {
    kmq::detail::RangeEncoder coder;
    kmq::detail::PixelStreamStates states(3);
    coder.decide(states.run_to_limit[4], 1);  // first row, ahead 0 != limit 1, q = 0
    coder.decide(states.run_to_limit[1], 0);  // ahead = limit, q = 0
    kmq::detail::code_gamma(coder, states.run_length[2 * 1 + 1], 0);
    kmq::detail::code_tree(coder, &states.literal[0], 2, literal);
    return coder.finish();
  };
  expect_corrupt(file_with_strips(indexed, {{copy_stream({}), stream(3)}}), "literal out of range");
  // The same stream with a literal of 2 is the image with labels 0 and 2.
  const kmq::IndexedImage decoded =
      kmq::decode_indexed(file_with_strips(indexed, {{copy_stream({}), stream(2)}}));
  EXPECT_EQ(decoded.indices, (std::vector<std::uint16_t>{0, 2}));
}

TEST(AdaptiveCopies, ATruncatedOrDamagedFileIsAnErrorOrDecodesInRange) {
  for (const auto& indexed : {text_page(40, 30, 5, 6), noise(23, 6, 300, 12)}) {
    const Bytes good = kmq::encode_indexed(indexed, copies(2));
    for (std::size_t size = 0; size < good.size(); size += 3) {
      EXPECT_THROW(
          kmq::decode(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size)),
                      on_threads(2)),
          kmq::Error);
    }
    // Damage inside the label chunk, the CRC made right again, so that the label decoder (not
    // the CRC check) meets it.
    const kmq::ChunkInfo labels = kmq::inspect(good).chunks.at(2);
    ASSERT_EQ(labels.type, "LABL");
    for (std::size_t at = 1; at < labels.length; ++at) {
      for (const std::uint8_t flip : {0x01, 0x5A, 0x80}) {
        Bytes bad = good;
        const std::size_t payload = labels.offset + 8;
        bad[payload + at] ^= flip;
        const std::uint32_t crc = kmq::detail::crc32_update(
            0, std::span<const std::uint8_t>(&bad[labels.offset + 4], labels.length + 4));
        for (int byte = 0; byte < 4; ++byte)
          bad[payload + labels.length + byte] = static_cast<std::uint8_t>(crc >> (8 * byte));
        try {
          const kmq::IndexedImage decoded = kmq::decode_indexed(bad, on_threads(2));
          for (const auto index : decoded.indices) ASSERT_LT(index, decoded.palette_size());
        } catch (const kmq::Error& e) {
          EXPECT_EQ(e.category(), kmq::ErrorCategory::corrupt_file) << at << ": " << e.what();
        }
      }
    }
  }
}

TEST(AdaptiveCopies, MethodFourPayloadStartsWithItsStripTable) {
  const kmq::IndexedImage page = text_page(64, 40, 4, 13);
  const Bytes labels = label_payload(kmq::encode_indexed(page, copies(3)));
  ASSERT_GE(labels.size(), 2u + 3 * 8 + 6 * 5);
  EXPECT_EQ(labels[0], 4);
  EXPECT_EQ(labels[1], 3);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    std::uint32_t size = 0;
    for (int b = 0; b < 4; ++b)
      size |= std::uint32_t{labels[2 + 4 * i + static_cast<std::size_t>(b)]} << (8 * b);
    EXPECT_GE(size, 5u);
    total += size;
  }
  EXPECT_EQ(total, labels.size() - 2 - 3 * 8);
}

}  // namespace

// One image above the other (equal widths and palettes).
kmq::IndexedImage stacked(const kmq::IndexedImage& top, const kmq::IndexedImage& bottom) {
  kmq::IndexedImage both = top;
  both.height = top.height + bottom.height;
  both.indices.insert(both.indices.end(), bottom.indices.begin(), bottom.indices.end());
  return both;
}

// A page of glyphs as wide as `photo`, in its palette.
kmq::IndexedImage page_like(const kmq::IndexedImage& photo, int height) {
  kmq::IndexedImage page = text_page(photo.width, height, photo.palette_size(), 7);
  page.palette = photo.palette;
  page.channels = photo.channels;
  return page;
}

kmq::detail::CopySearch budgeted() {
  kmq::detail::CopySearch search;
  search.max_grows_per_copied_pixel = 8;
  return search;
}

// The default effort's work budget ends a search that grows many sources and copies little,
// and is invisible elsewhere: what it finds is always the start of what the full search finds.
TEST(CopyFinder, AWorkBudgetEndsFruitlessSearchesAndKeepsWhatTheyFound) {
  const kmq::IndexedImage photo = sample_photo_labels();
  const kmq::IndexedImage photo_then_text = stacked(photo, page_like(photo, 300));
  const kmq::IndexedImage text_then_photo = stacked(page_like(photo, 300), photo);
  std::vector<std::size_t> full_sizes, budget_sizes;
  for (const auto& indexed :
       {photo_then_text, text_then_photo, text_page(200, 120, 6, 3), text_page(97, 61, 256, 4)}) {
    const auto width = static_cast<std::size_t>(indexed.width);
    const auto height = static_cast<std::size_t>(indexed.height);
    const std::vector<LabelCopy> full =
        kmq::detail::find_copies(indexed.indices, width, height, kmq::detail::CopySearch{});
    const std::vector<LabelCopy> budget =
        kmq::detail::find_copies(indexed.indices, width, height, budgeted());
    ASSERT_LE(budget.size(), full.size()) << describe(indexed);
    expect_same_copies(budget, full);  // the budget's copies are the first of the full list
    full_sizes.push_back(full.size());
    budget_sizes.push_back(budget.size());
  }
  // Photo first: the search stops in it and never reaches the text's copies.
  EXPECT_GT(full_sizes[0], 100u);
  EXPECT_LT(budget_sizes[0] * 10, full_sizes[0]);
  // Text first, and text alone: the copies pay for the work, the search runs to the end.
  EXPECT_EQ(budget_sizes[1], full_sizes[1]);
  EXPECT_EQ(budget_sizes[2], full_sizes[2]);
  EXPECT_EQ(budget_sizes[3], full_sizes[3]);
}

// At the default effort the budget may leave copies unfound, never a pixel wrong; higher
// efforts search every strip to its end.
TEST(AdaptiveCopies, TheBudgetedSearchStillDecodesExactly) {
  const kmq::IndexedImage photo = sample_photo_labels();
  const kmq::IndexedImage image = stacked(photo, page_like(photo, 300));
  std::vector<std::size_t> sizes;
  for (const int effort : {4, 5}) {
    kmq::EncodeOptions options = copies(1, 16);
    options.effort = effort;
    const Bytes file = kmq::encode_indexed(image, options);
    EXPECT_EQ(kmq::decode_indexed(file).indices, image.indices) << "effort " << effort;
    sizes.push_back(file.size());
  }
  EXPECT_GT(sizes[0], sizes[1]);  // the text's copies, found at effort 5 only
}

// At 8 colours and fewer text repeats so many small blocks that the budget would cut productive
// searches short (a terminal screenshot at K = 4 grew 69 %): the default effort searches fully.
TEST(AdaptiveCopies, FewColoursAreSearchedFullyAtTheDefaultEffort) {
  const kmq::IndexedImage photo = sample_photo_labels(8);
  const kmq::IndexedImage image = stacked(photo, page_like(photo, 300));
  kmq::EncodeOptions quick = copies(1, 8), thorough = copies(1, 8);
  quick.effort = 4;
  thorough.effort = 5;
  EXPECT_EQ(kmq::encode_indexed(image, quick), kmq::encode_indexed(image, thorough));
}
