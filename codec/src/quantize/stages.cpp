// SPDX-License-Identifier: MIT
// Quantizer stages: prepare colour statistics, choose a palette by the selected method, and
// build the index map.
#include "quantize/stages.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "common/parallel.hpp"
#include "format/partition_model.hpp"
#include "quantize/cluster/gmm.hpp"
#include "quantize/cluster/minibatch.hpp"
#include "quantize/cluster/nearest_centre.hpp"
#include "quantize/cluster/palette_refine.hpp"
#include "quantize/remap/dither.hpp"
#include "quantize/remap/ordered_dither.hpp"
#include "quantize/remap/rd_remap.hpp"
#include "quantize/remap/remap.hpp"
#include "quantize/stats/color_bins.hpp"

namespace kmq::detail {

namespace {

// Rounds of refinement on the 8-bit palette; it usually settles in two or three.
constexpr int kStoredPaletteRounds = 8;
// Above this many distinct colours, K-means searches on binned colours first.
constexpr std::size_t kMaxClusteringPoints = 1u << 16;
constexpr std::size_t kMinBinsPerCluster = 8;
// Up to this K, local optima differ most between starts, and more of them run (cluster_binned).
constexpr int kSmallK = 16;

// Bins the starts run on. Fewer bins make each start cheaper and leave more to the polish on
// the exact colours; measured over seeds 1-3 on astronaut, motorcycle, coffee, chelsea and the
// 4 MP eveningglow and path (bin edges growing by sqrt 2, against 65 536 bins and edges
// doubling): 16 384 bins at K <= 16 were as good (mean -0.003 to +0.05 dB) in 56-93 % of the
// quantizer's time; at K = 64 and 256 they lost up to 0.054 dB, 32 768 at most 0.017 dB in
// 70-100 % of the time. Images of fewer colours take half as many at K <= 16: their starts cost
// as much as a 4 MP photo's and are most of their quantizer's time. Mean over seeds 1-3 at
// K = 16 with 8 192 bins: coffee (94 478 colours) -0.012 dB in 48-57 -> 34 ms of quantizer,
// astronaut (113 382) -0.003 dB, 55-63 -> 40 ms; not for more colours: motorcycle (151 940)
// -0.023 dB, eveningglow (299 659) -0.025 dB.
constexpr std::size_t kFewColorsForBinning = std::size_t{1} << 17;

// At K <= 16 colours are binned from 2^14 up, not 2^16: on chelsea (32 584 colours), rocket
// (45 526) and hubble (61 594) the binned starts (8-16 of them instead of 3 on every colour)
// changed the mean PSNR over seeds 1-3 by -0.004 / +0.021 / +0.011 dB in a third to a half of
// the quantizer's time. At K = 64 and 256 they lost up to 0.03 and 0.05 dB: not taken.
constexpr std::size_t kSmallKBinningThreshold = std::size_t{1} << 14;

std::size_t binning_threshold(int clusters) {
  return clusters <= kSmallK ? kSmallKBinningThreshold : kMaxClusteringPoints;
}

std::size_t starting_bins(int clusters, std::size_t points) {
  if (clusters <= kSmallK) return std::size_t{1} << (points < kFewColorsForBinning ? 13 : 14);
  if (static_cast<std::size_t>(clusters) * kMinBinsPerCluster <= (std::size_t{1} << 15))
    return std::size_t{1} << 15;
  return kMaxClusteringPoints;
}

// Lloyd on the exact colours after the binned run creeps: on 4 MP photos at K = 256 it took ~96
// iterations to reach the tolerance, the last 56 of them for 0.007-0.012 dB (eveningglow, path)
// and 35 % of the quantizer's time. Iterations 13 to 40 buy another 0.01-0.035 dB at K = 64 and
// 256 for 10-13 % of a whole encode (eveningglow, path; safelanding 0.03 dB): the default is
// meant to be fast, and at 12 it stays 0.14-0.41 dB above pngquant on those photos.
constexpr int kMaxPolishIterations = 12;

// Palette order: transparent and translucent entries first (as PNG's tRNS favours), then by
// luminance, so that similar colours get nearby indices.
bool palette_before(std::uint32_t a, std::uint32_t b) {
  const auto alpha_a = a >> 24, alpha_b = b >> 24;
  if (alpha_a != alpha_b) return alpha_a < alpha_b;
  auto luma = [](std::uint32_t c) {
    return 2126u * color_channel(c, 0) + 7152u * color_channel(c, 1) + 722u * color_channel(c, 2);
  };
  if (luma(a) != luma(b)) return luma(a) < luma(b);
  return a < b;
}

// Only the reserved transparent entry may be fully transparent (format-spec §7).
std::uint32_t stored_color(const ColorSpaceMapper& mapper, const float* point, int channels) {
  std::uint32_t packed = mapper.to_packed(point);
  if (channels == 4 && (packed >> 24) == 0) packed |= 1u << 24;
  return packed;
}

// The histogram colours to cluster: all of them, or all but the one kept for transparency.
// (A list of positions cost 4 bytes per colour at the encoder's peak memory.)
class Members {
 public:
  Members(std::size_t colors, std::uint32_t skipped)
      : size_(skipped < colors ? colors - 1 : colors), skipped_(skipped) {}
  std::size_t size() const noexcept { return size_; }
  std::uint32_t operator[](std::size_t i) const noexcept {
    return static_cast<std::uint32_t>(i < skipped_ ? i : i + 1);
  }

