// SPDX-License-Identifier: MIT
// JPEG reading (gray, RGB/YCbCr, CMYK/YCCK converted to RGB) and writing through libjpeg-turbo.
//
// libjpeg reports fatal errors by calling error_exit, and only *warns* about a file that ends
// early (it pads the image with grey). Here warnings that mean lost or damaged image data are
// fatal too. setjmp lives only in functions whose locals are plain C data.
// jpeglib.h uses size_t and FILE without including their headers.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <kmq/io.hpp>
#include <memory>
#include <string>
#include <vector>

#include "image_metadata.hpp"
#include "io_formats.hpp"

namespace kmq::io {

namespace {

struct JpegErrorState {
  jpeg_error_mgr manager;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_jpeg_error(j_common_ptr info) {
  auto* state = reinterpret_cast<JpegErrorState*>(info->err);
  (*info->err->format_message)(info, state->message);
  std::longjmp(state->jump, 1);
}

// Warnings that only describe metadata quirks; every other warning means damaged pixels.
bool is_harmless_warning(int code) {
  return code == JWRN_EXTRANEOUS_DATA || code == JWRN_ADOBE_XFORM || code == JWRN_JFIF_MAJOR ||
         code == JWRN_BOGUS_ICC;
}

void on_jpeg_message(j_common_ptr info, int level) {
  if (level < 0 && !is_harmless_warning(info->err->msg_code)) on_jpeg_error(info);
}

void init_errors(JpegErrorState& state) {
  jpeg_std_error(&state.manager);
  state.manager.error_exit = on_jpeg_error;
  state.manager.emit_message = on_jpeg_message;
  std::snprintf(state.message, sizeof state.message, "unknown libjpeg error");
}

class JpegDecompressHandle {
 public:
  explicit JpegDecompressHandle(JpegErrorState& errors) {
    info_.err = &errors.manager;
    // jpeg_create_decompress can only fail on out-of-memory, which error_exit reports.
    if (!create(&info_, &errors)) throw Error(ErrorCategory::io, "JPEG: out of memory");
  }
  ~JpegDecompressHandle() { jpeg_destroy_decompress(&info_); }
  JpegDecompressHandle(const JpegDecompressHandle&) = delete;
  JpegDecompressHandle& operator=(const JpegDecompressHandle&) = delete;
  jpeg_decompress_struct* get() { return &info_; }

