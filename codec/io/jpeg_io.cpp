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
#include <kmq/io.hpp>
#include <string>
#include <vector>

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
};

bool read_jpeg_header(jpeg_decompress_struct* info, JpegErrorState* errors,
                      const std::uint8_t* data, std::size_t size, JpegLayout* layout) {
  if (setjmp(errors->jump)) return false;
  jpeg_mem_src(info, data, static_cast<unsigned long>(size));
  jpeg_read_header(info, TRUE);
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
                     JSAMPROW* rows) {
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
  jpeg_start_compress(info, TRUE);
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
  if (!read_jpeg_header(handle.get(), &errors, bytes.data(), bytes.size(), &layout)) {
    throw Error(ErrorCategory::corrupt_file, std::string("JPEG: ") + errors.message);
  }
  check_pixel_limit("JPEG", layout.width, layout.height, options.max_pixels);
  const std::size_t components = static_cast<std::size_t>(layout.components);
  if (components != 1 && components != 3 && components != 4) {
    throw Error(ErrorCategory::unsupported, "JPEG: unsupported number of colour components");
  }
  Image image(static_cast<int>(layout.width), static_cast<int>(layout.height), 3);
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
  JpegErrorState errors;
  init_errors(errors);
  JpegCompressHandle handle(errors);
  if (!write_jpeg_rows(handle.get(), &errors, handle.buffer(), handle.size(),
                       static_cast<JDIMENSION>(image.width()),
                       static_cast<JDIMENSION>(image.height()), quality, rows.data())) {
    throw Error(ErrorCategory::io, std::string("JPEG: ") + errors.message);
  }
  return std::vector<std::uint8_t>(*handle.buffer(), *handle.buffer() + *handle.size());
}

}  // namespace kmq::io
