// SPDX-License-Identifier: MIT
#include "quantize/cluster/kmeans.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>

#include "quantize/cluster/median_cut.hpp"
#include "quantize/cluster/nearest_centre.hpp"
#include "quantize/cluster/palette_refine.hpp"
#include "quantize/stats/color_bins.hpp"
#include "test_images.hpp"

namespace {

using kmq::detail::kDims;

// Points scattered tightly (+-3) around well separated centres, with random weights.
kmq::detail::WeightedPoints points_around(const std::vector<std::array<float, 3>>& centres,
                                          int per_centre) {
  kmq::detail::WeightedPoints points;
  std::mt19937 rng(7);
  for (const auto& centre : centres) {
    for (int i = 0; i < per_centre; ++i) {
      for (std::size_t d = 0; d < 3; ++d) {
        points.coords.push_back(centre[d] + static_cast<float>(static_cast<int>(rng() % 7) - 3));
      }
      points.coords.push_back(0);
      points.weights.push_back(1 + rng() % 5);
    }
  }
  return points;
}

kmq::detail::KMeansParams kmeans_params(int clusters, std::uint64_t seed, int threads) {
  kmq::detail::KMeansParams params;
  params.clusters = clusters;
  params.seed = seed;
  params.threads = kmq::testing::workers(threads);
  return params;
}

void expect_same_result(const kmq::detail::KMeansResult& a, const kmq::detail::KMeansResult& b) {
  EXPECT_EQ(a.centres, b.centres);
  EXPECT_EQ(a.assignment, b.assignment);
  EXPECT_EQ(a.iterations, b.iterations);
}

const std::vector<std::array<float, 3>> kCentres = {
    {20, 20, 20}, {200, 30, 40}, {30, 210, 60}, {50, 60, 220}, {230, 230, 230}};

TEST(KMeans, RecoversWellSeparatedClusters) {
  const auto points = points_around(kCentres, 200);
  kmq::detail::KMeansParams params;
  params.clusters = 5;
  const auto result = kmq::detail::run_kmeans(points, params);
  ASSERT_EQ(result.centres.size(), 5 * kDims);
  for (const auto& expected : kCentres) {
    float best = 1e9f;
    for (int k = 0; k < 5; ++k) {
      float d2 = 0;
      for (std::size_t d = 0; d < 3; ++d) {
        const float diff = result.centres[k * kDims + d] - expected[d];
        d2 += diff * diff;
      }
      best = std::min(best, d2);
    }
    EXPECT_LT(best, 4.0f) << "no centre near (" << expected[0] << "," << expected[1] << ","
                          << expected[2] << ")";
  }
  // Points of one true cluster share one label.
  for (std::size_t c = 0; c < kCentres.size(); ++c) {
    for (int i = 1; i < 200; ++i) {
      EXPECT_EQ(result.assignment[c * 200 + i], result.assignment[c * 200]);
    }
  }
}

TEST(KMeans, CentresAreWeightedMeansOfTheirPoints) {
  const auto points = points_around(kCentres, 50);
  kmq::detail::KMeansParams params;
  params.clusters = 7;
  const auto result = kmq::detail::run_kmeans(points, params);
  for (int k = 0; k < 7; ++k) {
    double sum[3] = {0, 0, 0}, weight = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (result.assignment[i] != static_cast<std::uint32_t>(k)) continue;
      for (std::size_t d = 0; d < 3; ++d)
        sum[d] += points.weights[i] * points.coords[i * kDims + d];
      weight += points.weights[i];
    }
    ASSERT_GT(weight, 0) << "cluster " << k << " is empty";
    for (std::size_t d = 0; d < 3; ++d) {
      EXPECT_NEAR(result.centres[k * kDims + d], sum[d] / weight, 1e-3);
    }
  }
}

TEST(KMeans, EveryPointIsAssignedToItsNearestCentre) {
  const auto points = points_around(kCentres, 100);
  kmq::detail::KMeansParams params;
  params.clusters = 12;
  const auto result = kmq::detail::run_kmeans(points, params);
  // Centres moved once more after the last assignment; compare against those centres' Voronoi
  // cells with a tolerance for ties.
  const kmq::detail::NearestCentre search(result.centres);
  double reported = 0, best = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const float* p = &points.coords[i * kDims];
    reported +=
        points.weights[i] * kmq::detail::squared_distance(p, search.centre(result.assignment[i]));
    best += points.weights[i] * search.nearest_two(p).best_distance2;
  }
  EXPECT_NEAR(result.inertia, reported, 1e-6 * reported);
  EXPECT_LE(best, reported);
}