 private:
  static bool create(jpeg_decompress_struct* info, JpegErrorState* errors) {
    if (setjmp(errors->jump)) return false;
    jpeg_create_decompress(info);
    return true;
  }
  jpeg_decompress_struct info_{};
};

struct JpegLayout {
  JDIMENSION width;
  JDIMENSION height;
  int components;
  bool cmyk;
  bool adobe_inverted;
  JOCTET* icc;  // malloc'd by libjpeg; the caller frees it
  unsigned icc_length;
};

// APP1 payload prefixes (Exif 2.3 §4.7.2, XMP specification part 3 §1.1.3).
constexpr char kExifPrefix[] = "Exif\0";  // with the string's own 0: "Exif\0\0"
constexpr std::size_t kExifPrefixLength = 6;
constexpr char kXmpPrefix[] = "http://ns.adobe.com/xap/1.0/";  // followed by a 0
constexpr std::size_t kXmpPrefixLength = sizeof kXmpPrefix;
constexpr char kExtendedXmpPrefix[] = "http://ns.adobe.com/xmp/extension/";

bool read_jpeg_header(jpeg_decompress_struct* info, JpegErrorState* errors,
                      const std::uint8_t* data, std::size_t size, JpegLayout* layout) {
  if (setjmp(errors->jump)) return false;
  jpeg_mem_src(info, data, static_cast<unsigned long>(size));
  // Metadata: comments, APP1 (Exif, XMP) and APP2 (ICC) whole; the other application markers
  // that carry metadata (APP3..APP13, APP15) only so that a warning can name them. APP0 (JFIF)
  // and APP14 (Adobe) describe the encoding and are read by libjpeg itself.
  jpeg_save_markers(info, JPEG_COM, 0xFFFF);
  jpeg_save_markers(info, JPEG_APP0 + 1, 0xFFFF);
  jpeg_save_markers(info, JPEG_APP0 + 2, 0xFFFF);
  for (int n = 3; n <= 15; ++n) {
    if (n != 14) jpeg_save_markers(info, JPEG_APP0 + n, 0);
  }
  jpeg_read_header(info, TRUE);
  if (!jpeg_read_icc_profile(info, &layout->icc, &layout->icc_length)) {
    layout->icc = nullptr;
    layout->icc_length = 0;
  }
  layout->cmyk = info->jpeg_color_space == JCS_CMYK || info->jpeg_color_space == JCS_YCCK;
  layout->adobe_inverted = layout->cmyk && info->saw_Adobe_marker;
  info->out_color_space = layout->cmyk                              ? JCS_CMYK
                          : info->jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE
                                                                    : JCS_RGB;
  jpeg_calc_output_dimensions(info);
  layout->width = info->output_width;
  layout->height = info->output_height;
  layout->components = info->output_components;
  return true;
}

bool start_jpeg_pixels(jpeg_decompress_struct* info, JpegErrorState* errors) {
  if (setjmp(errors->jump)) return false;
  jpeg_start_decompress(info);
  return true;
}

// Decodes the next rows, up to row `end`, into `rows` (height rows of width * components bytes).
bool read_jpeg_rows(jpeg_decompress_struct* info, JpegErrorState* errors, JSAMPROW* rows,
                    JDIMENSION end) {
  if (setjmp(errors->jump)) return false;
  while (info->output_scanline < end) {
    jpeg_read_scanlines(info, rows + info->output_scanline, end - info->output_scanline);
  }
  return true;
}

bool finish_jpeg_pixels(jpeg_decompress_struct* info, JpegErrorState* errors) {
  if (setjmp(errors->jump)) return false;
  jpeg_finish_decompress(info);
  return true;
}

bool starts_with(const jpeg_saved_marker_ptr marker, const char* prefix, std::size_t length) {
  return marker->data_length >= length && std::memcmp(marker->data, prefix, length) == 0;
}

// Exif, XMP, comments and the JFIF density of a decompressor after jpeg_read_header; the ICC
// profile comes from jpeg_read_icc_profile. Markers it cannot keep are named to `warn`.
Metadata read_jpeg_metadata(const jpeg_decompress_struct& info, const WarningHandler& warn) {
  Metadata metadata;
  std::string dropped;
  auto drop = [&](const std::string& what) { dropped += (dropped.empty() ? "" : ", ") + what; };
  for (jpeg_saved_marker_ptr marker = info.marker_list; marker; marker = marker->next) {
    const JOCTET* data = marker->data;
    const std::size_t length = marker->data_length;
    if (marker->marker == JPEG_COM) {
      // Many writers end a comment with the 0 of a C string; it is not part of the text.
      std::size_t end = length;
      while (end > 0 && data[end - 1] == 0) --end;
      metadata.text.push_back({"Comment", "", "", std::string(data, data + end)});
    } else if (marker->marker == JPEG_APP0 + 1 &&
               starts_with(marker, kExifPrefix, kExifPrefixLength)) {
      if (metadata.exif.empty()) metadata.exif.assign(data + kExifPrefixLength, data + length);
    } else if (marker->marker == JPEG_APP0 + 1 &&
               starts_with(marker, kXmpPrefix, kXmpPrefixLength)) {
      if (metadata.xmp.empty()) metadata.xmp.assign(data + kXmpPrefixLength, data + length);
    } else if (marker->marker == JPEG_APP0 + 1 &&
               starts_with(marker, kExtendedXmpPrefix, sizeof kExtendedXmpPrefix - 1)) {
      drop("extended XMP (APP1)");
    } else if (marker->marker != JPEG_APP0 + 2 && marker->marker != JPEG_APP0 + 1) {
      drop("APP" + std::to_string(marker->marker - JPEG_APP0));
    }
  }
  if (info.saw_JFIF_marker && info.X_density > 0 && info.Y_density > 0) {
    const std::uint32_t x = info.X_density, y = info.Y_density;
    if (info.density_unit == 1) {  // dots per inch, to dots per metre
      metadata.density = PixelDensity{(x * 10000 + 127) / 254, (y * 10000 + 127) / 254, 1};
    } else if (info.density_unit == 2) {  // dots per centimetre
      metadata.density = PixelDensity{x * 100, y * 100, 1};
    } else if (x != y) {  // a pixel aspect ratio; 1:1 says nothing
      metadata.density = PixelDensity{x, y, 0};
    }
  }
  if (!dropped.empty() && warn) {
    warn("JPEG: " + dropped +
         " not kept (.kmq keeps the ICC profile, Exif, XMP, comments and the JFIF density)");
  }
  return metadata;
}

// The markers write_jpeg() adds after the frame header, prepared as plain C data.
struct JpegMarker {
  int marker;
  const JOCTET* data;
  unsigned length;
};
struct JpegMetadata {
  const JOCTET* icc;
  unsigned icc_length;
  const JpegMarker* markers;
  int marker_count;
  int density_unit;  // -1: none
  UINT16 x_density, y_density;
};

class JpegCompressHandle {
 public:
  explicit JpegCompressHandle(JpegErrorState& errors) {
    info_.err = &errors.manager;
    if (!create(&info_, &errors)) throw Error(ErrorCategory::io, "JPEG: out of memory");
  }
  ~JpegCompressHandle() {
    jpeg_destroy_compress(&info_);
    std::free(buffer_);
  }
  JpegCompressHandle(const JpegCompressHandle&) = delete;
  JpegCompressHandle& operator=(const JpegCompressHandle&) = delete;
  jpeg_compress_struct* get() { return &info_; }
  unsigned char** buffer() { return &buffer_; }
  unsigned long* size() { return &size_; }

