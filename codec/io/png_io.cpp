// SPDX-License-Identifier: MIT
// PNG reading (every colour type and depth, normalised to 8-bit RGB/RGBA) and writing (PNG8 with
// tRNS, or RGB/RGBA) through libpng.
//
// libpng reports errors by longjmp. A longjmp must not cross a frame holding C++ objects with
// destructors, so every setjmp lives in a small function whose locals are plain C data, and
// messages travel back in a fixed char buffer.
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <kmq/io.hpp>
#include <numeric>
#include <string>

#include "io_formats.hpp"

namespace kmq::io {

namespace {

constexpr png_alloc_size_t kMaxChunkBytes = 16u << 20;

struct PngErrorState {
  char message[256] = "unknown libpng error";
};

[[noreturn]] void on_png_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

struct MemoryReader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t offset;
};

void read_from_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* reader = static_cast<MemoryReader*>(png_get_io_ptr(png));
  if (length > reader->size - reader->offset) png_error(png, "file is truncated");
  std::memcpy(out, reader->data + reader->offset, length);
  reader->offset += length;
}

// Owns the libpng read structures.
class PngReadHandle {
 public:
  explicit PngReadHandle(PngErrorState& errors) {
    png_ = png_create_read_struct(PNG_LIBPNG_VER_STRING, &errors, on_png_error, on_png_warning);
    if (png_) info_ = png_create_info_struct(png_);
    if (!png_ || !info_) throw Error(ErrorCategory::io, "PNG: out of memory");
  }
  ~PngReadHandle() { png_destroy_read_struct(&png_, &info_, nullptr); }
  PngReadHandle(const PngReadHandle&) = delete;
  PngReadHandle& operator=(const PngReadHandle&) = delete;
  png_structp png() const { return png_; }
  png_infop info() const { return info_; }

 private:
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
};

struct PngLayout {
  png_uint_32 width;
  png_uint_32 height;
  int channels;
  int passes;  // 7 when interlaced
};

// Reads the header and sets the transforms to 8-bit RGB(A). Returns false on error.
bool read_png_header(png_structp png, png_infop info, MemoryReader* reader, PngLayout* layout) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_read_fn(png, reader, read_from_memory);
  // Problems in ancillary metadata (an odd ICC profile, say) are only warnings; damage to the
  // image data itself stays an error: a short read fails in read_from_memory, a bad IDAT CRC or
  // a short zlib stream fails inside libpng.
  png_set_benign_errors(png, 1);
#ifdef PNG_SKIP_sRGB_CHECK_PROFILE
  png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
#endif
  png_set_user_limits(png, kMaxDimension, kMaxDimension);
  // Ancillary chunks (text, ICC profiles, compressed metadata) are not used; cap what libpng
  // may allocate for one chunk and how many it keeps, so metadata cannot exhaust memory.
  png_set_chunk_malloc_max(png, kMaxChunkBytes);
  png_set_chunk_cache_max(png, 128);
  png_read_info(png, info);
  const int color_type = png_get_color_type(png, info);
  const int bit_depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (bit_depth == 16) png_set_scale_16(png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
    png_set_gray_to_rgb(png);
  }
  layout->passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  layout->width = png_get_image_width(png, info);
  layout->height = png_get_image_height(png, info);
  layout->channels = png_get_channels(png, info);
  return true;
}

// All passes of an interlaced image at once.
bool read_png_image(png_structp png, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  return true;
}

// The next `count` rows of a non-interlaced image.
bool read_png_rows(png_structp png, png_bytepp rows, png_uint_32 count) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_rows(png, rows, nullptr, count);
  return true;
}

bool read_png_end(png_structp png, png_infop info) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_end(png, info);
  return true;
}

// --- writing ---

struct MemoryWriter {
  std::vector<std::uint8_t>* out;
};

void write_to_memory(png_structp png, png_bytep data, png_size_t length) {
  auto* writer = static_cast<MemoryWriter*>(png_get_io_ptr(png));
  writer->out->insert(writer->out->end(), data, data + length);
}

void flush_memory(png_structp) {}

class PngWriteHandle {
 public:
  explicit PngWriteHandle(PngErrorState& errors) {
    png_ = png_create_write_struct(PNG_LIBPNG_VER_STRING, &errors, on_png_error, on_png_warning);
    if (png_) info_ = png_create_info_struct(png_);
    if (!png_ || !info_) throw Error(ErrorCategory::io, "PNG: out of memory");
  }
  ~PngWriteHandle() { png_destroy_write_struct(&png_, &info_); }
  PngWriteHandle(const PngWriteHandle&) = delete;
  PngWriteHandle& operator=(const PngWriteHandle&) = delete;
  png_structp png() const { return png_; }
  png_infop info() const { return info_; }

 private:
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
};

struct PngWriteJob {
  png_uint_32 width;
  png_uint_32 height;
  int color_type;
  int bit_depth;
  png_colorp palette;
  int palette_entries;
  png_bytep alpha;
  int alpha_entries;
  png_bytepp rows;
  MemoryWriter* writer;
};

bool write_png_rows(png_structp png, png_infop info, const PngWriteJob* job) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_write_fn(png, job->writer, write_to_memory, flush_memory);
  png_set_IHDR(png, info, job->width, job->height, job->bit_depth, job->color_type,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 9);
  if (job->color_type == PNG_COLOR_TYPE_PALETTE) {
    // Filters do not help palette indices (PNG spec advice; oxipng picks None below 8 bpp).
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_PLTE(png, info, job->palette, job->palette_entries);
    if (job->alpha_entries > 0) png_set_tRNS(png, info, job->alpha, job->alpha_entries, nullptr);
  }
  png_write_info(png, info);
  if (job->bit_depth < 8) png_set_packing(png);
  png_write_image(png, job->rows);
  png_write_end(png, nullptr);
  return true;
}