TEST(KMeans, SameSeedGivesIdenticalResultsWhateverTheThreadCount) {
  const auto points = points_around(kCentres, 5000);
  auto params = kmeans_params(16, 42, 1);
  const auto single = kmq::detail::run_kmeans(points, params);
  params.threads = kmq::testing::workers(4);
  expect_same_result(single, kmq::detail::run_kmeans(points, params));
}

TEST(KMeans, AsManyClustersAsPointsPutsACentreOnEachPoint) {
  kmq::detail::WeightedPoints points;
  for (int i = 0; i < 6; ++i) {
    points.coords.insert(points.coords.end(), {float(i * 40), float(255 - i * 40), 7.f, 0.f});
    points.weights.push_back(static_cast<std::uint32_t>(i + 1));
  }
  kmq::detail::KMeansParams params;
  params.clusters = 6;
  const auto result = kmq::detail::run_kmeans(points, params);
  EXPECT_DOUBLE_EQ(result.inertia, 0.0);
}

TEST(KMeansPlusPlus, PicksDistinctPointsAsInitialCentres) {
  const auto points = points_around(kCentres, 20);
  const auto centres = kmq::detail::kmeans_plus_plus(points, 5, 3, kmq::testing::workers(1));
  ASSERT_EQ(centres.size(), 5 * kDims);
  for (int a = 0; a < 5; ++a) {
    for (int b = a + 1; b < 5; ++b) {
      EXPECT_GT(kmq::detail::squared_distance(&centres[a * kDims], &centres[b * kDims]), 0.f);
    }
  }
}

// Many points (several chunks and sampling blocks) and many centres: the per-block sampling sums
// must not depend on how the chunks were shared out, and every centre must be a distinct point.
TEST(KMeansPlusPlus, SameCentresWhateverTheThreadCount) {
  const auto points = points_around(kCentres, 6000);  // 30 000 points
  for (const int clusters : {5, 40, 256}) {
    const auto single =
        kmq::detail::kmeans_plus_plus(points, clusters, 11, kmq::testing::workers(1));
    const auto multi =
        kmq::detail::kmeans_plus_plus(points, clusters, 11, kmq::testing::workers(3));
    EXPECT_EQ(single, multi) << clusters;
    ASSERT_EQ(single.size(), static_cast<std::size_t>(clusters) * kDims);
    std::vector<std::array<float, kDims>> picked;
    for (int c = 0; c < clusters; ++c) {
      picked.push_back(
          {single[c * kDims], single[c * kDims + 1], single[c * kDims + 2], single[c * kDims + 3]});
    }
    std::sort(picked.begin(), picked.end());
    EXPECT_EQ(std::adjacent_find(picked.begin(), picked.end()), picked.end()) << clusters;
  }
  // Five well separated groups and five centres: sampling by squared distance puts one in each.
  const auto five = kmq::detail::kmeans_plus_plus(points, 5, 11, kmq::testing::workers(2));
  for (const auto& centre : kCentres) {
    float nearest = std::numeric_limits<float>::infinity();
    for (int c = 0; c < 5; ++c) {
      const float target[kDims] = {centre[0], centre[1], centre[2], 0};
      nearest = std::min(nearest, kmq::detail::squared_distance(&five[c * kDims], target));
    }
    EXPECT_LE(nearest, 27.f);  // within the +-3 spread
  }
}

// The polish after a binned run starts each point from its bin's cluster; that guess may only
// save time, never change the result.
TEST(KMeans, AGuessedFirstAssignmentGivesTheSameResult) {
  const auto points = points_around(kCentres, 3000);
  const auto params = kmeans_params(60, 5, 2);
  const auto start =
      kmq::detail::kmeans_plus_plus(points, params.clusters, 5, kmq::testing::workers(2));
  const auto plain = kmq::detail::run_lloyd(points, params, start);
  std::mt19937 rng(3);
  std::vector<std::uint32_t> guess(points.size());
  for (auto& g : guess) g = rng() % static_cast<std::uint32_t>(params.clusters);
  expect_same_result(plain, kmq::detail::run_lloyd(points, params, start, guess));
}

}  // namespace

