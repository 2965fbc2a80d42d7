// SPDX-License-Identifier: MIT
// The C API (kmq/kmq.h) over the C++ core. Every entry point catches everything: no exception
// crosses into C.
#include <kmq/kmq.h>
#include <zstd.h>

#include <cstring>
#include <kmq/kmq.hpp>
#include <memory>
#include <new>
#include <string>

#include "dec/container_reader.hpp"
#include "dec/label_decoder.hpp"
#include "dec/palette_expansion.hpp"
#include "enc/encoder.hpp"
#include "format/format_constants.hpp"
#include "format/header.hpp"
#include "format/index_layout.hpp"

namespace {

// A C runner (kmq_runner) as the library's TaskRunner. kmq's tasks never throw, so nothing
// unwinds through the host's C frames.
class CRunner final : public kmq::TaskRunner {
 public:
  explicit CRunner(const kmq_runner& runner) : runner_(runner) {}
  void run(std::size_t count, const std::function<void(std::size_t)>& task) override {
    runner_.run(runner_.opaque, count, &CRunner::call,
                const_cast<void*>(static_cast<const void*>(&task)));
  }
  int concurrency() const override { return runner_.concurrency > 0 ? runner_.concurrency : 1; }

 private:
  static void call(void* task, std::size_t index) {
    (*static_cast<const std::function<void(std::size_t)>*>(task))(index);
  }
  kmq_runner runner_;
};

}  // namespace

struct kmq_encoder {
  kmq::EncodeOptions options;
  kmq::Metadata metadata;  // written into every file
  std::unique_ptr<CRunner> runner;
  std::string last_error;
};

struct kmq_decoder {
  kmq::DecodeOptions options;
  std::unique_ptr<CRunner> runner;
  std::string last_error;
};

namespace {

kmq_status status_of(kmq::ErrorCategory category) {
  switch (category) {
    case kmq::ErrorCategory::bad_input:
      return KMQ_ERROR_BAD_INPUT;
    case kmq::ErrorCategory::corrupt_file:
      return KMQ_ERROR_CORRUPT_FILE;
    case kmq::ErrorCategory::unsupported:
      return KMQ_ERROR_UNSUPPORTED;
    case kmq::ErrorCategory::limit_exceeded:
      return KMQ_ERROR_LIMIT_EXCEEDED;
    case kmq::ErrorCategory::io:
      return KMQ_ERROR_IO;
    case kmq::ErrorCategory::target_not_met:
      return KMQ_ERROR_TARGET_NOT_MET;
  }
  return KMQ_ERROR_INTERNAL;
}

// Runs `body`, turning any exception into a status and a message in `last_error`.
template <class Body>
kmq_status guarded(std::string* last_error, Body&& body) noexcept {
  try {
    if (last_error) last_error->clear();
    return body();
  } catch (const kmq::Error& e) {
    if (last_error) *last_error = e.what();
    return status_of(e.category());
  } catch (const std::bad_alloc&) {
    if (last_error) *last_error = "out of memory";
    return KMQ_ERROR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    if (last_error) *last_error = e.what();
    return KMQ_ERROR_INTERNAL;
  } catch (...) {
    if (last_error) *last_error = "unknown failure";
    return KMQ_ERROR_INTERNAL;
  }
}

kmq_status bad_input(std::string* last_error, const char* message) {
  if (last_error) *last_error = message;
  return KMQ_ERROR_BAD_INPUT;
}

}  // namespace