 private:
  std::size_t size_;
  std::size_t skipped_;
};

WeightedPoints subset(const WeightedPoints& points, const Members& members) {
  WeightedPoints out;
  out.fixed_point_scale = points.fixed_point_scale;
  out.coords.resize(members.size() * kDims);
  out.weights.resize(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    std::copy_n(&points.coords[members[i] * kDims], kDims, &out.coords[i * kDims]);
    out.weights[i] = points.weights[members[i]];
  }
  return out;
}

// Nearest entry of every point, starting from a guess.
void assign_nearest(const WeightedPoints& points, const std::vector<float>& palette,
                    const Workers& threads, std::vector<std::uint32_t>& assignment) {
  const NearestCentre search(palette);
  parallel_chunks(points.size(), 16384, threads,
                  [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t i = begin; i < end; ++i) {
                      assignment[i] = search.nearest(&points.coords[i * kDims], assignment[i]);
                    }
                  });
}

// Converging for an estimator (kmq.KMeans) at K > 16 on an image of many pixels per colour:
// the binned starts' best is not always the exact best, and a start costs little against the
// pixel count an estimator is judged by. Polishing the best 4 of 16 starts to convergence on
// path (4.1 MP, 149 741 colours) at K = 64: inertia 1.0062 / 1.0056 / 1.0024 of
// scikit-learn's KMeans(n_init=1) median for seeds 0-2 with one start polished, 0.9990 /
// 0.9995 / 0.9986 with four, in 0.45-0.53 s against scikit-learn's 74 s.
constexpr int kPolishedStartsToConverge = 4;
constexpr double kManyPixelsPerColor = 8;

bool many_pixels_per_color(const WeightedPoints& points) {
  double pixels = 0;
  for (const std::uint32_t weight : points.weights) pixels += weight;
  return pixels >= kManyPixelsPerColor * static_cast<double>(points.size());
}

// K-means on a large image's binned colours, then Lloyd on the exact ones. At small K the starts'
// local optima differ by up to 2 % of the inertia, and a start on the bins costs a fraction of
// a polish when bins are much fewer than colours (4 MP photos at K = 16: 8-20 ms against
// 20-280 ms). So there, starts run on the bins, a thread each, as many as twice the
// colours-per-bin ratio allows (at most 16), and only the best by binned inertia (ties: the
// earlier start) is polished. Measured at K = 16, seeds 1-5, 16 coarse starts against 3
// polished ones: eveningglow and safelanding better or equal in 9 of 10 cases (mean inertia
// -0.9 %), path within +-0.3 %. Polishing the second best too, as kmq did, changed the mean
// PSNR over seeds 1-3 by at most 0.008 dB at K = 16 and 64 (astronaut, coffee, motorcycle,
// eveningglow, path, safelanding) for 5-18 % of the quantizer's time.
KMeansResult cluster_binned(const WeightedPoints& points, const WeightedPoints& binned,
                            std::vector<std::uint32_t> bin_of, const KMeansParams& params,
                            bool converge) {
  constexpr int kMaxCoarseStarts = 16;
  int starts = kmeans_restarts(params);
  int polished_starts = 1;
  if (params.clusters <= kSmallK) {
    const std::size_t affordable = 2 * points.size() / binned.size();
    starts = static_cast<int>(
        std::clamp<std::size_t>(affordable, static_cast<std::size_t>(starts), kMaxCoarseStarts));
  } else if (converge && many_pixels_per_color(points)) {
    starts = kMaxCoarseStarts;
    polished_starts = kPolishedStartsToConverge;
  }
  std::vector<KMeansResult> coarse(static_cast<std::size_t>(starts));
  // Fewer starts than threads (one start at K > 64): the threads share each start's loops.
  const int threads_per_start = std::max(1, params.threads.limit() / starts);
  parallel_chunks(coarse.size(), 1, params.threads,
                  [&](std::size_t, std::size_t start, std::size_t, std::size_t) {
                    KMeansParams one = params;
                    one.restarts = 1;
                    one.threads = params.threads.capped(threads_per_start);
                    one.seed = kmeans_start_seed(params.seed, static_cast<int>(start));
                    coarse[start] = run_kmeans(binned, one);
                  });
  // The best starts by binned inertia (ties: the earlier start).
  std::vector<std::size_t> order(coarse.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return coarse[a].inertia < coarse[b].inertia;
  });
  KMeansParams polish = params;
  if (!converge) polish.max_iterations = std::min(params.max_iterations, kMaxPolishIterations);
  KMeansResult best;
  const int polishing = std::min(polished_starts, starts);
  for (int p = 0; p < polishing; ++p) {
    const KMeansResult& start = coarse[order[static_cast<std::size_t>(p)]];
    // Each colour starts its search from its bin's cluster; the last start takes bin_of itself
    // (no second table of a colour count's size at the encoder's peak).
    std::vector<std::uint32_t> guess = p + 1 == polishing ? std::move(bin_of) : bin_of;
    for (std::uint32_t& g : guess) g = start.assignment[g];
    KMeansResult polished = run_lloyd(points, polish, start.centres, guess);
    polished.iterations += start.iterations;
    if (p == 0 || polished.inertia < best.inertia) best = std::move(polished);
  }
  return best;
}