namespace {

TEST(NearestCentre, TreeSearchAgreesWithBruteForce) {
  std::mt19937 rng(3);
  for (const std::size_t count : {5u, 47u, 48u, 300u, 2000u}) {
    std::vector<float> centres;
    for (std::size_t i = 0; i < count * kDims; ++i) {
      centres.push_back(i % kDims == 3 ? 0.f : static_cast<float>(rng() % 256));
    }
    const kmq::detail::NearestCentre search(centres);
    for (int q = 0; q < 500; ++q) {
      const float point[4] = {float(rng() % 256), float(rng() % 256), float(rng() % 256), 0.f};
      float best = 1e30f, second = 1e30f;
      for (std::size_t j = 0; j < count; ++j) {
        const float d2 = kmq::detail::squared_distance(point, &centres[j * kDims]);
        if (d2 < best) {
          second = best;
          best = d2;
        } else if (d2 < second) {
          second = d2;
        }
      }
      const auto near = search.nearest_two(point);
      ASSERT_EQ(near.best_distance2, best) << count << " centres";
      ASSERT_EQ(near.second_distance2, second) << count << " centres";
      EXPECT_EQ(kmq::detail::squared_distance(point, search.centre(near.best)), best);
      const auto guessed = search.nearest(point, static_cast<std::uint32_t>(q % count));
      EXPECT_EQ(kmq::detail::squared_distance(point, search.centre(guessed)), best);
    }
  }
}

TEST(NearestCentre, ScanOfFewCentresBreaksTiesByTheLowestIndex) {
  // Centres and points on a coarse grid, so that equal distances and duplicate centres are
  // common; counts that are not multiples of 4 leave padding lanes, which are no centre.
  std::mt19937 rng(5);
  for (const std::size_t count : {1u, 2u, 3u, 5u, 16u, 17u, 47u}) {
    std::vector<float> centres;
    for (std::size_t i = 0; i < count * kDims; ++i) {
      centres.push_back(i % kDims == 3 ? 0.f : static_cast<float>(rng() % 4 * 8));
    }
    const kmq::detail::NearestCentre search(centres);
    for (int q = 0; q < 300; ++q) {
      const float point[4] = {float(rng() % 5 * 6), float(rng() % 5 * 6), float(rng() % 5 * 6),
                              0.f};
      std::uint32_t best_index = 0;
      float best = std::numeric_limits<float>::infinity(), second = best;
      for (std::size_t j = 0; j < count; ++j) {
        const float d2 = kmq::detail::squared_distance(point, &centres[j * kDims]);
        if (d2 < best) {
          second = best;
          best = d2;
          best_index = static_cast<std::uint32_t>(j);
        } else if (d2 < second) {
          second = d2;
        }
      }
      const auto near = search.nearest_two(point);
      ASSERT_EQ(near.best, best_index) << count << " centres";
      ASSERT_EQ(near.best_distance2, best) << count << " centres";
      ASSERT_EQ(near.second_distance2, second) << count << " centres";
    }
  }
}

TEST(NearestCentre, SearchFromAGuessAgreesWithTheFullSearch) {
  std::mt19937 rng(11);
  // 48..1024 centres use neighbour lists; 1500 falls back to the tree. Clustered centres make
  // many lists run out before the cut-off, which must fall back to the full search.
  for (const std::size_t count : {48u, 60u, 256u, 1024u, 1500u}) {
    std::vector<float> centres;
    for (std::size_t i = 0; i < count; ++i) {
      const float spread = i % 3 == 0 ? 4.f : 256.f;
      for (std::size_t d = 0; d < 3; ++d) {
        centres.push_back(static_cast<float>(rng() % static_cast<std::uint32_t>(spread)));
      }
      centres.push_back(0.f);
    }
    const kmq::detail::NearestCentre search(centres);
    for (int q = 0; q < 2000; ++q) {
      const float point[4] = {float(rng() % 256), float(rng() % 256), float(rng() % 256), 0.f};
      const auto guess = static_cast<std::uint32_t>(rng() % count);
      const auto exact = search.nearest_two(point);
      const auto guided = search.nearest_two_from(point, guess);
      ASSERT_EQ(guided.best, exact.best) << count << " centres, guess " << guess;
      ASSERT_EQ(guided.best_distance2, exact.best_distance2);
      ASSERT_EQ(guided.second_distance2, exact.second_distance2);
    }
  }
}

TEST(NearestCentre, AMovedSearchIsTheSearchBuiltAfresh) {
  std::mt19937 rng(5);
  for (const std::size_t count : {49u, 256u, 700u}) {
    std::vector<float> centres;
    for (std::size_t i = 0; i < count * kDims; ++i) {
      centres.push_back(i % kDims == 3 ? 0.f : static_cast<float>(rng() % 256));
    }
    kmq::detail::NearestCentre moved(centres);
    // Lloyd-like small moves, with now and then a centre jumping across the space, which must
    // make the lists around it be rebuilt.
    for (int step = 0; step < 6; ++step) {
      for (std::size_t i = 0; i < centres.size(); ++i) {
        if (i % kDims == 3) continue;
        const bool jump = (i / kDims) % 97 == static_cast<std::size_t>(step);
        centres[i] += jump ? 100.f : static_cast<float>(static_cast<int>(rng() % 200) - 100) / 400;
      }
      moved = moved.moved_to(centres, kmq::testing::workers(2));
      const kmq::detail::NearestCentre fresh(centres);
      for (std::size_t j = 0; j < count; ++j) {
        const auto expected = fresh.neighbours(j);
        const auto got = moved.neighbours(j);
        ASSERT_FALSE(expected.empty());
        ASSERT_TRUE(std::equal(got.begin(), got.end(), expected.begin(), expected.end()))
            << count << " centres, step " << step << ", centre " << j;
        ASSERT_EQ(moved.half_gap(j), fresh.half_gap(j));
      }
      for (int q = 0; q < 300; ++q) {
        const float point[4] = {float(rng() % 256), float(rng() % 256), float(rng() % 256), 0.f};
        const auto guess = static_cast<std::uint32_t>(rng() % count);
        const auto exact = fresh.nearest_two(point);
        const auto guided = moved.nearest_two_from(point, guess);
        ASSERT_EQ(guided.best, exact.best);
        ASSERT_EQ(guided.second_distance2, exact.second_distance2);
      }
    }
  }
}

// Distinct points on a coarse grid with varied weights.
kmq::detail::WeightedPoints grid_points() {
  kmq::detail::WeightedPoints points;
  for (int r = 0; r < 256; r += 17) {
    for (int g = 0; g < 256; g += 23) {
      for (int b = 0; b < 256; b += 29) {
        points.coords.insert(points.coords.end(), {float(r), float(g), float(b), 0.f});
        points.weights.push_back(static_cast<std::uint32_t>(1 + (r + g + b) % 9));
      }
    }
  }
  return points;
}

TEST(MedianCut, GivesTheRequestedNumberOfDistinctCentres) {
  const auto points = grid_points();
  const auto centres = kmq::detail::median_cut_centres(points, 300);
  ASSERT_EQ(centres.size(), 300 * kDims);
  const kmq::detail::NearestCentre search(centres);
  for (std::size_t j = 0; j < 300; ++j) EXPECT_GT(search.half_gap(j), 0.f) << j;
}

TEST(KMeans, LargeKUsesMedianCutAndStillConverges) {
  const auto points = grid_points();
  kmq::detail::KMeansParams params;
  params.clusters = 600;
  const auto result = kmq::detail::run_kmeans(points, params);
  EXPECT_EQ(result.centres.size(), 600 * kDims);
  EXPECT_GE(result.iterations, 1);
  params.init = kmq::detail::KMeansInit::plus_plus;
  const auto seeded = kmq::detail::run_kmeans(points, params);
  // Both inits reach a comparable optimum.
  EXPECT_LT(result.inertia, 1.5 * seeded.inertia + 1);
}

}  // namespace

