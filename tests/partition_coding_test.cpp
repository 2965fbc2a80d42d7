// SPDX-License-Identifier: MIT
// Label coding method 2 (neighbour partitions, format-spec §5.3): the equality patterns, the
// colour-ranked literals, round trips, the encoder's choice by effort, and damaged files.
#include <gtest/gtest.h>

#include <algorithm>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "format/color_ranking.hpp"
#include "format/partition_model.hpp"
#include "kmq_file_builder.hpp"
#include "test_images.hpp"

namespace {

using kmq::LabelCodingChoice;
using kmq::testing::Bytes;

kmq::EncodeOptions coding(LabelCodingChoice choice, int colors, int effort = kmq::kDefaultEffort) {
  kmq::EncodeOptions options;
  options.label_coding = choice;
  options.colors = colors;
  options.effort = effort;
  return options;
}

// The 15 restricted growth strings of W, N, NE, NW in lexicographic order (§5.3), written out
// rather than derived, so that the table in the codec is checked against the spec's list.
const std::vector<std::string> kSpecPatterns = {"0000", "0001", "0010", "0011", "0012",
                                                "0100", "0101", "0102", "0110", "0111",
                                                "0112", "0120", "0121", "0122", "0123"};

TEST(PartitionCandidates, EveryNeighbourhoodGetsTheContextOfItsEqualityPattern) {
  for (std::uint32_t code = 0; code < 256; ++code) {
    const kmq::detail::NeighbourLabels near{code & 3, code >> 2 & 3, code >> 4 & 3, code >> 6 & 3};
    const std::uint32_t values[4] = {near.w, near.n, near.ne, near.nw};
    std::vector<std::uint32_t> distinct;
    std::string pattern;
    for (const std::uint32_t value : values) {
      auto at = std::find(distinct.begin(), distinct.end(), value);
      if (at == distinct.end()) at = distinct.insert(distinct.end(), value);
      pattern += static_cast<char>('0' + (at - distinct.begin()));
    }
    const kmq::detail::PartitionCandidates partition = kmq::detail::partition_candidates(near);
    const auto expected_context =
        std::find(kSpecPatterns.begin(), kSpecPatterns.end(), pattern) - kSpecPatterns.begin();
    ASSERT_EQ(partition.context, expected_context) << pattern;
    ASSERT_EQ(partition.count, static_cast<int>(distinct.size())) << pattern;
    for (std::size_t c = 0; c < distinct.size(); ++c) {
      EXPECT_EQ(partition.candidate[c], distinct[c]) << pattern;
    }
  }
}

TEST(ColorRanking, LiteralsNumberTheNonCandidatesWithoutGapsAndInvert) {
  std::mt19937 random(7);
  for (const int channels : {3, 4}) {
    for (const int k : {1, 2, 3, 5, 17, 256}) {
      std::vector<std::uint8_t> palette(static_cast<std::size_t>(k * channels));
      for (auto& sample : palette) sample = static_cast<std::uint8_t>(random() % 8 * 32);  // ties
      kmq::detail::ColorRanking ranking(palette, channels);
      for (int trial = 0; trial < 40; ++trial) {
        auto pick = [&] { return static_cast<std::uint32_t>(random() % static_cast<unsigned>(k)); };
        const kmq::detail::NeighbourLabels near{pick(), pick(), pick(), pick()};
        const kmq::detail::PartitionCandidates partition = kmq::detail::partition_candidates(near);
        std::set<std::uint32_t> literals;
        for (std::uint32_t label = 0; label < static_cast<std::uint32_t>(k); ++label) {
          if (std::find(partition.candidate, partition.candidate + partition.count, label) !=
              partition.candidate + partition.count)
            continue;
          const std::uint32_t literal = ranking.ranked_literal(label, partition);
          ASSERT_LT(literal, static_cast<std::uint32_t>(k - partition.count));
          EXPECT_TRUE(literals.insert(literal).second);
          EXPECT_EQ(ranking.label_of_ranked_literal(literal, partition), label);
        }
        EXPECT_EQ(literals.size(), static_cast<std::size_t>(k - partition.count));
      }
    }
  }
}

TEST(ColorRanking, TheNearestColorToWIsLiteralZeroAndTiesGoToTheLowerIndex) {
  // Grey levels 0, 100, 40, 60, 160: from W = 0 (grey 0) the order is 0, 2, 3, 1, 4.
  const std::vector<std::uint8_t> palette = {0,  0,  0,  100, 100, 100, 40, 40,
                                             40, 60, 60, 60,  160, 160, 160};
  kmq::detail::ColorRanking ranking(palette, 3);
  const kmq::detail::PartitionCandidates w_only = kmq::detail::partition_candidates({0, 0, 0, 0});
  EXPECT_EQ(ranking.ranked_literal(2, w_only), 0u);
  EXPECT_EQ(ranking.ranked_literal(3, w_only), 1u);
  EXPECT_EQ(ranking.ranked_literal(1, w_only), 2u);
  EXPECT_EQ(ranking.ranked_literal(4, w_only), 3u);
  // Candidate 2 (N) is skipped: 3 becomes the nearest.
  const kmq::detail::PartitionCandidates with_n = kmq::detail::partition_candidates({0, 2, 2, 0});
  EXPECT_EQ(ranking.ranked_literal(3, with_n), 0u);
  // Grey 40 and 160 are equally far from grey 100: the lower index (2) comes first.
  const kmq::detail::PartitionCandidates from_1 = kmq::detail::partition_candidates({1, 1, 1, 1});
  EXPECT_LT(ranking.ranked_literal(2, from_1), ranking.ranked_literal(4, from_1));
}

struct Shape {
  int width, height, colors;
};

class PartitionRoundTrip : public ::testing::TestWithParam<Shape> {};

TEST_P(PartitionRoundTrip, DecodesToTheSameIndexMap) {
  const Shape shape = GetParam();
  for (const bool alpha : {false, true}) {
    const auto image = alpha ? kmq::testing::half_transparent_image(shape.width, shape.height)
                             : kmq::testing::gradient_image(shape.width, shape.height);
    const auto options = coding(LabelCodingChoice::partitions, shape.colors);
    const auto indexed = kmq::quantize(image, options);
    const auto file = kmq::encode_indexed(indexed, options);
    EXPECT_EQ(kmq::inspect(file).label_coding, 2);
    EXPECT_EQ(kmq::decode_indexed(file), indexed);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, PartitionRoundTrip,
                         ::testing::Values(Shape{1, 1, 1}, Shape{1, 1, 4}, Shape{1, 40, 6},
                                           Shape{40, 1, 6}, Shape{2, 2, 3}, Shape{33, 17, 16},
                                           Shape{64, 48, 256}, Shape{61, 7, 200}));

TEST(PartitionCoding, RandomLabelsRoundTripWithEveryLiteral) {
  // Noise: almost every pixel is an escape, so literals of every size occur.
  std::mt19937 random(3);
  kmq::IndexedImage indexed;
  indexed.width = 45;
  indexed.height = 31;
  indexed.channels = 3;
  for (int i = 0; i < 256 * 3; ++i) indexed.palette.push_back(static_cast<std::uint8_t>(random()));
  for (int i = 0; i < indexed.width * indexed.height; ++i)
    indexed.indices.push_back(static_cast<std::uint16_t>(random() % 256));
  const auto file = kmq::encode_indexed(indexed, coding(LabelCodingChoice::partitions, 256));
  EXPECT_EQ(kmq::decode_indexed(file), indexed);
}

TEST(PartitionCoding, IsRefusedAboveK256) {
  const auto options = coding(LabelCodingChoice::partitions, 300);
  const auto indexed = kmq::quantize(kmq::testing::image_with_colors(31, 19, 500), options);
  ASSERT_GT(indexed.palette_size(), 256);
  try {
    kmq::encode_indexed(indexed, options);
    FAIL() << "encoded";
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::bad_input);
    EXPECT_NE(std::string(e.what()).find("K <= 256"), std::string::npos);
  }
}

TEST(PartitionCoding, BeatsMethodOneOnTheSamplePhoto) {
  const auto image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const int k : {16, 256}) {
    auto options = coding(LabelCodingChoice::contexts, k);
    const auto indexed = kmq::quantize(image, options);
    const auto contexts = kmq::encode_indexed(indexed, options);
    options.label_coding = LabelCodingChoice::partitions;
    const auto partitions = kmq::encode_indexed(indexed, options);
    EXPECT_EQ(kmq::decode_indexed(partitions), indexed);
    // Measured on this photo: 0.90x at K = 16, 0.88x at K = 256.
    EXPECT_LT(static_cast<double>(partitions.size()), 0.94 * static_cast<double>(contexts.size()))
        << k;
  }
}