// An opaque pixel made slightly translucent is a defect on any background other than the one
// it was drawn on (a faint halo inside an icon); a nearly opaque edge pixel made opaque is not.
// So an entry within kOpaqueSnap of opaque becomes opaque when at least kOpaqueShare of its
// pixels are opaque (icon_camera_rgba at K = 8..256: none of 144 264 opaque pixels turned
// translucent instead of 362..62 363, premultiplied PSNR at most 0.27 dB lower).
constexpr float kOpaqueSnap = 16.f;
constexpr double kOpaqueShare = 0.25;

void make_mostly_opaque_entries_opaque(const WeightedPoints& points,
                                       const std::vector<std::uint32_t>& entry,
                                       std::vector<float>& stored) {
  const std::size_t k = stored.size() / kDims;
  std::vector<double> opaque(k, 0.0), total(k, 0.0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    total[entry[i]] += points.weights[i];
    if (points.coords[i * kDims + 3] >= 255.f) opaque[entry[i]] += points.weights[i];
  }
  for (std::size_t c = 0; c < k; ++c) {
    float& alpha = stored[c * kDims + 3];
    if (alpha < 255.f && alpha >= 255.f - kOpaqueSnap && opaque[c] > 0 &&
        opaque[c] >= kOpaqueShare * total[c]) {
      alpha = 255.f;
    }
  }
}

