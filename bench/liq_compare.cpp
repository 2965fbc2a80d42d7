// SPDX-License-Identifier: MIT
// In-process comparison with libimagequant (pngquant's library): quantize + remap of the same
// RGBA pixels, no file I/O, no dithering, each side's default speed settings and all cores.
// Prints the median wall time of each, their ratio and the PSNR of each result, for kmq's
// default (every colour clustered) and with --sample (EncodeOptions::sample_pixels).
// Usage: liq_compare [--runs N] [--colors K,K...] [--sample PIXELS] IMAGE...
#include <libimagequant.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct LiqDeleter {
  void operator()(liq_attr* attr) const noexcept { liq_attr_destroy(attr); }
  void operator()(liq_image* image) const noexcept { liq_image_destroy(image); }
  void operator()(liq_result* result) const noexcept { liq_result_destroy(result); }
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// One libimagequant run: the RGB image as an RGBA palette image.
kmq::IndexedImage liq_quantize_and_remap(const kmq::Image& rgba, int colors) {
  std::unique_ptr<liq_attr, LiqDeleter> attr(liq_attr_create());
  if (!attr || liq_set_max_colors(attr.get(), colors) != LIQ_OK)
    throw std::runtime_error("libimagequant: bad attributes");
  std::unique_ptr<liq_image, LiqDeleter> image(
      liq_image_create_rgba(attr.get(), rgba.data().data(), rgba.width(), rgba.height(), 0));
  if (!image) throw std::runtime_error("libimagequant: cannot wrap the image");
  liq_result* raw_result = nullptr;
  if (liq_image_quantize(image.get(), attr.get(), &raw_result) != LIQ_OK)
    throw std::runtime_error("libimagequant: quantization failed");
  std::unique_ptr<liq_result, LiqDeleter> result(raw_result);
  liq_set_dithering_level(result.get(), 0);
  std::vector<std::uint8_t> indices(rgba.pixel_count());
  if (liq_write_remapped_image(result.get(), image.get(), indices.data(), indices.size()) != LIQ_OK)
    throw std::runtime_error("libimagequant: remapping failed");
  const liq_palette* palette = liq_get_palette(result.get());
  kmq::IndexedImage out;
  out.width = rgba.width();
  out.height = rgba.height();
  out.channels = 3;
  for (unsigned i = 0; i < palette->count; ++i) {
    out.palette.insert(out.palette.end(),
                       {palette->entries[i].r, palette->entries[i].g, palette->entries[i].b});
  }
  out.indices.assign(indices.begin(), indices.end());
  return out;
}

// PNGs often carry an alpha channel that is opaque everywhere: compare on RGB then.
kmq::Image opaque_as_rgb(const kmq::Image& image, const std::string& name) {
  if (image.channels() == 3) return image;
  kmq::Image rgb(image.width(), image.height(), 3);
  for (std::size_t p = 0; p < image.pixel_count(); ++p) {
    if (image.data()[4 * p + 3] != 255) throw std::runtime_error(name + ": not opaque");
    std::copy_n(&image.data()[4 * p], 3, &rgb.data()[3 * p]);
  }
  return rgb;
}

template <class Run>
double seconds(const Run& run) {
  const auto start = Clock::now();
  run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::uint64_t sample_pixels = 32768;
  std::vector<int> color_counts = {16, 256};
  std::vector<std::string> images;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (argument == "--sample" && i + 1 < argc) {
      sample_pixels = std::strtoull(argv[++i], nullptr, 10);
    } else if (argument == "--colors" && i + 1 < argc) {
      color_counts.clear();
      std::stringstream list(argv[++i]);
      for (std::string item; std::getline(list, item, ',');)
        color_counts.push_back(std::stoi(item));
    } else {
      images.push_back(argument);
    }
  }
  if (images.empty()) {
    std::fprintf(stderr,
                 "usage: liq_compare [--runs N] [--colors K,K...] [--sample PIXELS] IMAGE...\n");
    return 2;
  }
  std::printf("%-26s %5s %5s %8s %8s %8s %7s %7s %8s %8s %8s\n", "image", "K", "MP", "kmq ms",
              "sampl ms", "liq ms", "kmq/liq", "smp/liq", "kmq dB", "smp dB", "liq dB");
  try {
    for (const std::string& name : images) {
      const kmq::Image rgb = opaque_as_rgb(kmq::io::read_image(kmq::io::read_file(name)), name);
      kmq::Image rgba(rgb.width(), rgb.height(), 4);  // libimagequant's input layout
      for (std::size_t p = 0; p < rgb.pixel_count(); ++p) {
        std::copy_n(&rgb.data()[3 * p], 3, &rgba.data()[4 * p]);
        rgba.data()[4 * p + 3] = 255;
      }
      for (const int colors : color_counts) {
        kmq::EncodeOptions options;
        options.colors = colors;
        kmq::EncodeOptions sampled = options;
        sampled.sample_pixels = sample_pixels;
        kmq::IndexedImage ours, ours_sampled, theirs;
        std::vector<double> kmq_runs, sampled_runs, liq_runs;
        for (int r = 0; r < runs; ++r) {  // alternating, so that drift hits all three alike
          kmq_runs.push_back(seconds([&] { ours = kmq::quantize(rgb, options); }));
          sampled_runs.push_back(seconds([&] { ours_sampled = kmq::quantize(rgb, sampled); }));
          liq_runs.push_back(seconds([&] { theirs = liq_quantize_and_remap(rgba, colors); }));
        }
        const double kmq_seconds = median(kmq_runs), sampled_seconds = median(sampled_runs),
                     liq_seconds = median(liq_runs);
        const std::string base = name.substr(name.find_last_of('/') + 1);
        std::printf("%-26s %5d %5.1f %8.1f %8.1f %8.1f %7.2f %7.2f %8.3f %8.3f %8.3f\n",
                    base.c_str(), colors, static_cast<double>(rgb.pixel_count()) / 1e6,
                    1e3 * kmq_seconds, 1e3 * sampled_seconds, 1e3 * liq_seconds,
                    kmq_seconds / liq_seconds, sampled_seconds / liq_seconds,
                    kmq::psnr(rgb, kmq::expand(ours)), kmq::psnr(rgb, kmq::expand(ours_sampled)),
                    kmq::psnr(rgb, kmq::expand(theirs)));
        std::fflush(stdout);
      }
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "liq_compare: %s\n", error.what());
    return 1;
  }
  return 0;
}
