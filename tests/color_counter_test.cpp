// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <utility>

#include "test_images.hpp"

namespace {

kmq::EncodeOptions options_with(int colors, int threads) {
  kmq::EncodeOptions options;
  options.colors = colors;
  options.threads = threads;
  return options;
}

// Feeds the counter in uneven bands, an empty one included, as a decoder might.
void feed_in_bands(kmq::ColorCounter& counter, const kmq::Image& image) {
  int row = 0;
  for (const int band : {0, 1, 7, 32, 5}) {
    const int end = std::min(image.height(), row + band);
    counter.rows_ready(image, row, end);
    row = end;
  }
  counter.rows_ready(image, row, image.height());
}

void expect_same_indexed(const kmq::IndexedImage& a, const kmq::IndexedImage& b) {
  EXPECT_EQ(a.palette, b.palette);
  EXPECT_EQ(a.indices, b.indices);
}

TEST(ColorCounter, CountingWhileDecodingGivesTheSameResultOnAnyThreadCount) {
  const kmq::Image images[] = {kmq::testing::gradient_image(90, 70),
                               kmq::testing::half_transparent_image(64, 48)};
  for (const kmq::Image& image : images) {
    for (const int threads : {1, 2}) {
      const kmq::EncodeOptions options = options_with(12, threads);
      kmq::QuantizeStats direct_stats, counted_stats;
      const kmq::IndexedImage direct = kmq::quantize(image, options, &direct_stats);
      kmq::ColorCounter counter(threads);
      feed_in_bands(counter, image);
      const kmq::IndexedImage counted =
          kmq::quantize(image, std::move(counter), options, &counted_stats);
      expect_same_indexed(direct, counted);
      EXPECT_EQ(direct_stats.distinct_colors, counted_stats.distinct_colors);
      EXPECT_EQ(direct_stats.mse, counted_stats.mse);
    }
  }
}

TEST(ColorCounter, CountsRowsReportedByTheImageReaders) {
  const kmq::Image image = kmq::testing::gradient_image(80, 100);  // > one report of rows
  const kmq::IndexedImage direct = kmq::quantize(image, options_with(9, 2));
  for (const auto& file : {kmq::io::write_png(image), kmq::io::write_pnm(image)}) {
    kmq::ColorCounter counter(2);
    kmq::io::ReadOptions read;
    read.on_rows = [&](const kmq::Image& rows, int first, int end) {
      counter.rows_ready(rows, first, end);
    };
    const kmq::Image decoded = kmq::io::read_image(file, read);
    expect_same_indexed(direct, kmq::quantize(decoded, std::move(counter), options_with(9, 2)));
  }
}

TEST(ColorCounter, RowsOutOfOrderOrOfAnotherImageAreRefused) {
  const kmq::Image image = kmq::testing::gradient_image(16, 16);
  const kmq::Image other = kmq::testing::gradient_image(16, 16);
  for (const int threads : {1, 2}) {
    kmq::ColorCounter counter(threads);
    EXPECT_THROW(counter.rows_ready(image, 1, 4), kmq::Error);  // row 0 first
    counter.rows_ready(image, 0, 4);
    EXPECT_THROW(counter.rows_ready(image, 0, 4), kmq::Error);   // twice
    EXPECT_THROW(counter.rows_ready(image, 4, 17), kmq::Error);  // past the end
    EXPECT_THROW(counter.rows_ready(other, 4, 8), kmq::Error);   // another image's buffer
  }
}

TEST(ColorCounter, QuantizingWithAnIncompleteOrForeignCountIsAnError) {
  const kmq::Image image = kmq::testing::gradient_image(16, 16);
  const kmq::Image other = kmq::testing::gradient_image(16, 16);
  const kmq::EncodeOptions options = options_with(4, 2);
  kmq::ColorCounter partial(2);
  partial.rows_ready(image, 0, 8);
  EXPECT_THROW(kmq::quantize(image, std::move(partial), options), kmq::Error);
  kmq::ColorCounter foreign(2);
  feed_in_bands(foreign, other);
  EXPECT_THROW(kmq::quantize(image, std::move(foreign), options), kmq::Error);
  kmq::ColorCounter used(2);
  feed_in_bands(used, image);
  EXPECT_NO_THROW(kmq::quantize(image, std::move(used), options));
  EXPECT_THROW(kmq::quantize(image, std::move(used), options), kmq::Error);  // moved from
}

TEST(ColorCounter, AnAbandonedCountStopsItsThread) {
  // A reader that fails halfway leaves the counter with rows pending; destroying it must not
  // wait for, or count, rows that will never come.
  const kmq::Image image = kmq::testing::gradient_image(300, 300);
  kmq::ColorCounter counter(2);
  counter.rows_ready(image, 0, 150);
}

}  // namespace