namespace {

double total_error(const kmq::detail::WeightedPoints& points, const std::vector<float>& palette,
                   const std::vector<std::uint32_t>& assignment) {
  double total = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    total += points.weights[i] * kmq::detail::squared_distance(&points.coords[i * kDims],
                                                               &palette[assignment[i] * kDims]);
  }
  return total;
}

TEST(StoredPaletteRefinement, LowersErrorAndEndsOnRoundedMeans) {
  const auto points = grid_points();
  // A deliberately poor whole-number palette, everything assigned to entry 0 at first.
  std::vector<float> palette = {0, 0, 0, 0, 255, 255, 255, 0, 128, 0, 0, 0, 0, 128, 255, 0};
  std::vector<std::uint32_t> assignment(points.size(), 0);
  const kmq::detail::NearestCentre search(palette);
  for (std::size_t i = 0; i < points.size(); ++i) {
    assignment[i] = search.nearest_two(&points.coords[i * kDims]).best;
  }
  const double before = total_error(points, palette, assignment);
  kmq::detail::refine_stored_palette(points, 3, 50, kmq::testing::workers(2), palette, assignment);
  const double after = total_error(points, palette, assignment);
  EXPECT_LT(after, before);
  for (std::size_t e = 0; e < 4; ++e) {
    double sum[3] = {0, 0, 0}, weight = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (assignment[i] != e) continue;
      for (std::size_t d = 0; d < 3; ++d)
        sum[d] += points.weights[i] * points.coords[i * kDims + d];
      weight += points.weights[i];
    }
    ASSERT_GT(weight, 0);
    for (std::size_t d = 0; d < 3; ++d) {
      EXPECT_EQ(palette[e * kDims + d], std::floor(sum[d] / weight + 0.5)) << e << "," << d;
      EXPECT_EQ(palette[e * kDims + d], std::round(palette[e * kDims + d]));
    }
  }
}

