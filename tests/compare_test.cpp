// SPDX-License-Identifier: MIT
// kmqcompare's study: the JPEG quality search, the per-K results and their CSV form.
#include <gtest/gtest.h>

#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "compare/compare_study.hpp"
#include "compare/jpeg_at_psnr.hpp"
#include "compare/study_tables.hpp"
#include "scratch_folder.hpp"
#include "test_images.hpp"

namespace {

TEST(JpegQualitySearch, FindsAQualityReachingTheTargetNoHigherThanOneThatDoes) {
  const kmq::Image original =
      kmq::testing::clustered_image(64, 48, {40, 120, 200, 200, 60, 30}, 30, 5);
  const kmq::Image at50 = kmq::io::read_image(kmq::io::write_jpeg(original, 50));
  const double target = kmq::psnr(original, at50);
  kmq::compare::JpegQualitySearch search(original);
  const kmq::compare::JpegPoint point = search.lowest_quality_reaching(target);
  EXPECT_TRUE(point.reached);
  EXPECT_LE(point.quality, 50);
  EXPECT_GE(point.psnr, target);
  const std::vector<std::uint8_t> jpeg = kmq::io::write_jpeg(original, point.quality);
  EXPECT_EQ(point.bytes, jpeg.size());
  EXPECT_DOUBLE_EQ(point.psnr, kmq::psnr(original, kmq::io::read_image(jpeg)));
  if (point.quality > 1) {
    const kmq::Image below = kmq::io::read_image(kmq::io::write_jpeg(original, point.quality - 1));
    EXPECT_LT(kmq::psnr(original, below), target);
  }
}

TEST(JpegQualitySearch, ReportsQuality100AsNotReachedForAnUnreachableTarget) {
  const kmq::Image original = kmq::testing::gradient_image(32, 32);
  kmq::compare::JpegQualitySearch search(original);
  const kmq::compare::JpegPoint point = search.lowest_quality_reaching(200.0);
  EXPECT_FALSE(point.reached);
  EXPECT_EQ(point.quality, 100);
  EXPECT_LT(point.psnr, 200.0);
}

using Study = kmq::testing::ScratchFolderTest;

TEST_F(Study, MeasuresEveryKAgainstTheFileItEncodes) {
  const kmq::Image image = kmq::testing::gradient_image(48, 40);
  const std::string image_path = path("a, \"b\".ppm");
  const std::vector<std::uint8_t> file = kmq::io::write_pnm(image);
  kmq::io::write_file_atomically(image_path, file);
  kmq::compare::StudySettings settings;
  settings.colors = {8, 2};
  settings.keep_visuals = true;
  int steps = 0;
  const kmq::compare::ImageStudy study =
      kmq::compare::study_image(image_path, settings, [&] { ++steps; });
  EXPECT_EQ(steps, 2);
  EXPECT_EQ(study.original_bytes, file.size());
  ASSERT_EQ(study.results.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const kmq::compare::KResult& r = study.results[i];
    EXPECT_EQ(r.requested_colors, settings.colors[i]);
    kmq::EncodeOptions options = settings.encode;
    options.colors = r.requested_colors;
    const std::vector<std::uint8_t> kmq_file = kmq::encode(image, options);
    EXPECT_EQ(r.kmq_bytes, kmq_file.size());  // deterministic encoder: the same file
    const kmq::Image decoded = kmq::decode(kmq_file);
    EXPECT_DOUBLE_EQ(r.psnr, kmq::psnr(image, decoded));
    EXPECT_DOUBLE_EQ(r.ssim, kmq::ssim(image, decoded));
    EXPECT_EQ(r.png_bytes, kmq::io::write_png(kmq::decode_indexed(kmq_file)).size());
    EXPECT_GE(r.jpeg_psnr, r.psnr);
    EXPECT_EQ(r.visuals.counts.size(), static_cast<std::size_t>(r.palette_size));
    std::uint64_t pixels = 0;
    for (const std::uint64_t count : r.visuals.counts) pixels += count;
    EXPECT_EQ(pixels, 48u * 40u);
  }
  EXPECT_GT(study.results[1].psnr, 0);
  EXPECT_LT(study.results[1].psnr, study.results[0].psnr);  // K=2 is worse than K=8

  // The file name holds a comma and quotes: CSV quotes it and doubles the quotes.
  const std::string csv = kmq::compare::csv_text({study});
  EXPECT_NE(csv.find("\n\"a, \"\"b\"\".ppm\",48,40,3,"), std::string::npos) << csv;
}

TEST_F(Study, NamesTheFileThatCannotBeRead) {
  kmq::compare::StudySettings settings;
  settings.colors = {4};
  const std::string image_path = path("missing.png");
  try {
    kmq::compare::study_image(image_path, settings, [] {});
    FAIL() << "no error";
  } catch (const kmq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.png"), std::string::npos) << e.what();
  }
}

}  // namespace
