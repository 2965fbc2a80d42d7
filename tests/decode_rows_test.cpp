// SPDX-License-Identifier: MIT
// kmq::decode_rows: bands of rows in order, the same pixels as kmq::decode, errors before the
// first band, and a sink's exception passed on.
#include <gtest/gtest.h>

#include <kmq/kmq.hpp>
#include <stdexcept>
#include <vector>

#include "kmq_file_builder.hpp"
#include "test_images.hpp"

namespace {

using kmq::testing::Bytes;

// The image decode_rows() hands over, checking that bands come in order and agree on the size.
kmq::Image collect_rows(const Bytes& file, int threads, int* band_count = nullptr) {
  kmq::DecodeOptions options;
  options.threads = threads;
  kmq::Image image;
  int next_row = 0, bands = 0;
  kmq::decode_rows(
      file,
      [&](const kmq::RowBand& band) {
        if (band.first_row == 0) image = kmq::Image(band.width, band.height, band.channels);
        EXPECT_EQ(band.first_row, next_row);
        EXPECT_GE(band.rows, 1);
        EXPECT_LE(band.first_row + band.rows, image.height());
        const std::size_t row_bytes =
            static_cast<std::size_t>(band.width) * static_cast<std::size_t>(band.channels);
        ASSERT_EQ(band.pixels.size(), row_bytes * static_cast<std::size_t>(band.rows));
        std::copy(band.pixels.begin(), band.pixels.end(),
                  image.data().begin() + static_cast<std::ptrdiff_t>(row_bytes) * band.first_row);
        next_row = band.first_row + band.rows;
        ++bands;
      },
      options);
  EXPECT_EQ(next_row, image.height());
  if (band_count != nullptr) *band_count = bands;
  return image;
}

TEST(DecodeRows, GivesTheSamePixelsAsDecodeInOrderedBands) {
  kmq::EncodeOptions options;
  options.colors = 40;
  // 700 x 600 RGB is 1.26 MB: two bands of about a mebibyte. 1 x 3 is one band of 3 rows.
  for (const kmq::Image& image :
       {kmq::testing::gradient_image(700, 600), kmq::testing::half_transparent_image(300, 500),
        kmq::testing::gradient_image(1, 3), kmq::testing::gradient_image(5000, 1)}) {
    const Bytes file = kmq::encode(image, options);
    const kmq::Image whole = kmq::decode(file);
    for (const int threads : {1, 2, 4}) {
      int bands = 0;
      EXPECT_EQ(collect_rows(file, threads, &bands), whole) << image.width() << " " << threads;
      const std::size_t bytes = whole.data().size();
      EXPECT_EQ(bands, bytes > (1u << 20) ? 2 : 1) << image.width();
    }
  }
}

TEST(DecodeRows, ADamagedFileFailsBeforeTheFirstBand) {
  Bytes file = kmq::encode(kmq::testing::gradient_image(30, 20), kmq::EncodeOptions{});
  file[file.size() / 2] ^= 0xFF;
  bool called = false;
  EXPECT_THROW(kmq::decode_rows(file, [&](const kmq::RowBand&) { called = true; }), kmq::Error);
  EXPECT_FALSE(called);
}

TEST(DecodeRows, WhatTheSinkThrowsStopsTheDecodingAndPropagates) {
  kmq::EncodeOptions options;
  options.colors = 8;
  const Bytes file = kmq::encode(kmq::testing::gradient_image(800, 900), options);
  for (const int threads : {1, 2}) {
    kmq::DecodeOptions decode_options;
    decode_options.threads = threads;
    int calls = 0;
    EXPECT_THROW(kmq::decode_rows(
                     file,
                     [&](const kmq::RowBand&) {
                       ++calls;
                       throw std::runtime_error("disk full");
                     },
                     decode_options),
                 std::runtime_error);
    EXPECT_EQ(calls, 1);
  }
}

}  // namespace