// The refinement as first written: every round the sums from scratch and every point searched.
void refine_from_scratch(const kmq::detail::WeightedPoints& points, int rounds,
                         std::vector<float>& palette, std::vector<std::uint32_t>& assignment) {
  const std::size_t entries = palette.size() / kDims;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::uint64_t> sums(entries * kDims, 0), weight(entries, 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
      for (std::size_t d = 0; d < kDims; ++d) {
        sums[assignment[i] * kDims + d] +=
            points.weights[i] * static_cast<std::uint64_t>(points.coords[i * kDims + d]);
      }
      weight[assignment[i]] += points.weights[i];
    }
    bool moved = false;
    for (std::size_t e = 0; e < entries; ++e) {
      if (weight[e] == 0) continue;
      for (std::size_t d = 0; d < kDims; ++d) {
        const auto value =
            static_cast<float>((2 * sums[e * kDims + d] + weight[e]) / (2 * weight[e]));
        moved = moved || value != palette[e * kDims + d];
        palette[e * kDims + d] = value;
      }
    }
    if (!moved) return;
    const kmq::detail::NearestCentre search(palette);
    for (std::size_t i = 0; i < points.size(); ++i)
      assignment[i] = search.nearest_two(&points.coords[i * kDims]).best;
  }
}

// Rounds after the first search only the points that a moved entry may have come nearer to, and
// keep the sums up to date: the palette and assignment must be those of the plain algorithm,
// round for round, ties included (whole-number points on a coarse grid tie often).
TEST(StoredPaletteRefinement, SearchingOnlyNearMovedEntriesChangesNothing) {
  std::mt19937 random(11);
  for (const std::size_t entries : {5u, 40u, 200u}) {
    kmq::detail::WeightedPoints points;
    points.fixed_point_scale = 1;
    for (int i = 0; i < 6000; ++i) {
      for (int d = 0; d < 3; ++d) points.coords.push_back(static_cast<float>(random() % 64 * 4));
      points.coords.push_back(0);
      points.weights.push_back(1 + random() % 50);
    }
    std::vector<float> start;
    for (std::size_t e = 0; e < entries; ++e) {
      for (int d = 0; d < 3; ++d) start.push_back(static_cast<float>(random() % 256));
      start.push_back(0);
    }
    const kmq::detail::NearestCentre search(start);
    std::vector<std::uint32_t> first(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
      first[i] = search.nearest_two(&points.coords[i * kDims]).best;
    for (const int rounds : {1, 3, 50}) {
      std::vector<float> palette = start, expected_palette = start;
      std::vector<std::uint32_t> assignment = first, expected_assignment = first;
      kmq::detail::refine_stored_palette(points, 3, rounds, kmq::testing::workers(2), palette,
                                         assignment);
      refine_from_scratch(points, rounds, expected_palette, expected_assignment);
      EXPECT_EQ(palette, expected_palette) << entries << " entries, " << rounds << " rounds";
      EXPECT_EQ(assignment, expected_assignment) << entries << " entries, " << rounds << " rounds";
    }
  }
}

TEST(KMeans, MoreRestartsNeverGiveAWorseResult) {
  const auto points = grid_points();
  kmq::detail::KMeansParams params;
  params.clusters = 10;
  params.restarts = 1;
  const auto one = kmq::detail::run_kmeans(points, params);
  params.restarts = 4;
  const auto four = kmq::detail::run_kmeans(points, params);
  EXPECT_LE(four.inertia, one.inertia);
}

}  // namespace

