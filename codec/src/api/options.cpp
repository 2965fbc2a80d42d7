// SPDX-License-Identifier: MIT
// Option checks, one function per stage, and kmq::validate(EncodeOptions) over all of them: the
// quantizer checks only what it reads, the label coder likewise.
#include "api/options.hpp"

#include <cmath>
#include <string>

namespace kmq {

namespace {

void require(bool condition, const std::string& message) {
  if (!condition) throw Error(ErrorCategory::bad_input, message);
}

bool finite_at_least(double value, double low) { return std::isfinite(value) && value >= low; }

}  // namespace

namespace detail {

void validate_threads(int threads) {
  require(threads >= 0, "threads must be >= 0 (0 = all cores)");
}

void validate_clustering(const ClusteringOptions& options) {
  require(options.colors >= 1 && static_cast<std::uint32_t>(options.colors) <= kMaxColors,
          "colors (K) must be in 1..65536, got " + std::to_string(options.colors));
  require(options.max_iterations >= 1,
          "max_iterations must be at least 1, got " + std::to_string(options.max_iterations));
  require(finite_at_least(options.tolerance, 0), "tolerance must be a finite number >= 0");
  require(options.batch_size >= 1, "batch size must be at least 1");
  require(options.max_no_improvement >= 1, "max_no_improvement must be at least 1");
  require(finite_at_least(options.reassignment_ratio, 0) && options.reassignment_ratio < 1,
          "reassignment ratio must be in [0, 1)");
  require(finite_at_least(options.gmm_tolerance, 0), "GMM tolerance must be a finite number >= 0");
  require(std::isfinite(options.gmm_covariance_floor) && options.gmm_covariance_floor > 0,
          "the GMM covariance floor must be a finite number > 0");
  require(options.sample_pixels <= kMaxPixelCount,
          "sample_pixels must be at most 2^30 (0 = every colour), got " +
              std::to_string(options.sample_pixels));
}

void validate_mapping(const MappingOptions& options) {
  require(finite_at_least(options.dither, 0) && options.dither <= 1,
          "dither strength must be in 0..1");
  require(finite_at_least(options.rd_lambda, 0), "the RD lambda must be a finite number >= 0");
  require(options.rd_lambda == 0 || options.dither == 0,
          "rate-distortion labels and dithering cannot be combined");
  if (!options.fixed_palette.empty()) {
    const int channels = options.fixed_palette_channels;
    require(channels == 3 || channels == 4, "a fixed palette has 3 or 4 channels");
    require(options.fixed_palette.size() % static_cast<std::size_t>(channels) == 0,
            "fixed palette size is not a whole number of entries");
    require(options.fixed_palette.size() / static_cast<std::size_t>(channels) <= kMaxColors,
            "a fixed palette holds at most 65536 entries");
  }
}

void validate_targets(const TargetOptions& options) {
  require(finite_at_least(options.target_psnr, 0), "target PSNR must be a finite number >= 0");
  require(finite_at_least(options.max_mse, 0), "max MSE must be a finite number >= 0");
  require(finite_at_least(options.target_ssim, 0) && options.target_ssim < 1,
          "target SSIM must be a number in [0, 1) (0 = off)");
}

void validate_label_coding(const LabelCodingOptions& options) {
  require(options.level >= 0 && options.level <= 22,
          "zstd level must be 0 (tuned) or 1..22, got " + std::to_string(options.level));
  require(options.effort >= kMinEffort && options.effort <= kMaxEffort,
          "effort must be in 1..6, got " + std::to_string(options.effort));
  require(options.tiles >= 0 && options.tiles <= 255,
          "tiles must be in 0..255 (0 = by image size), got " + std::to_string(options.tiles));
}

void validate_quantize(const EncodeOptions& options) {
  validate_clustering(options);
  validate_mapping(options);
  validate_targets(options);
  validate_threads(options.threads);
  // Sampling clusters for a given K; a K search or a fixed palette has none to give it.
  require(options.sample_pixels == 0 ||
              (options.fixed_palette.empty() && options.target_psnr == 0 && options.max_mse == 0 &&
               options.target_ssim == 0 && options.max_bytes == 0),
          "sample_pixels clusters for a given K: it cannot be combined with a quality or size "
          "target or a fixed palette");
}

}  // namespace detail

void validate(const EncodeOptions& options) {
  detail::validate_quantize(options);
  detail::validate_label_coding(options);
}

}  // namespace kmq
