// SPDX-License-Identifier: MIT
// kmq::shared_palette: one palette clustered from the pixels of several images, and with a
// target the K at which every one of them meets it.
#include <algorithm>
#include <kmq/kmq.hpp>
#include <map>
#include <optional>

#include "api/options.hpp"
#include "quantize/k_search.hpp"
#include "quantize/stages.hpp"

namespace kmq {

namespace {

// Every image's pixels in one image (4096 wide), RGBA when any of them is. The last row is
// filled with copies of the first pixels, so the palette sees no invented colour.
Image combine(std::span<const Image> images) {
  std::size_t total = 0;
  int channels = 3;
  for (const Image& image : images) {
    total += image.pixel_count();
    channels = std::max(channels, image.channels());
  }
  if (total > kMaxPixelCount) {
    throw Error(ErrorCategory::limit_exceeded,
                "a shared palette: the images hold more than 2^30 pixels together");
  }
  constexpr std::size_t kWidth = 4096;
  const std::size_t rows = (total + kWidth - 1) / kWidth;
  Image combined(static_cast<int>(std::min(kWidth, total)), static_cast<int>(rows), channels);
  const auto out_channels = static_cast<std::size_t>(channels);
  std::uint8_t* out = combined.data().data();
  std::size_t at = 0;
  for (const Image& image : images) {
    const auto in_channels = static_cast<std::size_t>(image.channels());
    for (std::size_t i = 0; i < image.pixel_count(); ++i, ++at) {
      const std::uint8_t* from = image.data().data() + i * in_channels;
      std::copy_n(from, 3, out + at * out_channels);
      if (channels == 4) out[at * out_channels + 3] = in_channels == 4 ? from[3] : 255;
    }
  }
  for (std::size_t i = at; i < combined.pixel_count(); ++i) {
    std::copy_n(out + (i - at) * out_channels, out_channels, out + i * out_channels);
  }
  return combined;
}

}  // namespace

SharedPalette shared_palette(std::span<const Image> images, const EncodeOptions& options) {
  detail::validate_quantize(options);
  if (images.empty()) throw Error(ErrorCategory::bad_input, "a shared palette needs images");
  for (const Image& image : images) {
    if (image.empty()) throw Error(ErrorCategory::bad_input, "cannot quantize an empty image");
  }
  if (!options.fixed_palette.empty()) {
    throw Error(ErrorCategory::bad_input, "a shared palette is clustered, not fixed");
  }
  if (options.target_ssim > 0) {
    // SSIM is measured per image on the whole image; a shared palette's K search counts
    // colours over all of them at once.
    throw Error(ErrorCategory::bad_input,
                "a shared palette meets a PSNR, MSE or size target, not an SSIM target");
  }
  const Image combined = combine(images);
  // One pool for every trial; the quantize() and encode() calls below share it.
  const detail::WorkerScope scope(options.runner, options.threads);
  SharedPalette result;
  result.channels = combined.channels();
  EncodeOptions plain = options;
  plain.runner = scope.workers().runner();
  plain.target_psnr = plain.max_mse = 0;
  plain.max_bytes = 0;
  const double wanted = detail::target_mse(options);
  if (wanted == 0 && options.max_bytes == 0) {
    result.palette = quantize(combined, plain).palette;
    return result;
  }

  const detail::ColorStatistics statistics =
      detail::gather_color_statistics(combined, plain.space, scope.workers());
  const int limit = std::min(statistics.exact_colors(), options.colors);
  std::map<int, std::vector<std::uint8_t>> palettes;
  auto palette_at = [&](int k) -> const std::vector<std::uint8_t>& {
    auto found = palettes.find(k);
    if (found == palettes.end()) {
      found = palettes
                  .emplace(k, detail::palette_bytes(detail::cluster_palette(statistics, k, plain),
                                                    result.channels))
                  .first;
    }
    return found->second;
  };
  auto fixed_to = [&](int k) {
    EncodeOptions fixed = plain;
    fixed.fixed_palette = palette_at(k);
    fixed.fixed_palette_channels = result.channels;
    return fixed;
  };
  // A quality target scores images by MSE, a size target by bytes; every image must pass.
  using Score = std::function<double(const Image&, const EncodeOptions&)>;
  const Score score = wanted > 0 ? Score([](const Image& image, const EncodeOptions& fixed) {
    QuantizeStats stats;
    quantize(image, fixed, &stats);
    return stats.mse;
  })
                                 : Score([](const Image& image, const EncodeOptions& fixed) {
                                     return static_cast<double>(encode(image, fixed).size());
                                   });
  const double allowed = wanted > 0 ? wanted : static_cast<double>(options.max_bytes);
  auto all_pass = [&](int colors) {
    const EncodeOptions fixed = fixed_to(colors);
    bool pass = true;
    for (std::size_t i = 0; i < images.size(); ++i) {
      const double value = score(images[i], fixed);
      if (i == 0 || value > result.worst_value) {
        result.worst_value = value;
        result.worst_image = i;
      }
      pass = pass && value <= allowed;
    }
    return pass;
  };
  const std::optional<int> k = wanted > 0 ? detail::smallest_meeting(limit, all_pass)
                                          : detail::largest_fitting(limit, all_pass);
  result.trials = static_cast<int>(palettes.size());
  result.met = k.has_value();
  // Not met: the palette of the K that came closest (the largest for quality, 1 for size).
  const int chosen = k ? *k : (wanted > 0 ? limit : 1);
  all_pass(chosen);  // the worst image at the chosen K (cached palette, quick)
  result.palette = palette_at(chosen);
  result.colors = static_cast<int>(result.palette.size()) / result.channels;
  return result;
}

}  // namespace kmq