TEST(LabelModelling, RowBandsOnSeveralThreadsGiveTheSameBytesAsOne) {
  // 427 rows: up to 6 bands of at least 64 rows, each modelled on its own thread.
  const auto image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const auto& [choice, k] :
       {std::pair{LabelCodingChoice::partitions, 16}, std::pair{LabelCodingChoice::contexts, 300},
        std::pair{LabelCodingChoice::automatic, 64}}) {
    auto options = coding(choice, k);
    options.threads = 1;
    const auto indexed = kmq::quantize(image, options);
    const auto one = kmq::encode_indexed(indexed, options);
    for (const int threads : {2, 3, 6}) {
      options.threads = threads;
      EXPECT_EQ(kmq::encode_indexed(indexed, options), one) << k << " on " << threads;
    }
    EXPECT_EQ(kmq::decode_indexed(one), indexed);
  }
}

TEST(LabelModelling, TunedStreamsAreNeverLargerThanLevelOne) {
  // Each stream keeps the smaller of its level-1 and tuned frames, and level 1 alone where it
  // leaves the stream above 60 % (entropy-bound): so tuned can only win against level 1.
  const auto image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const int k : {16, 256}) {
    auto options = coding(LabelCodingChoice::partitions, k);
    const auto indexed = kmq::quantize(image, options);
    const auto tuned = kmq::encode_indexed(indexed, options);
    options.level = 1;
    const auto fast = kmq::encode_indexed(indexed, options);
    EXPECT_LT(tuned.size(), fast.size()) << k;
    EXPECT_EQ(kmq::decode_indexed(tuned), indexed);
  }
}