std::vector<std::uint8_t> run_png_write(PngWriteJob& job) {
  std::vector<std::uint8_t> out;
  MemoryWriter writer{&out};
  job.writer = &writer;
  PngErrorState errors;
  PngWriteHandle handle(errors);
  if (!write_png_rows(handle.png(), handle.info(), &job)) {
    throw Error(ErrorCategory::io, std::string("PNG: ") + errors.message);
  }
  return out;
}

}  // namespace

Image read_png(std::span<const std::uint8_t> bytes, const ReadOptions& options) {
  PngErrorState errors;
  PngReadHandle handle(errors);
  MemoryReader reader{bytes.data(), bytes.size(), 0};
  PngLayout layout{};
  if (!read_png_header(handle.png(), handle.info(), &reader, &layout)) {
    throw Error(ErrorCategory::corrupt_file, std::string("PNG: ") + errors.message);
  }
  check_pixel_limit("PNG", layout.width, layout.height, options.max_pixels);
  if (layout.channels != 3 && layout.channels != 4) {
    throw Error(ErrorCategory::unsupported, "PNG: unexpected channel layout");
  }
  Image image(static_cast<int>(layout.width), static_cast<int>(layout.height), layout.channels);
  std::vector<png_bytep> rows(layout.height);
  for (png_uint_32 y = 0; y < layout.height; ++y) rows[y] = image.pixel(0, static_cast<int>(y));
  auto failed = [&] {
    return Error(ErrorCategory::corrupt_file, std::string("PNG: ") + errors.message);
  };
  if (layout.passes > 1 || !options.on_rows) {
    if (!read_png_image(handle.png(), rows.data())) throw failed();
    if (options.on_rows) options.on_rows(image, 0, image.height());
  } else {
    for (png_uint_32 y = 0; y < layout.height; y += kRowsPerReport) {
      const png_uint_32 count = std::min(kRowsPerReport, layout.height - y);
      if (!read_png_rows(handle.png(), rows.data() + y, count)) throw failed();
      options.on_rows(image, static_cast<int>(y), static_cast<int>(y + count));
    }
  }
  if (!read_png_end(handle.png(), handle.info())) throw failed();
  return image;
}

std::vector<std::uint8_t> write_png(const Image& image) {
  if (image.empty()) throw Error(ErrorCategory::bad_input, "PNG: cannot write an empty image");
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.height()));
  // libpng takes non-const row pointers but only reads them when writing.
  auto* base = const_cast<std::uint8_t*>(image.data().data());
  const std::size_t stride = static_cast<std::size_t>(image.width()) * image.channels();
  for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = base + y * stride;
  PngWriteJob job{};
  job.width = static_cast<png_uint_32>(image.width());
  job.height = static_cast<png_uint_32>(image.height());
  job.color_type = image.channels() == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB;
  job.bit_depth = 8;
  job.rows = rows.data();
  return run_png_write(job);
}

std::vector<std::uint8_t> write_png(const IndexedImage& indexed) {
  const int k = indexed.palette_size();
  if (k > 256) return write_png(expand(indexed));
  check_indexed_image(indexed);
  const int channels = indexed.channels;
  // tRNS may stop early (missing entries are opaque), so non-opaque entries go first.
  std::vector<int> order(static_cast<std::size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  auto alpha_of = [&](int entry) {
    return channels == 4 ? indexed.palette[static_cast<std::size_t>(entry) * 4 + 3] : 255;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return (alpha_of(a) == 255) < (alpha_of(b) == 255); });
  std::vector<std::uint8_t> position(static_cast<std::size_t>(k));
  std::vector<png_color> palette(static_cast<std::size_t>(k));
  std::vector<png_byte> alpha(static_cast<std::size_t>(k));
  int alpha_entries = 0;
  for (int i = 0; i < k; ++i) {
    const auto* entry = &indexed.palette[static_cast<std::size_t>(order[i]) * channels];
    palette[i] = {entry[0], entry[1], entry[2]};
    alpha[i] = static_cast<png_byte>(alpha_of(order[i]));
    if (alpha[i] != 255) alpha_entries = i + 1;
    position[static_cast<std::size_t>(order[i])] = static_cast<std::uint8_t>(i);
  }
  const std::size_t width = static_cast<std::size_t>(indexed.width);
  std::vector<std::uint8_t> pixels(indexed.indices.size());
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = position[indexed.indices[i]];
  std::vector<png_bytep> rows(static_cast<std::size_t>(indexed.height));
  for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = pixels.data() + y * width;

  PngWriteJob job{};
  job.width = static_cast<png_uint_32>(indexed.width);
  job.height = static_cast<png_uint_32>(indexed.height);
  job.color_type = PNG_COLOR_TYPE_PALETTE;
  job.bit_depth = k <= 2 ? 1 : k <= 4 ? 2 : k <= 16 ? 4 : 8;
  job.palette = palette.data();
  job.palette_entries = k;
  job.alpha = alpha.data();
  job.alpha_entries = alpha_entries;
  job.rows = rows.data();
  return run_png_write(job);
}

}  // namespace kmq::io