 private:
  static bool create(jpeg_compress_struct* info, JpegErrorState* errors) {
    if (setjmp(errors->jump)) return false;
    jpeg_create_compress(info);
    return true;
  }
  jpeg_compress_struct info_{};
  unsigned char* buffer_ = nullptr;  // owned by libjpeg's mem destination until destroy
  unsigned long size_ = 0;
};

bool write_jpeg_rows(jpeg_compress_struct* info, JpegErrorState* errors, unsigned char** buffer,
                     unsigned long* size, JDIMENSION width, JDIMENSION height, int quality,
                     JSAMPROW* rows, const JpegMetadata* metadata) {
  if (setjmp(errors->jump)) return false;
  jpeg_mem_dest(info, buffer, size);
  info->image_width = width;
  info->image_height = height;
  info->input_components = 3;
  info->in_color_space = JCS_RGB;
  jpeg_set_defaults(info);
  jpeg_set_quality(info, quality, TRUE);
  info->optimize_coding = TRUE;
  if (quality >= 90) {
    // Full-resolution chroma at high quality, as cjpeg users expect from -quality 90+.
    for (int c = 0; c < info->num_components; ++c) {
      info->comp_info[c].h_samp_factor = 1;
      info->comp_info[c].v_samp_factor = 1;
    }
  }
  if (metadata->density_unit >= 0) {
    info->write_JFIF_header = TRUE;
    info->density_unit = static_cast<UINT8>(metadata->density_unit);
    info->X_density = metadata->x_density;
    info->Y_density = metadata->y_density;
  }
  jpeg_start_compress(info, TRUE);
  for (int i = 0; i < metadata->marker_count; ++i) {
    const JpegMarker& marker = metadata->markers[i];
    jpeg_write_marker(info, marker.marker, marker.data, marker.length);
  }
  if (metadata->icc) jpeg_write_icc_profile(info, metadata->icc, metadata->icc_length);
  while (info->next_scanline < info->image_height) {
    jpeg_write_scanlines(info, rows + info->next_scanline,
                         info->image_height - info->next_scanline);
  }
  jpeg_finish_compress(info);
  return true;
}

}  // namespace

Image read_jpeg(std::span<const std::uint8_t> bytes, const ReadOptions& options) {
  JpegErrorState errors;
  init_errors(errors);
  JpegDecompressHandle handle(errors);
  JpegLayout layout{};
  const bool header_read =
      read_jpeg_header(handle.get(), &errors, bytes.data(), bytes.size(), &layout);
  const std::unique_ptr<JOCTET, decltype(&std::free)> icc(layout.icc, &std::free);
  if (!header_read) {
    throw Error(ErrorCategory::corrupt_file, std::string("JPEG: ") + errors.message);
  }
  check_pixel_limit("JPEG", layout.width, layout.height, options.max_pixels);
  const std::size_t components = static_cast<std::size_t>(layout.components);
  if (components != 1 && components != 3 && components != 4) {
    throw Error(ErrorCategory::unsupported, "JPEG: unsupported number of colour components");
  }
  Image image(static_cast<int>(layout.width), static_cast<int>(layout.height), 3);
  image.metadata() = read_jpeg_metadata(*handle.get(), options.warn);
  if (icc) {
    image.metadata().icc_profile.assign(icc.get(), icc.get() + layout.icc_length);
    image.metadata().icc_profile_name = "ICC profile";  // JPEG gives profiles no name
  }
  keep_valid_metadata(image.metadata(), "JPEG", options.warn);
  // RGB decodes straight into the image; gray and CMYK need a scratch buffer to convert from.
  std::vector<std::uint8_t> scratch;
  std::vector<JSAMPROW> rows(layout.height);
  const std::size_t row_bytes = static_cast<std::size_t>(layout.width) * components;
  if (components == 3) {
    for (JDIMENSION y = 0; y < layout.height; ++y) rows[y] = image.pixel(0, static_cast<int>(y));
  } else {
    scratch.resize(row_bytes * layout.height);
    for (JDIMENSION y = 0; y < layout.height; ++y) rows[y] = scratch.data() + y * row_bytes;
  }
  auto failed = [&] {
    return Error(ErrorCategory::corrupt_file, std::string("JPEG: ") + errors.message);
  };
  if (!start_jpeg_pixels(handle.get(), &errors)) throw failed();
  // RGB rows are final as they are decoded; converted ones only after the conversion below.
  const bool report_early = components == 3 && options.on_rows;
  const JDIMENSION band = report_early ? kRowsPerReport : layout.height;
  for (JDIMENSION y = 0; y < layout.height; y += band) {
    const JDIMENSION end = std::min(layout.height, y + band);
    if (!read_jpeg_rows(handle.get(), &errors, rows.data(), end)) throw failed();
    if (report_early) options.on_rows(image, static_cast<int>(y), static_cast<int>(end));
  }
  if (!finish_jpeg_pixels(handle.get(), &errors)) throw failed();
  std::uint8_t* out = image.data().data();
  const std::size_t pixels = image.pixel_count();
  if (components == 1) {
    for (std::size_t i = 0; i < pixels; ++i)
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = scratch[i];
  } else if (components == 4) {
    // Naive CMYK -> RGB without a colour profile; Adobe files store CMYK inverted.
    for (std::size_t i = 0; i < pixels; ++i) {
      const std::uint8_t* cmyk = &scratch[4 * i];
      for (int c = 0; c < 3; ++c) {
        const unsigned ink = layout.adobe_inverted ? cmyk[c] : 255u - cmyk[c];
        const unsigned key = layout.adobe_inverted ? cmyk[3] : 255u - cmyk[3];
        out[3 * i + c] = static_cast<std::uint8_t>((ink * key + 127) / 255);
      }
    }
  }
  if (options.on_rows && !report_early) options.on_rows(image, 0, image.height());
  return image;
}

std::vector<std::uint8_t> write_jpeg(const Image& image, int quality, const WarningHandler& warn) {
  if (image.empty()) throw Error(ErrorCategory::bad_input, "JPEG: cannot write an empty image");
  if (quality < 1 || quality > 100) {
    throw Error(ErrorCategory::bad_input,
                "JPEG quality must be in 1..100, got " + std::to_string(quality));
  }
  std::vector<std::uint8_t> rgb;
  const std::uint8_t* source = image.data().data();
  if (image.channels() == 4) {
    if (warn) warn("JPEG has no alpha channel; transparency is dropped");
    rgb.resize(image.pixel_count() * 3);
    for (std::size_t i = 0; i < image.pixel_count(); ++i) {
      std::copy_n(source + 4 * i, 3, rgb.data() + 3 * i);
    }
    source = rgb.data();
  }
  std::vector<JSAMPROW> rows(static_cast<std::size_t>(image.height()));
  const std::size_t stride = static_cast<std::size_t>(image.width()) * 3;
  for (std::size_t y = 0; y < rows.size(); ++y) {
    rows[y] = const_cast<JSAMPROW>(source + y * stride);  // libjpeg only reads input rows
  }
  const Metadata& metadata = image.metadata();
  const std::vector<std::string> lost = metadata_lost_in(FileFormat::jpeg, metadata);
  if (!lost.empty() && warn) {
    std::string names;
    for (const std::string& item : lost) names += (names.empty() ? "" : ", ") + item;
    warn("JPEG cannot hold the " + names + "; dropped");
  }
  auto is_lost = [&](const std::string& item) {
    return std::find(lost.begin(), lost.end(), item) != lost.end();
  };
  // APP1 segments hold their prefix and the data together.
  std::vector<std::vector<JOCTET>> segments;
  std::vector<JpegMarker> markers;
  auto add_app1 = [&](const char* prefix, std::size_t prefix_length,
                      std::span<const std::uint8_t> data) {
    std::vector<JOCTET>& segment = segments.emplace_back(prefix, prefix + prefix_length);
    segment.insert(segment.end(), data.begin(), data.end());
    markers.push_back({JPEG_APP0 + 1, segment.data(), static_cast<unsigned>(segment.size())});
  };
  segments.reserve(2);
  if (!metadata.exif.empty() && !is_lost("Exif data")) {
    add_app1(kExifPrefix, kExifPrefixLength, metadata.exif);
  }
  if (!metadata.xmp.empty() && !is_lost("XMP packet")) {
    add_app1(
        kXmpPrefix, kXmpPrefixLength,
        std::span(reinterpret_cast<const std::uint8_t*>(metadata.xmp.data()), metadata.xmp.size()));
  }
  for (const TextEntry& entry : metadata.text) {
    if (is_lost("text '" + entry.keyword + "'")) continue;
    markers.push_back({JPEG_COM, reinterpret_cast<const JOCTET*>(entry.text.data()),
                       static_cast<unsigned>(entry.text.size())});
  }
  JpegMetadata job{};
  job.markers = markers.data();
  job.marker_count = static_cast<int>(markers.size());
  if (!metadata.icc_profile.empty()) {
    job.icc = metadata.icc_profile.data();
    job.icc_length = static_cast<unsigned>(metadata.icc_profile.size());
  }
  job.density_unit = -1;
  if (metadata.density) {
    const PixelDensity& d = *metadata.density;
    // Pixels per metre become dots per inch, JFIF's usual unit (exact for whole dpi values).
    const std::uint64_t x = d.unit == 1 ? (std::uint64_t{d.x} * 254 + 5000) / 10000 : d.x;
    const std::uint64_t y = d.unit == 1 ? (std::uint64_t{d.y} * 254 + 5000) / 10000 : d.y;
    if (x >= 1 && y >= 1 && x <= 65535 && y <= 65535) {
      job.density_unit = d.unit == 1 ? 1 : 0;
      job.x_density = static_cast<UINT16>(x);
      job.y_density = static_cast<UINT16>(y);
    }
  }
  JpegErrorState errors;
  init_errors(errors);
  JpegCompressHandle handle(errors);
  if (!write_jpeg_rows(handle.get(), &errors, handle.buffer(), handle.size(),
                       static_cast<JDIMENSION>(image.width()),
                       static_cast<JDIMENSION>(image.height()), quality, rows.data(), &job)) {
    throw Error(ErrorCategory::io, std::string("JPEG: ") + errors.message);
  }
  return std::vector<std::uint8_t>(*handle.buffer(), *handle.buffer() + *handle.size());
}

}  // namespace kmq::io