std::size_t size_with(const kmq::IndexedImage& indexed, LabelCodingChoice choice, int effort) {
  return kmq::encode_indexed(indexed, coding(choice, indexed.palette_size(), effort)).size();
}

TEST(Effort, ChoosesMethodsAsDocumented) {
  for (const int k : {4, 64, 300}) {
    const auto image = kmq::testing::image_with_colors(96, 64, 400);
    const auto indexed = kmq::quantize(image, coding(LabelCodingChoice::automatic, k));
    const int context_method = indexed.palette_size() <= 256 ? 2 : 1;
    for (const int effort : {1, 2, 3}) {
      const auto file =
          kmq::encode_indexed(indexed, coding(LabelCodingChoice::automatic, k, effort));
      EXPECT_EQ(kmq::inspect(file).label_coding, context_method) << k << " " << effort;
      EXPECT_EQ(kmq::decode_indexed(file), indexed);
    }
    const auto trial = kmq::encode_indexed(indexed, coding(LabelCodingChoice::automatic, k, 4));
    const int trial_method = kmq::inspect(trial).label_coding;
    EXPECT_TRUE(trial_method == 0 || trial_method == context_method || trial_method == 4)
        << trial_method;

    std::size_t smallest = size_with(indexed, LabelCodingChoice::raw, 5);
    smallest = std::min(smallest, size_with(indexed, LabelCodingChoice::contexts, 5));
    smallest = std::min(smallest, size_with(indexed, LabelCodingChoice::copies, 5));
    if (context_method == 2) {
      smallest = std::min(smallest, size_with(indexed, LabelCodingChoice::partitions, 5));
    }
    const std::size_t effort5 = size_with(indexed, LabelCodingChoice::automatic, 5);
    EXPECT_EQ(effort5, smallest) << k;
    EXPECT_LE(size_with(indexed, LabelCodingChoice::automatic, 6), effort5) << k;
    EXPECT_LE(effort5, trial.size()) << k;
  }
}

// Where the sample's method-0 frame is far larger than the context method's (photos), the
// default effort skips the whole image's method-0 trial and codes as effort 3 does.
TEST(Effort, APhotoSkipsTheWholeImagesMethodZeroTrial) {
  const auto image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const int k : {96, 256}) {  // at K = 16 the sample picks method 4 on this photo
    const auto indexed = kmq::quantize(image, coding(LabelCodingChoice::automatic, k));
    const auto trial = kmq::encode_indexed(indexed, coding(LabelCodingChoice::automatic, k, 4));
    EXPECT_EQ(kmq::inspect(trial).label_coding, 2) << k;
    EXPECT_EQ(trial, kmq::encode_indexed(indexed, coding(LabelCodingChoice::automatic, k, 3))) << k;
    EXPECT_LT(trial.size(), size_with(indexed, LabelCodingChoice::raw, 4)) << k;
  }
}

TEST(Effort, ALevelOverridesTheEffortsZstdSetting) {
  const auto indexed = kmq::quantize(kmq::testing::gradient_image(40, 30),
                                     coding(LabelCodingChoice::partitions, 16));
  auto options = coding(LabelCodingChoice::partitions, 16, 1);
  options.level = 9;
  const auto at_effort1 = kmq::encode_indexed(indexed, options);
  options.effort = 3;
  EXPECT_EQ(kmq::encode_indexed(indexed, options), at_effort1);
}

TEST(Effort, OutOfRangeIsRejected) {
  for (const int effort : {0, 7, -1}) {
    auto options = coding(LabelCodingChoice::automatic, 16, effort);
    EXPECT_THROW(kmq::validate(options), kmq::Error) << effort;
  }
}

// Damaged method-2 data, beyond the conformance vectors: cut anywhere, never a crash.
TEST(PartitionCodingFiles, ATruncatedFileIsAlwaysAnError) {
  const auto indexed =
      kmq::quantize(kmq::testing::gradient_image(9, 7), coding(LabelCodingChoice::partitions, 5));
  const Bytes good = kmq::encode_indexed(indexed, coding(LabelCodingChoice::partitions, 5));
  for (std::size_t size = 0; size < good.size(); ++size) {
    EXPECT_THROW(kmq::decode(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size))),
                 kmq::Error);
  }
}

}  // namespace
