// SPDX-License-Identifier: MIT
// Label coding method 3 (partition tiles, format-spec §5.5): the tile geometry, round trips for
// every tile and thread count, the encoder's tile choice, and damaged tile tables.
#include <gtest/gtest.h>

#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <random>
#include <vector>

#include "common/crc32.hpp"
#include "format/partition_model.hpp"
#include "kmq_file_builder.hpp"
#include "test_images.hpp"

namespace {

using kmq::LabelCodingChoice;
using kmq::testing::Bytes;

kmq::EncodeOptions tiled(int tiles, int colors = 256, int threads = 0) {
  kmq::EncodeOptions options;
  options.label_coding = LabelCodingChoice::tiles;
  options.tiles = tiles;
  options.colors = colors;
  options.threads = threads;
  return options;
}

kmq::DecodeOptions on_threads(int threads) {
  kmq::DecodeOptions options;
  options.threads = threads;
  return options;
}

// Noise labels: nearly every pixel escapes, so every literal stream is used in every tile.
kmq::IndexedImage noise(int width, int height, int colors, std::uint32_t seed) {
  std::mt19937 random(seed);
  kmq::IndexedImage indexed;
  indexed.width = width;
  indexed.height = height;
  indexed.channels = 3;
  for (int i = 0; i < colors * 3; ++i)
    indexed.palette.push_back(static_cast<std::uint8_t>(random()));
  for (int i = 0; i < width * height; ++i)
    indexed.indices.push_back(static_cast<std::uint16_t>(random() % static_cast<unsigned>(colors)));
  return indexed;
}

// The LABL payload of a file (its offset from kmq::inspect).
Bytes label_payload(const Bytes& file) {
  for (const kmq::ChunkInfo& chunk : kmq::inspect(file).chunks) {
    if (chunk.type == "LABL") {
      const auto begin = file.begin() + static_cast<std::ptrdiff_t>(chunk.offset + 8);
      return Bytes(begin, begin + chunk.length);
    }
  }
  return {};
}

TEST(TileGeometry, TilesCoverEveryColumnOnceAndNoneIsEmpty) {
  for (std::size_t width = 1; width <= 300; width += 7) {
    for (std::size_t tiles = 1; tiles <= std::min<std::size_t>(width, kmq::detail::kMaxTiles);
         ++tiles) {
      EXPECT_EQ(kmq::detail::tile_start(0, tiles, width), 0u);
      EXPECT_EQ(kmq::detail::tile_start(tiles, tiles, width), width);
      for (std::size_t t = 0; t < tiles; ++t) {
        EXPECT_LT(kmq::detail::tile_start(t, tiles, width),
                  kmq::detail::tile_start(t + 1, tiles, width))
            << width << " " << tiles << " " << t;
      }
    }
  }
}

TEST(PartitionTiles, EveryTileAndThreadCountDecodesToTheSameIndexMap) {
  const std::vector<kmq::IndexedImage> images = {
      kmq::quantize(kmq::testing::gradient_image(37, 23), tiled(1, 6)),
      kmq::quantize(kmq::testing::half_transparent_image(29, 11), tiled(1, 5)),
      kmq::quantize(kmq::testing::image_with_colors(41, 19, 500), tiled(1, 256)),
      noise(40, 9, 256, 7),
      noise(3, 30, 2, 8),
  };
  for (const auto& indexed : images) {
    for (const int tiles : {1, 2, 3, 7, indexed.width}) {
      const Bytes one_thread = kmq::encode_indexed(indexed, tiled(tiles, 256, 1));
      EXPECT_EQ(kmq::inspect(one_thread).label_coding, 3);
      EXPECT_EQ(label_payload(one_thread).at(2), std::min(tiles, indexed.width));
      EXPECT_EQ(kmq::inspect(one_thread).label_tiles, std::min(tiles, indexed.width));
      // The bytes do not depend on the encoder's threads, the pixels not on the decoder's.
      EXPECT_EQ(kmq::encode_indexed(indexed, tiled(tiles, 256, 3)), one_thread) << tiles;
      for (const int threads : {1, 2, 5}) {
        EXPECT_EQ(kmq::decode_indexed(one_thread, on_threads(threads)), indexed)
            << indexed.width << "x" << indexed.height << " in " << tiles << " tiles on " << threads
            << " threads";
      }
    }
  }
}

TEST(PartitionTiles, MoreTilesThanColumnsGiveOneTilePerColumn) {
  const auto indexed = noise(2, 5, 4, 9);
  const Bytes file = kmq::encode_indexed(indexed, tiled(200, 4));
  EXPECT_EQ(label_payload(file).at(2), 2);
  EXPECT_EQ(kmq::decode_indexed(file), indexed);
}

TEST(PartitionTiles, OutOfRangeTileCountsAreRejected) {
  for (const int tiles : {-1, 256}) {
    EXPECT_THROW(kmq::validate(tiled(tiles)), kmq::Error) << tiles;
  }
  EXPECT_THROW(kmq::encode_indexed(
                   kmq::quantize(kmq::testing::image_with_colors(31, 19, 500), tiled(2, 300)),
                   tiled(2, 300)),
               kmq::Error);
}

TEST(TileChoice, ByDefaultTheEncoderTilesOneMegapixelEachUpToEight) {
  // One tile per 2^20 pixels (rounded), each at least 256 columns wide, at most 8; images that
  // round to one tile keep method 2.
  struct Case {
    int width, height, method, tiles;
  };
  for (const Case& c :
       {Case{600, 400, 2, 1}, Case{1024, 1024, 2, 1}, Case{1024, 1536, 3, 2}, Case{300, 8000, 2, 1},
        Case{600, 8000, 3, 2}, Case{2560, 1600, 3, 4}, Case{3000, 3000, 3, 8}}) {
    kmq::IndexedImage indexed = noise(c.width, c.height, 16, 11);
    // Mostly flat, so that encoding a few megapixels stays quick.
    for (std::size_t i = 0; i < indexed.indices.size(); ++i) {
      if (i % 97 != 0) indexed.indices[i] = static_cast<std::uint16_t>(i / 4099 % 16);
    }
    kmq::EncodeOptions options;
    options.effort = 3;
    const Bytes file = kmq::encode_indexed(indexed, options);
    EXPECT_EQ(kmq::inspect(file).label_coding, c.method) << c.width << "x" << c.height;
    if (c.method == 3) EXPECT_EQ(label_payload(file).at(2), c.tiles) << c.width;
    EXPECT_EQ(kmq::decode_indexed(file), indexed);
  }
}

TEST(PartitionTiles, ATruncatedOrBitFlippedFileIsAnErrorOrDecodesInRange) {
  const auto indexed = noise(23, 6, 7, 12);
  const Bytes good = kmq::encode_indexed(indexed, tiled(4, 7));
  for (std::size_t size = 0; size < good.size(); ++size) {
    EXPECT_THROW(kmq::decode(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size)),
                             on_threads(2)),
                 kmq::Error);
  }
  // Damage inside the label chunk, with the CRC made right again, so that the label decoder
  // (not the CRC check) meets it.
  const kmq::ChunkInfo labels = kmq::inspect(good).chunks.at(2);
  ASSERT_EQ(labels.type, "LABL");
  for (std::size_t at = 1; at < labels.length; ++at) {
    Bytes bad = good;
    const std::size_t payload = labels.offset + 8;
    bad[payload + at] ^= 0x5A;
    const std::uint32_t crc = kmq::detail::crc32_update(
        0, std::span<const std::uint8_t>(&bad[labels.offset + 4], labels.length + 4));
    for (int byte = 0; byte < 4; ++byte)
      bad[payload + labels.length + byte] = static_cast<std::uint8_t>(crc >> (8 * byte));
    try {
      const kmq::IndexedImage decoded = kmq::decode_indexed(bad, on_threads(2));
      for (const auto index : decoded.indices) EXPECT_LT(index, decoded.palette_size());
    } catch (const kmq::Error& e) {
      EXPECT_EQ(e.category(), kmq::ErrorCategory::corrupt_file) << at << ": " << e.what();
    }
  }
}

}  // namespace
