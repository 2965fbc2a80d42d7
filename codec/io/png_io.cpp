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

#include "image_metadata.hpp"
#include "io_formats.hpp"

namespace kmq::io {

namespace {

// libpng inflates zTXt, iTXt and iCCP chunks into at most this each (the .kmq limit on one
// metadata item), and keeps at most kMaxStoredChunks text chunks: a hostile PNG of compressed
// text cannot hold more than 512 MiB in memory (the fuzzer found 2 GB with 128).
constexpr png_alloc_size_t kMaxChunkBytes = 16u << 20;
constexpr png_uint_32 kMaxStoredChunks = 32;

struct PngErrorState {
  char message[256] = "unknown libpng error";
  // libpng's warnings (a damaged ICC profile it drops, say), passed on to the caller's handler.
  char warnings[4][160] = {};
  int warning_count = 0;
};

[[noreturn]] void on_png_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  if (state->warning_count < 4) {
    std::snprintf(state->warnings[state->warning_count++], sizeof state->warnings[0], "%s",
                  message);
  }
}

void pass_warnings(const PngErrorState& state, const WarningHandler& warn) {
  if (!warn) return;
  for (int i = 0; i < state.warning_count; ++i) warn(std::string("PNG: ") + state.warnings[i]);
}

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
  // Cap what libpng may allocate for one chunk (a compressed text or profile included) and how
  // many it keeps, so metadata cannot exhaust memory.
  png_set_chunk_malloc_max(png, kMaxChunkBytes);
  png_set_chunk_cache_max(png, kMaxStoredChunks);
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

// --- metadata ---

png_uint_32 load_u32be(const std::uint8_t* p) {
  return png_uint_32{p[0]} << 24 | png_uint_32{p[1]} << 16 | png_uint_32{p[2]} << 8 | p[3];
}

// The distinct chunk types of a PNG, read from its chunk frames: libpng fills in gAMA and cHRM
// from an sRGB chunk, so only the file itself tells which chunks were there. Throws
// Error(corrupt_file) for a chunk whose length runs past the end of the file: libpng would
// allocate that length before finding out (a benign error lets it go on; the fuzzer found a
// 1.3 GB allocation for a 821-byte file).
std::vector<std::string> chunk_types(std::span<const std::uint8_t> bytes) {
  constexpr std::size_t kMaxTypes = 64;
  std::vector<std::string> types;
  std::size_t offset = 8;  // after the signature, which libpng checks next
  while (offset <= bytes.size() && bytes.size() - offset >= 12) {
    const png_uint_32 length = load_u32be(&bytes[offset]);
    std::string type(reinterpret_cast<const char*>(&bytes[offset + 4]), 4);
    if (length > bytes.size() - offset - 12) {
      throw Error(ErrorCategory::corrupt_file, "PNG: chunk '" + type + "' at offset " +
                                                   std::to_string(offset) +
                                                   " runs past the end of the file");
    }
    if (types.size() < kMaxTypes && std::find(types.begin(), types.end(), type) == types.end())
      types.push_back(type);
    if (type == "IEND") break;
    offset += 12 + std::size_t{length};
  }
  return types;
}

bool has_chunk(const std::vector<std::string>& types, const char* type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

// What the .kmq format keeps of a PNG's ancillary chunks, read after png_read_end.
Metadata read_png_metadata(png_structp png, png_infop info, const std::vector<std::string>& types) {
  Metadata metadata;
  png_charp name = nullptr;
  int compression = 0;
  png_bytep profile = nullptr;
  png_uint_32 profile_length = 0;
  if (png_get_iCCP(png, info, &name, &compression, &profile, &profile_length) != 0 && profile) {
    metadata.icc_profile_name = name ? name : "";
    metadata.icc_profile.assign(profile, profile + profile_length);
  }
  png_uint_32 exif_length = 0;
  png_bytep exif = nullptr;
  if (png_get_eXIf_1(png, info, &exif_length, &exif) != 0 && exif) {
    metadata.exif.assign(exif, exif + exif_length);
  }
  png_textp texts = nullptr;
  int text_count = 0;
  png_get_text(png, info, &texts, &text_count);
  for (int i = 0; i < text_count; ++i) {
    const png_text& text = texts[i];
    const bool international = text.compression >= PNG_ITXT_COMPRESSION_NONE;
    const std::string_view value =
        text.text ? std::string_view(text.text, international ? text.itxt_length : text.text_length)
                  : std::string_view();
    if (international && text.key == kXmpKeyword) {
      metadata.xmp = std::string(value);
      continue;
    }
    TextEntry entry;
    entry.keyword = text.key ? text.key : "";
    if (international) {
      entry.language = text.lang ? text.lang : "";
      entry.translated_keyword = text.lang_key ? text.lang_key : "";
      entry.text = std::string(value);
    } else {
      entry.keyword = latin1_to_utf8(entry.keyword);
      entry.text = latin1_to_utf8(value);
    }
    metadata.text.push_back(std::move(entry));
  }
  int intent = 0;
  if (has_chunk(types, "sRGB") && png_get_sRGB(png, info, &intent) != 0) {
    metadata.srgb_intent = static_cast<std::uint8_t>(intent);
  }
  png_fixed_point gamma = 0;
  if (has_chunk(types, "gAMA") && png_get_gAMA_fixed(png, info, &gamma) != 0 && gamma > 0) {
    metadata.gamma = static_cast<std::uint32_t>(gamma);
  }
  png_fixed_point c[8] = {};
  if (has_chunk(types, "cHRM") &&
      png_get_cHRM_fixed(png, info, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]) != 0 &&
      std::all_of(c, c + 8, [](png_fixed_point v) { return v >= 0; })) {
    metadata.chromaticities =
        Chromaticities{static_cast<std::uint32_t>(c[0]), static_cast<std::uint32_t>(c[1]),
                       static_cast<std::uint32_t>(c[2]), static_cast<std::uint32_t>(c[3]),
                       static_cast<std::uint32_t>(c[4]), static_cast<std::uint32_t>(c[5]),
                       static_cast<std::uint32_t>(c[6]), static_cast<std::uint32_t>(c[7])};
  }
  png_uint_32 x = 0, y = 0;
  int unit = 0;
  if (png_get_pHYs(png, info, &x, &y, &unit) != 0 && x > 0 && y > 0 && unit >= 0 && unit <= 1) {
    metadata.density = PixelDensity{x, y, static_cast<std::uint8_t>(unit)};
  }
  return metadata;
}

// Ancillary chunks that .kmq does not hold and that are not about the pixel encoding a palette
// image replaces anyway (sBIT, hIST, sPLT, Apple's iDOT): the reader names them in a warning.
void warn_about_dropped_chunks(const std::vector<std::string>& types, const WarningHandler& warn) {
  static constexpr const char* kKept[] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "iCCP",
                                          "eXIf", "tEXt", "zTXt", "iTXt", "sRGB", "gAMA",
                                          "cHRM", "pHYs", "sBIT", "hIST", "sPLT", "iDOT"};
  std::string dropped;
  for (const std::string& type : types) {
    if (std::find(std::begin(kKept), std::end(kKept), type) != std::end(kKept)) continue;
    dropped += (dropped.empty() ? "" : ", ") + type;
  }
  if (!dropped.empty() && warn) {
    warn("PNG: chunks " + dropped +
         " are not kept (.kmq keeps the ICC profile, Exif, XMP, text, sRGB, gAMA, cHRM and pHYs)");
  }
}