// Clusters `members` into at most `clusters` entries; appends them to `choice`.
void cluster_members(const ColorStatistics& statistics, const Members& members, int clusters,
                     const ClusteringOptions& options, PaletteChoice& choice) {
  const int channels = statistics.channels;
  if (members.size() <= static_cast<std::size_t>(clusters)) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      const std::uint32_t m = members[i];
      choice.label_of_distinct[m] = static_cast<std::uint32_t>(choice.colors.size());
      choice.colors.push_back(statistics.histogram.color(m));
    }
    return;
  }
  // Members are in increasing order, so all of them means the statistics points themselves:
  // no copy (on a 4 MP photo that copy was 4.8 MB).
  WeightedPoints copied;
  if (members.size() != statistics.points.size()) copied = subset(statistics.points, members);
  const WeightedPoints& points =
      members.size() == statistics.points.size() ? statistics.points : copied;
  ClusteredPoints clustered =
      cluster_points(points, clusters, channels, options, statistics.threads);
  choice.iterations = clustered.iterations;
  choice.log_likelihood = clustered.log_likelihood;
  std::vector<float> centres = std::move(clustered.centres);
  std::vector<std::uint32_t> entry = std::move(clustered.assignment);
  const bool map_rule = options.method == Method::gmm && options.gmm_assign == GmmAssign::map;

  // The file stores 8-bit sRGB entries: snap the centres to them, then reassign.
  const std::size_t k = static_cast<std::size_t>(clusters);
  std::vector<float> stored(k * kDims);
  for (std::size_t c = 0; c < k; ++c) {
    statistics.mapper.to_point(stored_color(statistics.mapper, &centres[c * kDims], channels),
                               &stored[c * kDims]);
  }
  if (!map_rule) assign_nearest(points, stored, statistics.threads, entry);
  if (options.method == Method::kmeans && options.space == ColorSpace::rgb) {
    // In sRGB the best whole-number centre of a cluster is its rounded mean.
    refine_stored_palette(points, channels, kStoredPaletteRounds, statistics.threads, stored,
                          entry);
  }
  if (channels == 4) make_mostly_opaque_entries_opaque(points, entry, stored);
  // Keep only entries some colour uses (two centres can round to one colour).
  std::vector<std::uint32_t> compact(k, kNotFound);
  for (std::size_t i = 0; i < members.size(); ++i) {
    std::uint32_t& slot = compact[entry[i]];
    if (slot == kNotFound) {
      slot = static_cast<std::uint32_t>(choice.colors.size());
      choice.colors.push_back(stored_color(statistics.mapper, &stored[entry[i] * kDims], channels));
    }
    choice.label_of_distinct[members[i]] = slot;
  }
}

}  // namespace

