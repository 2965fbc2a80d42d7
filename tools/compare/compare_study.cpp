// SPDX-License-Identifier: MIT
#include "compare_study.hpp"

#include <chrono>
#include <filesystem>
#include <kmq/io.hpp>

#include "jpeg_at_psnr.hpp"
#include "report_pictures.hpp"

namespace kmq::compare {
namespace {

using Clock = std::chrono::steady_clock;

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

KVisuals visuals_of(const IndexedImage& indexed, const std::vector<std::uint8_t>& file,
                    const ImageStudy& study, const std::vector<std::size_t>& positions,
                    const StudySettings& settings) {
  KVisuals v;
  if (settings.embed_kmq) {
    v.file = file;
  } else {
    v.display = png_picture(downscale_nearest(indexed, settings.display_max_side));
    v.crop = png_picture(cut(indexed, study.crop_rect));
  }
  v.palette = indexed.palette;
  v.palette_channels = indexed.channels;
  v.counts.assign(static_cast<std::size_t>(indexed.palette_size()), 0);
  for (const std::uint16_t index : indexed.indices) ++v.counts[index];
  for (const std::size_t at : positions) v.sample_labels.push_back(indexed.indices[at]);
  return v;
}

}  // namespace

ImageStudy study_image(const std::string& path, const StudySettings& settings,
                       const std::function<void()>& step_done) {
  ImageStudy study;
  study.path = path;
  study.name = path == "-" ? "stdin" : std::filesystem::path(path).filename().string();
  const std::vector<std::uint8_t> bytes = io::read_file(path);
  const Image original = io::read_image(bytes, {.max_pixels = settings.max_pixels});
  study.width = original.width();
  study.height = original.height();
  study.channels = original.channels();
  study.original_bytes = bytes.size();

  std::vector<std::size_t> positions;
  if (settings.keep_visuals) {
    study.display = png_picture(downscale_nearest(original, settings.display_max_side));
    study.crop_rect = busiest_square(original, settings.crop_side);
    study.crop = png_picture(cut(original, study.crop_rect));
    positions = sample_positions(original.pixel_count(), settings.scatter_samples);
    const auto channels = static_cast<std::size_t>(original.channels());
    for (const std::size_t at : positions) {
      const std::uint8_t* p = original.data().data() + at * channels;
      study.samples.insert(study.samples.end(), p, p + 3);
    }
  }

  JpegQualitySearch jpeg(original);
  for (const int colors : settings.colors) {
    KResult r;
    r.requested_colors = colors;
    EncodeOptions options = settings.encode;
    options.colors = colors;
    options.rd_lambda = 0;

    // encode() is quantize() then encode_indexed(); keeping the index map from the first step
    // spares decoding the file a second time for the PNG and the report pictures.
    auto start = Clock::now();
    const IndexedImage indexed = quantize(original, options);
    const std::vector<std::uint8_t> file = encode_indexed(indexed, options);
    r.encode_ms = milliseconds_since(start);
    r.kmq_bytes = file.size();

    start = Clock::now();
    const Image decoded = decode(file, {.max_pixels = settings.max_pixels});
    r.decode_ms = milliseconds_since(start);

    r.palette_size = indexed.palette_size();
    r.png_bytes = io::write_png(indexed).size();  // indexed PNG8 when K <= 256
    r.psnr = psnr(original, decoded);
    r.ssim = ssim(original, decoded, settings.encode.threads);
    const JpegPoint matched = jpeg.lowest_quality_reaching(r.psnr);
    r.jpeg_quality = matched.quality;
    r.jpeg_bytes = matched.bytes;
    r.jpeg_psnr = matched.psnr;
    r.jpeg_reached = matched.reached;
    if (settings.rd_lambda > 0) {
      options.rd_lambda = settings.rd_lambda;
      const std::vector<std::uint8_t> rated = encode(original, options);
      const Image rated_pixels = decode(rated, {.max_pixels = settings.max_pixels});
      r.has_rd = true;
      r.rd_kmq_bytes = rated.size();
      r.rd_psnr = psnr(original, rated_pixels);
      r.rd_ssim = ssim(original, rated_pixels, settings.encode.threads);
    }
    if (settings.keep_visuals) r.visuals = visuals_of(indexed, file, study, positions, settings);
    study.results.push_back(std::move(r));
    step_done();
  }
  return study;
}

}  // namespace kmq::compare