// Metadata in libpng's terms, owning the strings that png_text points into.
struct PngMetadata {
  const Metadata* source = nullptr;
  std::vector<std::string> strings;
  std::vector<png_text> texts;
};

PngMetadata png_metadata(const Metadata& metadata) {
  constexpr std::size_t kCompressFrom = 1024;  // shorter text is stored as it is
  PngMetadata out;
  out.source = &metadata;
  // Reserved so that the png_text pointers into the strings stay valid.
  out.strings.reserve(4 * (metadata.text.size() + 1));
  auto keep = [&](std::string text) -> png_charp {
    return out.strings.emplace_back(std::move(text)).data();
  };
  auto add = [&](const std::string& key, const std::string& value, int compression,
                 const std::string& language, const std::string& translated) {
    png_text text{};
    text.compression = compression;
    text.key = keep(key);
    text.text = keep(value);
    if (compression >= PNG_ITXT_COMPRESSION_NONE) {
      text.itxt_length = value.size();
      text.lang = keep(language);
      text.lang_key = keep(translated);
    } else {
      text.text_length = value.size();
    }
    out.texts.push_back(text);
  };
  if (!metadata.xmp.empty()) {
    add(std::string(kXmpKeyword), metadata.xmp, PNG_ITXT_COMPRESSION_NONE, "", "");
  }
  for (const TextEntry& entry : metadata.text) {
    const bool compress = entry.text.size() >= kCompressFrom;
    std::string latin1_text;
    // Latin-1 text without a language goes into tEXt or zTXt, as most PNG readers expect.
    if (entry.language.empty() && entry.translated_keyword.empty() &&
        utf8_to_latin1(entry.text, latin1_text)) {
      add(entry.keyword, latin1_text,
          compress ? PNG_TEXT_COMPRESSION_zTXt : PNG_TEXT_COMPRESSION_NONE, "", "");
    } else {
      add(entry.keyword, entry.text,
          compress ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE, entry.language,
          entry.translated_keyword);
    }
  }
  return out;
}