namespace {

TEST(ColorBins, TellTheBinOfEveryPoint) {
  const auto points = grid_points();
  std::vector<std::uint32_t> bin_of;
  const auto binned = kmq::detail::bin_points(points, 50, &bin_of);
  ASSERT_EQ(bin_of.size(), points.size());
  std::vector<std::uint64_t> weight(binned.size(), 0);
  std::vector<double> sum(binned.size() * 3, 0.0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    ASSERT_LT(bin_of[i], binned.size());
    weight[bin_of[i]] += points.weights[i];
    for (std::size_t d = 0; d < 3; ++d)
      sum[bin_of[i] * 3 + d] += points.weights[i] * points.coords[i * kDims + d];
  }
  for (std::size_t b = 0; b < binned.size(); ++b) {
    EXPECT_EQ(weight[b], binned.weights[b]);
    for (std::size_t d = 0; d < 3; ++d) {
      EXPECT_NEAR(sum[b * 3 + d] / weight[b], binned.coords[b * kDims + d], 0.05);
    }
  }
}

// With room for every point, binning uses its finest cells (edge 2): each bin must hold exactly
// the points of one cell, bins in increasing cell order (first coordinate first).
void expect_one_bin_per_cell_in_cell_order(const kmq::detail::WeightedPoints& points) {
  std::vector<std::uint32_t> bin_of;
  const auto binned = kmq::detail::bin_points(points, points.size(), &bin_of);
  auto cell_of = [&](std::size_t i) {
    std::array<long, kDims> cell{};
    for (std::size_t d = 0; d < kDims; ++d) {
      cell[d] = std::clamp(static_cast<long>(std::floor(points.coords[i * kDims + d] / 2)) + 2048,
                           0L, 4095L);
    }
    return cell;
  };
  std::vector<std::array<long, kDims>> cell_of_bin(binned.size());
  std::vector<bool> seen(binned.size(), false);
  std::vector<std::uint64_t> weight(binned.size(), 0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::uint32_t b = bin_of[i];
    ASSERT_LT(b, binned.size());
    if (!seen[b]) cell_of_bin[b] = cell_of(i);
    seen[b] = true;
    ASSERT_EQ(cell_of_bin[b], cell_of(i)) << "point " << i;
    weight[b] += points.weights[i];
  }
  for (std::size_t b = 0; b < binned.size(); ++b) {
    ASSERT_TRUE(seen[b]);
    EXPECT_EQ(weight[b], binned.weights[b]);
    if (b > 0) EXPECT_LT(cell_of_bin[b - 1], cell_of_bin[b]) << "bin " << b;
  }
}

TEST(ColorBins, HoldOneCellEachInCellOrderHoweverWideTheCells) {
  expect_one_bin_per_cell_in_cell_order(grid_points());
  // Cells spanning 12 bits in all four coordinates and 2^17 points need more than 64 bits for
  // cell and index together, which the binning stores differently.
  std::mt19937 rng(9);
  kmq::detail::WeightedPoints wide;
  for (int i = 0; i < 1 << 17; ++i) {
    for (std::size_t d = 0; d < kDims; ++d) {
      wide.coords.push_back(static_cast<float>(static_cast<int>(rng() % 9000) - 4500));
    }
    wide.weights.push_back(1 + rng() % 5);
  }
  expect_one_bin_per_cell_in_cell_order(wide);
}

TEST(ColorBins, KeepTotalWeightAndWeightedMeanWithinTheCap) {
  const auto points = grid_points();  // 16 x 12 x 9 distinct colours
  for (const std::size_t cap : {std::size_t{50}, std::size_t{400}, std::size_t{100000}}) {
    const auto binned = kmq::detail::bin_points(points, cap);
    EXPECT_LE(binned.size(), std::max<std::size_t>(cap, 1));
    std::uint64_t weight = 0, binned_weight = 0;
    double mean[3] = {0, 0, 0}, binned_mean[3] = {0, 0, 0};
    for (std::size_t i = 0; i < points.size(); ++i) {
      weight += points.weights[i];
      for (std::size_t d = 0; d < 3; ++d)
        mean[d] += points.weights[i] * points.coords[i * kDims + d];
    }
    for (std::size_t i = 0; i < binned.size(); ++i) {
      binned_weight += binned.weights[i];
      for (std::size_t d = 0; d < 3; ++d) {
        binned_mean[d] += binned.weights[i] * binned.coords[i * kDims + d];
        // Coordinates sit on the finer fixed-point grid.
        const float scaled = binned.coords[i * kDims + d] * binned.fixed_point_scale;
        EXPECT_EQ(scaled, std::round(scaled));
      }
    }
    EXPECT_EQ(binned_weight, weight);
    for (std::size_t d = 0; d < 3; ++d) {
      EXPECT_NEAR(binned_mean[d] / binned_weight, mean[d] / weight, 0.05) << cap;
    }
  }
}

}  // namespace