ClusteredPoints cluster_points(const WeightedPoints& points, int clusters, int channels,
                               const ClusteringOptions& options, const Workers& threads,
                               bool converge) {
  ClusteredPoints result;
  KMeansResult clustered;
  if (options.method == Method::minibatch) {
    MiniBatchParams params;
    params.clusters = clusters;
    params.seed = options.seed;
    params.batch_size = options.batch_size;
    params.max_epochs = options.max_iterations;
    params.max_no_improvement = options.max_no_improvement;
    params.reassignment_ratio = options.reassignment_ratio;
    params.threads = threads;
    clustered = run_minibatch(points, params);
  } else {
    KMeansParams params;
    params.clusters = clusters;
    params.seed = options.seed;
    // A mixture starts from a converged K-means, however few EM steps it is given.
    params.max_iterations = options.method == Method::gmm ? 100 : options.max_iterations;
    params.tolerance = options.tolerance;
    params.threads = threads;
    // Large images: k-means++ starts converge on binned colours (cluster_binned). Binning needs
    // many more points than clusters left over, or it would merge what K should keep apart.
    WeightedPoints binned;
    std::vector<std::uint32_t> bin_of;
    if (points.size() > binning_threshold(clusters) &&
        static_cast<std::size_t>(clusters) * kMinBinsPerCluster <= kMaxClusteringPoints) {
      binned = bin_points(points, starting_bins(clusters, points.size()), &bin_of);
    }
    if (binned.size() >= static_cast<std::size_t>(clusters) * kMinBinsPerCluster) {
      clustered = cluster_binned(points, binned, std::move(bin_of), params, converge);
    } else {
      clustered = run_kmeans(points, params);
    }
  }
  result.iterations = clustered.iterations;
  result.inertia = clustered.inertia;
  result.centres = std::move(clustered.centres);
  result.assignment = std::move(clustered.assignment);
  if (options.method == Method::gmm) {
    GmmParams params;
    params.components = clusters;
    params.dimensions = channels == 4 ? 4 : 3;
    params.max_iterations = options.max_iterations;
    params.tolerance = options.gmm_tolerance;
    params.covariance_floor = options.gmm_covariance_floor;
    params.threads = threads;
    GmmResult mixture = fit_gmm(points, result.assignment, params);
    result.iterations = mixture.iterations;
    result.log_likelihood = mixture.log_likelihood.back();
    result.centres = std::move(mixture.means);
    result.assignment = std::move(mixture.assignment);
    result.mixture_weights = std::move(mixture.weights);
    result.covariances = std::move(mixture.covariances);
  }
  return result;
}

int ColorStatistics::exact_colors() const {
  const std::size_t needed = histogram.size();
  return static_cast<int>(std::min<std::size_t>(needed, kMaxColors));
}

ColorStatistics gather_color_statistics(const Image& image, ColorSpace space,
                                        const Workers& threads) {
  return gather_color_statistics(image, ColorHistogram::build(image), space, threads);
}

ColorStatistics gather_color_statistics(const Image& image, ColorHistogram counted,
                                        ColorSpace space, const Workers& threads) {
  ColorStatistics statistics;
  statistics.image = &image;
  statistics.channels = image.channels();
  statistics.threads = threads;
  statistics.histogram = std::move(counted);
  statistics.mapper = ColorSpaceMapper(space, image.channels());
  const std::size_t n = statistics.histogram.size();
  statistics.points.fixed_point_scale = statistics.mapper.fixed_point_scale();
  statistics.points.coords.resize(n * kDims);
  statistics.points.weights = statistics.histogram.counts();
  parallel_chunks(n, 16384, statistics.threads,
                  [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t i = begin; i < end; ++i) {
                      statistics.mapper.to_point(statistics.histogram.color(i),
                                                 &statistics.points.coords[i * kDims]);
                    }
                  });
  if (statistics.channels == 4) {
    const std::uint32_t transparent = statistics.histogram.find(0);
    if (transparent < n) statistics.transparent = transparent;
  }
  return statistics;
}

PaletteChoice cluster_palette(const ColorStatistics& statistics, int colors,
                              const ClusteringOptions& options) {
  PaletteChoice choice;
  choice.label_of_distinct.assign(statistics.histogram.size(), 0);
  const bool reserve = statistics.reserves_transparent(colors);
  const Members members(statistics.histogram.size(), reserve ? statistics.transparent : kNotFound);
  cluster_members(statistics, members, colors - (reserve ? 1 : 0), options, choice);
  if (reserve) {
    choice.label_of_distinct[statistics.transparent] =
        static_cast<std::uint32_t>(choice.colors.size());
    choice.colors.push_back(0);
  }

  const std::size_t k = choice.colors.size();
  std::vector<std::uint32_t> order(k);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return palette_before(choice.colors[a], choice.colors[b]);
  });
  std::vector<std::uint32_t> position(k);
  std::vector<std::uint32_t> sorted(k);
  for (std::size_t i = 0; i < k; ++i) {
    position[order[i]] = static_cast<std::uint32_t>(i);
    sorted[i] = choice.colors[order[i]];
  }
  choice.colors = std::move(sorted);
  for (auto& label : choice.label_of_distinct) label = position[label];
  if (reserve) choice.transparent_entry = choice.label_of_distinct[statistics.transparent];
  return choice;
}