// Before png_write_info; plain C data only (it runs inside a setjmp frame).
void set_png_metadata(png_structp png, png_infop info, PngMetadata* metadata) {
  const Metadata& m = *metadata->source;
  if (!m.icc_profile.empty()) {
    png_set_iCCP(png, info, m.icc_profile_name.c_str(), PNG_COMPRESSION_TYPE_BASE,
                 m.icc_profile.data(), static_cast<png_uint_32>(m.icc_profile.size()));
  }
  // PNG holds an ICC profile or an sRGB chunk, not both (metadata_lost_in() says so).
  if (m.srgb_intent && m.icc_profile.empty()) png_set_sRGB(png, info, *m.srgb_intent);
  if (m.gamma) png_set_gAMA_fixed(png, info, static_cast<png_fixed_point>(*m.gamma));
  if (m.chromaticities) {
    const Chromaticities& c = *m.chromaticities;
    auto fixed = [](std::uint32_t v) { return static_cast<png_fixed_point>(v); };
    png_set_cHRM_fixed(png, info, fixed(c.white_x), fixed(c.white_y), fixed(c.red_x),
                       fixed(c.red_y), fixed(c.green_x), fixed(c.green_y), fixed(c.blue_x),
                       fixed(c.blue_y));
  }
  if (m.density) png_set_pHYs(png, info, m.density->x, m.density->y, m.density->unit);
  if (!m.exif.empty()) {
    png_set_eXIf_1(png, info, static_cast<png_uint_32>(m.exif.size()),
                   const_cast<png_bytep>(m.exif.data()));  // libpng copies it
  }
  if (!metadata->texts.empty()) {
    png_set_text(png, info, metadata->texts.data(), static_cast<int>(metadata->texts.size()));
  }
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
  PngMetadata* metadata;
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
  set_png_metadata(png, info, job->metadata);
  png_write_info(png, info);
  if (job->bit_depth < 8) png_set_packing(png);
  png_write_image(png, job->rows);
  png_write_end(png, nullptr);
  return true;
}

std::vector<std::uint8_t> run_png_write(PngWriteJob& job, const Metadata& metadata,
                                        const WarningHandler& warn) {
  std::vector<std::uint8_t> out;
  MemoryWriter writer{&out};
  job.writer = &writer;
  PngMetadata png_form = png_metadata(metadata);
  job.metadata = &png_form;
  PngErrorState errors;
  PngWriteHandle handle(errors);
  png_set_benign_errors(handle.png(), 1);  // metadata libpng dislikes is left out, with a warning
  if (!write_png_rows(handle.png(), handle.info(), &job)) {
    throw Error(ErrorCategory::io, std::string("PNG: ") + errors.message);
  }
  pass_warnings(errors, warn);
  return out;
}

}  // namespace

Image read_png(std::span<const std::uint8_t> bytes, const ReadOptions& options) {
  const std::vector<std::string> types = chunk_types(bytes);  // before libpng allocates
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
  pass_warnings(errors, options.warn);
  image.metadata() = read_png_metadata(handle.png(), handle.info(), types);
  keep_valid_metadata(image.metadata(), "PNG", options.warn);
  warn_about_dropped_chunks(types, options.warn);
  return image;
}

std::vector<std::uint8_t> write_png(const Image& image, const WarningHandler& warn) {
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
  return run_png_write(job, image.metadata(), warn);
}

std::vector<std::uint8_t> write_png(const IndexedImage& indexed, const WarningHandler& warn) {
  const int k = indexed.palette_size();
  if (k > 256) return write_png(expand(indexed), warn);
  validate(indexed);
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
  return run_png_write(job, indexed.metadata, warn);
}

}  // namespace kmq::io