extern "C" {

unsigned kmq_version_number(void) { return KMQ_VERSION_NUMBER; }

const char* kmq_status_string(int status) {
  // Compared as int: a C caller may pass any value, and a C++ enum must not hold an
  // out-of-range one.
  switch (status) {
    case KMQ_OK:
      return "ok";
    case KMQ_ERROR_BAD_INPUT:
      return "bad input";
    case KMQ_ERROR_CORRUPT_FILE:
      return "corrupt file";
    case KMQ_ERROR_UNSUPPORTED:
      return "unsupported";
    case KMQ_ERROR_LIMIT_EXCEEDED:
      return "limit exceeded";
    case KMQ_ERROR_IO:
      return "i/o error";
    case KMQ_ERROR_TARGET_NOT_MET:
      return "target not met";
    case KMQ_ERROR_DST_TOO_SMALL:
      return "destination buffer too small";
    case KMQ_ERROR_OUT_OF_MEMORY:
      return "out of memory";
    case KMQ_ERROR_INTERNAL:
      return "internal error";
  }
  return "unknown status";
}

kmq_encoder* kmq_encoder_create(void) { return new (std::nothrow) kmq_encoder(); }

void kmq_encoder_destroy(kmq_encoder* encoder) { delete encoder; }

kmq_status kmq_encoder_set_option(kmq_encoder* encoder, int option, int64_t value) {
  if (!encoder) return KMQ_ERROR_BAD_INPUT;
  return guarded(&encoder->last_error, [&]() -> kmq_status {
    kmq::EncodeOptions options = encoder->options;
    const bool fits_int = value >= 0 && value <= 0x7FFFFFFF;
    switch (option) {
      case KMQ_ENCODER_COLORS:
        options.colors = fits_int ? static_cast<int>(value) : 0;
        break;
      case KMQ_ENCODER_SEED:
        options.seed = static_cast<std::uint64_t>(value);
        break;
      case KMQ_ENCODER_MAX_ITERATIONS:
        options.max_iterations = fits_int ? static_cast<int>(value) : 0;
        break;
      case KMQ_ENCODER_LEVEL:
        options.level = fits_int ? static_cast<int>(value) : -1;
        break;
      case KMQ_ENCODER_THREADS:
        options.threads = fits_int ? static_cast<int>(value) : -1;
        break;
      case KMQ_ENCODER_METHOD:
        if (value < 0 || value > 2) return bad_input(&encoder->last_error, "method must be 0..2");
        options.method = static_cast<kmq::Method>(value);
        break;
      case KMQ_ENCODER_SPACE:
        if (value < 0 || value > 1) return bad_input(&encoder->last_error, "space must be 0 or 1");
        options.space = static_cast<kmq::ColorSpace>(value);
        break;
      case KMQ_ENCODER_DITHER_PERCENT:
        if (value < 0 || value > 100) return bad_input(&encoder->last_error, "dither is 0..100");
        options.dither = static_cast<double>(value) / 100.0;
        break;
      case KMQ_ENCODER_MAX_BYTES:
        if (value < 0) return bad_input(&encoder->last_error, "max bytes must be >= 0");
        options.max_bytes = static_cast<std::uint64_t>(value);
        break;
      case KMQ_ENCODER_EFFORT:
        options.effort = fits_int ? static_cast<int>(value) : 0;
        break;
      case KMQ_ENCODER_SAMPLE_PIXELS:
        if (value < 0) return bad_input(&encoder->last_error, "sample pixels must be >= 0");
        options.sample_pixels = static_cast<std::uint64_t>(value);
        break;
      case KMQ_ENCODER_ORDERED_DITHER:
        if (value < 0 || value > 1) return bad_input(&encoder->last_error, "ordered is 0 or 1");
        options.dither_kind = value == 1 ? kmq::DitherKind::ordered : kmq::DitherKind::diffusion;
        break;
      case KMQ_ENCODER_RD_LAMBDA_MILLI:
        if (value < 0) return bad_input(&encoder->last_error, "RD lambda must be >= 0");
        options.rd_lambda = static_cast<double>(value) / 1000.0;
        break;
      default:
        return bad_input(&encoder->last_error, "unknown encoder option");
    }
    kmq::validate(options);  // throws bad_input naming the field
    encoder->options = options;
    return KMQ_OK;
  });
}

size_t kmq_encode_bound(uint32_t width, uint32_t height, int channels, int colors) {
  if (width < 1 || height < 1 || width > kmq::kMaxDimension || height > kmq::kMaxDimension ||
      (channels != 3 && channels != 4) || colors < 1 ||
      static_cast<std::uint32_t>(colors) > kmq::kMaxColors) {
    return 0;
  }
  const std::uint64_t pixels = static_cast<std::uint64_t>(width) * height;
  if (pixels > kmq::kMaxPixelCount) return 0;
  const std::uint64_t width_bytes = kmq::detail::index_width(static_cast<std::uint32_t>(colors));
  const std::uint64_t raw_labels =
      ZSTD_compressBound(static_cast<std::size_t>(pixels * width_bytes));
  // Methods 1 and 2: one symbol byte (or less) per pixel plus at most one literal per pixel,
  // split into up to 20 frames; zstd's bound per frame is n + n / 256 + 64 at most.
  const std::uint64_t stream_bytes = pixels * (1 + width_bytes);
  const std::uint64_t stream_labels = 1 + 8 * kmq::detail::kNeighbourStreamCount + stream_bytes +
                                      stream_bytes / 256 + 64 * kmq::detail::kNeighbourStreamCount;
  const std::uint64_t labels = raw_labels > stream_labels ? raw_labels : stream_labels;
  return kmq::detail::kSignature.size() + 4 * kmq::detail::kChunkOverhead +
         kmq::detail::kHeaderPayloadSize + 1 + static_cast<std::size_t>(colors) * channels + 1 +
         static_cast<std::size_t>(labels);
}

kmq_status kmq_encode(kmq_encoder* encoder, const uint8_t* pixels, uint32_t width, uint32_t height,
                      int channels, size_t stride, uint8_t* dst, size_t dst_capacity,
                      size_t* written) {
  if (!encoder) return KMQ_ERROR_BAD_INPUT;
  return guarded(&encoder->last_error, [&]() -> kmq_status {
    if (!pixels || !dst || !written) return bad_input(&encoder->last_error, "NULL argument");
    if (width > kmq::kMaxDimension || height > kmq::kMaxDimension) {
      return bad_input(&encoder->last_error, "image too large");
    }
    kmq::Image image(static_cast<int>(width), static_cast<int>(height), channels);
    const std::size_t row = static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
    if (stride < row) return bad_input(&encoder->last_error, "stride is smaller than a row");
    for (std::uint32_t y = 0; y < height; ++y) {
      std::memcpy(image.pixel(0, static_cast<int>(y)), pixels + y * stride, row);
    }
    image.metadata() = encoder->metadata;
    const kmq::detail::ContainerWriter file =
        kmq::detail::encode_file(image, encoder->options, nullptr);
    *written = file.size();
    if (file.size() > dst_capacity) {
      encoder->last_error = "the file needs " + std::to_string(file.size()) + " bytes";
      return KMQ_ERROR_DST_TOO_SMALL;
    }
    file.write_to({dst, dst_capacity});
    return KMQ_OK;
  });
}

const char* kmq_encoder_last_error(const kmq_encoder* encoder) {
  return encoder ? encoder->last_error.c_str() : "";
}

kmq_decoder* kmq_decoder_create(void) { return new (std::nothrow) kmq_decoder(); }

void kmq_decoder_destroy(kmq_decoder* decoder) { delete decoder; }

kmq_status kmq_decoder_set_max_pixels(kmq_decoder* decoder, uint64_t max_pixels) {
  if (!decoder) return KMQ_ERROR_BAD_INPUT;
  decoder->options.max_pixels = max_pixels;
  return KMQ_OK;
}

kmq_status kmq_read_info(kmq_decoder* decoder, const uint8_t* src, size_t src_size,
                         kmq_image_info* info) {
  if (!decoder) return KMQ_ERROR_BAD_INPUT;
  return guarded(&decoder->last_error, [&]() -> kmq_status {
    if (!src || !info) return bad_input(&decoder->last_error, "NULL argument");
    const kmq::FileInfo file = kmq::inspect({src, src_size}, decoder->options);
    info->width = static_cast<uint32_t>(file.width);
    info->height = static_cast<uint32_t>(file.height);
    info->channels = file.channels;
    info->palette_size = file.palette_size;
    return KMQ_OK;
  });
}

size_t kmq_decoded_size(const kmq_image_info* info, size_t stride) {
  if (!info || info->width < 1 || info->height < 1 || info->width > kmq::kMaxDimension ||
      info->height > kmq::kMaxDimension || (info->channels != 3 && info->channels != 4)) {
    return 0;
  }
  const std::size_t row = static_cast<std::size_t>(info->width) * info->channels;
  if (stride < row) return 0;
  return stride * (static_cast<std::size_t>(info->height) - 1) + row;
}

kmq_status kmq_decode(kmq_decoder* decoder, const uint8_t* src, size_t src_size, uint8_t* dst,
                      size_t dst_capacity, size_t stride) {
  if (!decoder) return KMQ_ERROR_BAD_INPUT;
  return guarded(&decoder->last_error, [&]() -> kmq_status {
    if (!src || !dst) return bad_input(&decoder->last_error, "NULL argument");
    // One parse: the container is checked, then the labels decode and paint into dst.
    const kmq::detail::ParsedContainer container =
        kmq::detail::read_container({src, src_size}, decoder->options);
    const kmq_image_info info{container.width, container.height,
                              static_cast<int>(container.channels),
                              static_cast<int>(container.palette_size)};
    const std::size_t needed = kmq_decoded_size(&info, stride);
    if (needed == 0) return bad_input(&decoder->last_error, "stride is smaller than a row");
    if (dst_capacity < needed) {
      decoder->last_error = "the image needs " + std::to_string(needed) + " bytes";
      return KMQ_ERROR_DST_TOO_SMALL;
    }
    const kmq::detail::WorkerScope scope(decoder->options.runner, decoder->options.threads);
    const std::vector<std::uint8_t> raw =
        kmq::detail::decode_label_bytes(container, scope.workers());
    kmq::detail::paint_rows(dst, stride, container.width, container.height, container.channels,
                            container.palette, raw,
                            kmq::detail::index_width(container.palette_size));
    return KMQ_OK;
  });
}

kmq_status kmq_decoder_set_option(kmq_decoder* decoder, int option, int64_t value) {
  if (!decoder) return KMQ_ERROR_BAD_INPUT;
  switch (option) {
    case KMQ_DECODER_MAX_PIXELS:
      if (value < 0) return bad_input(&decoder->last_error, "max pixels must be >= 0");
      decoder->options.max_pixels = static_cast<std::uint64_t>(value);
      return KMQ_OK;
    case KMQ_DECODER_THREADS:
      if (value < 0 || value > 4096) return bad_input(&decoder->last_error, "threads is 0..4096");
      decoder->options.threads = static_cast<int>(value);
      return KMQ_OK;
    case KMQ_DECODER_MAX_METADATA_BYTES:
      if (value < 0) return bad_input(&decoder->last_error, "max metadata bytes must be >= 0");
      decoder->options.max_metadata_bytes = static_cast<std::uint64_t>(value);
      return KMQ_OK;
    default:
      return bad_input(&decoder->last_error, "unknown decoder option");
  }
}

kmq_status kmq_decoder_set_runner(kmq_decoder* decoder, const kmq_runner* runner) {
  if (!decoder) return KMQ_ERROR_BAD_INPUT;
  if (runner && !runner->run) return bad_input(&decoder->last_error, "runner without run");
  return guarded(&decoder->last_error, [&]() -> kmq_status {
    decoder->runner = runner ? std::make_unique<CRunner>(*runner) : nullptr;
    decoder->options.runner = decoder->runner.get();
    return KMQ_OK;
  });
}

kmq_status kmq_encoder_set_runner(kmq_encoder* encoder, const kmq_runner* runner) {
  if (!encoder) return KMQ_ERROR_BAD_INPUT;
  if (runner && !runner->run) return bad_input(&encoder->last_error, "runner without run");
  return guarded(&encoder->last_error, [&]() -> kmq_status {
    encoder->runner = runner ? std::make_unique<CRunner>(*runner) : nullptr;
    encoder->options.runner = encoder->runner.get();
    return KMQ_OK;
  });
}

kmq_status kmq_encoder_set_metadata(kmq_encoder* encoder, int item, const uint8_t* data,
                                    size_t size) {
  if (!encoder) return KMQ_ERROR_BAD_INPUT;
  return guarded(&encoder->last_error, [&]() -> kmq_status {
    if (size > 0 && !data) return bad_input(&encoder->last_error, "NULL data");
    kmq::Metadata metadata = encoder->metadata;
    const std::vector<std::uint8_t> bytes(data, data + size);
    switch (item) {
      case KMQ_METADATA_ICC_PROFILE:
        metadata.icc_profile = bytes;
        metadata.icc_profile_name = size > 0 ? "ICC profile" : "";
        break;
      case KMQ_METADATA_EXIF:
        metadata.exif = bytes;
        break;
      case KMQ_METADATA_XMP:
        metadata.xmp.assign(bytes.begin(), bytes.end());
        break;
      default:
        return bad_input(&encoder->last_error, "unknown metadata item");
    }
    kmq::validate(metadata);  // throws bad_input naming the rule
    encoder->metadata = std::move(metadata);
    return KMQ_OK;
  });
}

kmq_status kmq_read_metadata(kmq_decoder* decoder, const uint8_t* src, size_t src_size, int item,
                             uint8_t* dst, size_t dst_capacity, size_t* size) {
  if (!decoder) return KMQ_ERROR_BAD_INPUT;
  return guarded(&decoder->last_error, [&]() -> kmq_status {
    if (!src || !size) return bad_input(&decoder->last_error, "NULL argument");
    if (item < KMQ_METADATA_ICC_PROFILE || item > KMQ_METADATA_XMP)
      return bad_input(&decoder->last_error, "unknown metadata item");
    const kmq::Metadata metadata = kmq::inspect({src, src_size}, decoder->options).metadata;
    std::span<const std::uint8_t> bytes;
    if (item == KMQ_METADATA_ICC_PROFILE) bytes = metadata.icc_profile;
    if (item == KMQ_METADATA_EXIF) bytes = metadata.exif;
    if (item == KMQ_METADATA_XMP) {
      bytes = {reinterpret_cast<const std::uint8_t*>(metadata.xmp.data()), metadata.xmp.size()};
    }
    *size = bytes.size();
    if (bytes.empty()) return KMQ_OK;
    if (!dst || dst_capacity < bytes.size()) {
      decoder->last_error = "the item needs " + std::to_string(bytes.size()) + " bytes";
      return KMQ_ERROR_DST_TOO_SMALL;
    }
    std::memcpy(dst, bytes.data(), bytes.size());
    return KMQ_OK;
  });
}

const char* kmq_decoder_last_error(const kmq_decoder* decoder) {
  return decoder ? decoder->last_error.c_str() : "";
}

}  // extern "C"