PaletteChoice fixed_palette(const ColorStatistics& statistics,
                            std::span<const std::uint8_t> palette, int channels) {
  const int source_channels = channels;
  const std::size_t k = palette.size() / static_cast<std::size_t>(source_channels);
  PaletteChoice choice;
  choice.fixed = true;
  std::vector<float> points(k * kDims);
  for (std::size_t e = 0; e < k; ++e) {
    const std::uint8_t* sample = &palette[e * source_channels];
    // An RGB palette used for an RGBA image is opaque; alpha is dropped for an RGB image.
    const std::uint32_t alpha = statistics.channels == 4 && source_channels == 4 ? sample[3] : 255u;
    const std::uint32_t packed = static_cast<std::uint32_t>(sample[0]) |
                                 static_cast<std::uint32_t>(sample[1]) << 8 |
                                 static_cast<std::uint32_t>(sample[2]) << 16 | alpha << 24;
    choice.colors.push_back(packed);
    statistics.mapper.to_point(packed, &points[e * kDims]);
    if (statistics.transparent != kNotFound && alpha == 0 &&
        choice.transparent_entry == kNotFound) {
      choice.transparent_entry = static_cast<std::uint32_t>(e);
    }
  }
  choice.label_of_distinct.assign(statistics.histogram.size(), 0);
  assign_nearest(statistics.points, points, statistics.threads, choice.label_of_distinct);
  if (choice.transparent_entry != kNotFound) {
    choice.label_of_distinct[statistics.transparent] = choice.transparent_entry;
  }
  return choice;
}

bool rate_labels_apply(const MappingOptions& options, std::size_t colors) {
  return options.dither == 0 && colors >= 2 && colors <= kMaxPartitionPaletteSize;
}

int rate_search_limit(const ColorStatistics& statistics, int colors) {
  return std::min({statistics.exact_colors(), colors, static_cast<int>(kMaxPartitionPaletteSize)});
}

std::vector<std::uint8_t> palette_bytes(const std::vector<std::uint32_t>& colors, int channels) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(colors.size() * static_cast<std::size_t>(channels));
  for (const std::uint32_t color : colors) {
    for (int c = 0; c < channels; ++c) bytes.push_back(color_channel(color, c));
  }
  return bytes;
}

std::vector<std::uint8_t> palette_bytes(const PaletteChoice& choice, int channels) {
  return palette_bytes(choice.colors, channels);
}

IndexedImage make_indexed(const ColorStatistics& statistics, const PaletteChoice& choice,
                          const MappingOptions& options, double* expected_label_bits) {
  const Image& image = *statistics.image;
  IndexedImage indexed;
  indexed.width = image.width();
  indexed.height = image.height();
  indexed.channels = statistics.channels;
  indexed.palette = palette_bytes(choice, statistics.channels);
  if (options.dither > 0 && choice.colors.size() > 1) {
    std::vector<float> points(choice.colors.size() * kDims);
    for (std::size_t e = 0; e < choice.colors.size(); ++e) {
      statistics.mapper.to_point(choice.colors[e], &points[e * kDims]);
    }
    if (options.dither_kind == DitherKind::ordered) {
      indexed.indices =
          ordered_dither(image, statistics.histogram, statistics.mapper, points,
                         choice.transparent_entry, options.dither, statistics.threads);
    } else {
      const DiffusionControl control = diffusion_control(
          remap_pixels(image, statistics.histogram, choice.label_of_distinct, statistics.threads),
          indexed.width, indexed.height,
          std::sqrt(clustering_inertia(statistics, choice) /
                    static_cast<double>(image.pixel_count())),
          static_cast<double>(choice.colors.size()));
      if (!choice.fixed) {
        indexed.palette =
            palette_bytes(palette_for_diffusion(image, statistics.mapper, points,
                                                choice.transparent_entry, options.dither, control),
                          statistics.channels);
      }
      indexed.indices = floyd_steinberg(image, statistics.mapper, points, choice.transparent_entry,
                                        options.dither, control);
    }
  } else {
    indexed.indices =
        remap_pixels(image, statistics.histogram, choice.label_of_distinct, statistics.threads);
    if (maps_for_rate(options, choice.colors.size())) {
      RateDistortionLabels chosen = rate_distortion_labels(
          image.data(), indexed.width, indexed.height, indexed.channels, indexed.palette,
          indexed.indices, options.rd_lambda,
          choice.transparent_entry == kNotFound ? kNoProtectedEntry : choice.transparent_entry,
          statistics.threads);
      indexed.indices = std::move(chosen.indices);
      if (expected_label_bits) *expected_label_bits = chosen.expected_bits;
    }
  }
  return indexed;
}

