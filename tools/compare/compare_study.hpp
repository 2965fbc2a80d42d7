// SPDX-License-Identifier: MIT
// The size-versus-quality study of one image: for every K, the .kmq file against PNG and JPEG
// holding the same (or equally good) pixels, with quality and timing, plus what the HTML report
// shows of it.
#pragma once

#include <cstdint>
#include <functional>
#include <kmq/kmq.hpp>
#include <string>
#include <vector>

namespace kmq::compare {

struct StudySettings {
  std::vector<int> colors;  ///< the K values, in the order they are reported
  EncodeOptions encode;     ///< everything but `colors` (rd_lambda is read from below)
  /// Each K is also encoded with rate-distortion labels of this lambda (0: not).
  double rd_lambda = 0;
  std::uint64_t max_pixels = kDefaultMaxPixels;
  bool keep_visuals = false;  ///< gather what the HTML report needs
  /// The report shows each K's .kmq file, decoded in the page; else PNG pictures of it.
  bool embed_kmq = false;
  int display_max_side = 640;
  int crop_side = 96;
  int scatter_samples = 2000;
};

/// An 8-bit image as the report page shows it, encoded as PNG.
struct PngPicture {
  int width = 0, height = 0;
  std::vector<std::uint8_t> png;
};

struct KVisuals {
  PngPicture display, crop;           ///< when the report does not embed the .kmq file
  std::vector<std::uint8_t> file;     ///< the .kmq file itself, when the report embeds it
  std::vector<std::uint8_t> palette;  ///< `palette_channels` samples per entry
  int palette_channels = 3;
  std::vector<std::uint64_t> counts;         ///< pixels per palette entry
  std::vector<std::uint32_t> sample_labels;  ///< palette entry of every scatter sample
};

struct KResult {
  int requested_colors = 0;
  int palette_size = 0;  ///< can be below K when the image has fewer colours
  std::size_t kmq_bytes = 0;
  std::size_t png_bytes = 0;  ///< PNG of the quantized pixels, indexed when K <= 256
  int jpeg_quality = 0;       ///< lowest JPEG quality whose PSNR reaches the .kmq's
  std::size_t jpeg_bytes = 0;
  double jpeg_psnr = 0;
  bool jpeg_reached = false;
  double psnr = 0, ssim = 0;
  double encode_ms = 0, decode_ms = 0;
  /// With StudySettings::rd_lambda: the same K with rate-distortion labels.
  bool has_rd = false;
  std::size_t rd_kmq_bytes = 0;
  double rd_psnr = 0, rd_ssim = 0;
  KVisuals visuals;
};

struct CropRect {
  int x = 0, y = 0, width = 0, height = 0;
};

struct ImageStudy {
  std::string path, name;
  int width = 0, height = 0, channels = 0;
  std::size_t original_bytes = 0;
  PngPicture display, crop;  ///< of the original (when visuals are kept)
  CropRect crop_rect;
  std::vector<std::uint8_t> samples;  ///< RGB of the scatter samples, 3 bytes each
  std::vector<KResult> results;       ///< one per K, in settings order
};

/// Runs the study of one image file; `step_done` is called after each K.
/// Throws Error for an unreadable image.
ImageStudy study_image(const std::string& path, const StudySettings& settings,
                       const std::function<void()>& step_done);

}  // namespace kmq::compare