double histogram_mse(const ColorStatistics& statistics, const PaletteChoice& choice) {
  double total = 0, pixels = 0;
  for (std::size_t i = 0; i < statistics.histogram.size(); ++i) {
    const std::uint32_t from = statistics.histogram.color(i);
    const std::uint32_t to = choice.colors[choice.label_of_distinct[i]];
    double d2 = 0;
    for (int c = 0; c < 3; ++c) {
      const double d = static_cast<double>(color_channel(from, c)) - color_channel(to, c);
      d2 += d * d;
    }
    total += d2 * statistics.histogram.count(i);
    pixels += statistics.histogram.count(i);
  }
  return total / (3.0 * pixels);
}

double mapped_mse(const ColorStatistics& statistics, const PaletteChoice& choice,
                  const MappingOptions& options) {
  const bool beyond_nearest = options.dither > 0 || maps_for_rate(options, choice.colors.size());
  return beyond_nearest ? indexed_mse(*statistics.image, make_indexed(statistics, choice, options))
                        : histogram_mse(statistics, choice);
}

std::uint64_t squared_error_sum(const Image& image, std::span<const std::uint16_t> indices,
                                std::span<const std::uint8_t> palette, int palette_channels) {
  const std::size_t channels = static_cast<std::size_t>(palette_channels);
  const std::size_t stride = static_cast<std::size_t>(image.channels());
  const std::uint8_t* pixels = image.data().data();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const std::uint8_t* entry = &palette[indices[i] * channels];
    for (std::size_t c = 0; c < 3; ++c) {
      const int d = static_cast<int>(pixels[i * stride + c]) - entry[c];
      total += static_cast<std::uint64_t>(d * d);
    }
  }
  return total;
}

double indexed_mse(const Image& image, const IndexedImage& indexed) {
  const std::uint64_t total =
      squared_error_sum(image, indexed.indices, indexed.palette, indexed.channels);
  return static_cast<double>(total) / (3.0 * static_cast<double>(indexed.indices.size()));
}

double clustering_inertia(const ColorStatistics& statistics, const PaletteChoice& choice) {
  std::vector<float> points(choice.colors.size() * kDims);
  for (std::size_t e = 0; e < choice.colors.size(); ++e) {
    statistics.mapper.to_point(choice.colors[e], &points[e * kDims]);
  }
  double total = 0;
  for (std::size_t i = 0; i < statistics.histogram.size(); ++i) {
    total += static_cast<double>(statistics.histogram.count(i)) *
             squared_distance(&statistics.points.coords[i * kDims],
                              &points[choice.label_of_distinct[i] * kDims]);
  }
  return total;
}

double target_mse(const TargetOptions& options) {
  double mse = 0;
  if (options.target_psnr > 0) mse = 255.0 * 255.0 / std::pow(10.0, options.target_psnr / 10.0);
  if (options.max_mse > 0) mse = mse > 0 ? std::min(mse, options.max_mse) : options.max_mse;
  return mse;
}

}  // namespace kmq::detail
