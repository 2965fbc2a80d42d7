// SPDX-License-Identifier: MIT
// Method 0 (zstd-raw) decoding with the bomb checks of format-spec §5.1: declared size, frame
// extent, exact output size, then the index range. Method 1 (neighbour contexts, §5.2): the
// stream table is checked against the chunk before anything is decompressed, and every read
// from a stream is bounded by what that stream declared.
#include "dec/label_decoder.hpp"

#include <zstd.h>

#include <kmq/kmq.hpp>
#include <memory>
#include <string>

#include "common/byte_io.hpp"
#include "common/format_constants.hpp"
#include "common/label_context.hpp"

namespace kmq::detail {

namespace {

[[noreturn]] void corrupt(const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, "label chunk: " + message);
}

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* context) const noexcept { ZSTD_freeDCtx(context); }
};

std::vector<std::uint8_t> decompress_frame(std::span<const std::uint8_t> frame,
                                           std::uint64_t expected) {
  if (frame.empty()) corrupt("no zstd frame");
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) corrupt("not a valid zstd frame");
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN) corrupt("zstd frame does not declare its size");
  if (declared != expected) {
    corrupt("zstd frame declares " + std::to_string(declared) + " bytes; the header implies " +
            std::to_string(expected));
  }
  if (ZSTD_getDictID_fromFrame(frame.data(), frame.size()) != 0) {
    corrupt("zstd frame needs a dictionary");
  }
  const std::size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    corrupt(std::string("damaged zstd frame: ") + ZSTD_getErrorName(frame_size));
  }
  if (frame_size != frame.size()) corrupt("extra bytes after the zstd frame");

  std::vector<std::uint8_t> raw(static_cast<std::size_t>(expected));
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> context(ZSTD_createDCtx());
  if (!context) throw Error(ErrorCategory::io, "zstd: cannot create a decompression context");
  const std::size_t written =
      ZSTD_decompressDCtx(context.get(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(written)) corrupt(std::string("zstd: ") + ZSTD_getErrorName(written));
  if (written != raw.size()) corrupt("zstd frame decompressed to the wrong size");
  return raw;
}

struct Stream {
  std::vector<std::uint8_t> bytes;
  std::size_t position = 0;
  std::uint8_t next(const char* what) {
    if (position >= bytes.size()) corrupt(std::string(what) + " stream ends too early");
    return bytes[position++];
  }
};

std::vector<std::uint8_t> decode_neighbour_contexts(std::span<const std::uint8_t> data,
                                                    std::uint32_t width, std::uint64_t pixels,
                                                    std::uint32_t palette_size) {
  const std::size_t count = kNeighbourStreamCount;
  if (data.empty() || data[0] != count) corrupt("method 1 needs exactly 20 streams");
  if (data.size() - 1 < 8 * count) corrupt("stream table is cut short");
  const std::size_t index_bytes = index_width(palette_size);
  std::uint64_t compressed_total = 0, symbol_total = 0, literal_total = 0;
  std::vector<std::uint32_t> compressed(count), raw(count);
  for (std::size_t s = 0; s < count; ++s) {
    compressed[s] = load_u32le(&data[1 + 8 * s]);
    raw[s] = load_u32le(&data[5 + 8 * s]);
    compressed_total += compressed[s];
    (s < kNeighbourContexts ? symbol_total : literal_total) += raw[s];
    if ((raw[s] == 0) != (compressed[s] == 0)) corrupt("an empty stream must have an empty frame");
    if (s >= kNeighbourContexts && raw[s] % index_bytes != 0)
      corrupt("literal stream size is not whole indices");
  }
  const std::span<const std::uint8_t> frames = data.subspan(1 + 8 * count);
  if (compressed_total != frames.size()) corrupt("stream sizes do not add up to the chunk");
  if (symbol_total != pixels) corrupt("symbol streams do not hold one symbol per pixel");
  if (literal_total > pixels * index_bytes) corrupt("literal streams are too large");

  std::vector<Stream> streams(count);
  std::size_t offset = 0;
  for (std::size_t s = 0; s < count; ++s) {
    if (raw[s] != 0)
      streams[s].bytes = decompress_frame(frames.subspan(offset, compressed[s]), raw[s]);
    offset += compressed[s];
  }

  std::vector<std::uint8_t> out(static_cast<std::size_t>(pixels * index_bytes));
  const bool wide = index_bytes == 2;
  auto label_at = [&](std::size_t i) -> std::uint32_t {
    return wide ? out[2 * i] | static_cast<std::uint32_t>(out[2 * i + 1]) << 8 : out[i];
  };
  const std::size_t height = static_cast<std::size_t>(pixels / width);
  for (std::size_t y = 0, i = 0; y < height; ++y) {
    for (std::size_t x = 0; x < width; ++x, ++i) {
      const Neighbourhood near = neighbourhood(label_at, width, x, y);
      const int symbol = streams[static_cast<std::size_t>(near.context)].next("symbol");
      std::uint32_t label;
      if (symbol < near.count) {
        label = near.candidate[symbol];
      } else if (symbol == near.count) {
        Stream& literals = streams[kNeighbourContexts + near.count - 1];
        std::uint32_t literal = literals.next("literal");
        if (wide) literal |= static_cast<std::uint32_t>(literals.next("literal")) << 8;
        if (literal >= palette_size) {
          corrupt("literal " + std::to_string(literal) +
                  " is not below K = " + std::to_string(palette_size));
        }
        label = label_of(literal, near.prediction, palette_size);
      } else {
        corrupt("symbol " + std::to_string(symbol) + " names no candidate");
      }
      if (wide) {
        out[2 * i] = static_cast<std::uint8_t>(label);
        out[2 * i + 1] = static_cast<std::uint8_t>(label >> 8);
      } else {
        out[i] = static_cast<std::uint8_t>(label);
      }
    }
  }
  for (const Stream& stream : streams) {
    if (stream.position != stream.bytes.size())
      corrupt("a stream holds more data than the image uses");
  }
  return out;
}

void check_index_range(std::span<const std::uint8_t> raw, std::uint32_t palette_size) {
  if (index_width(palette_size) == 1) {
    if (palette_size == 256) return;
    std::uint8_t largest = 0;
    for (const std::uint8_t index : raw) largest = index > largest ? index : largest;
    if (largest >= palette_size) {
      corrupt("index " + std::to_string(largest) +
              " is not below K = " + std::to_string(palette_size));
    }
    return;
  }
  if (palette_size == 65536) return;
  std::uint32_t largest = 0;
  for (std::size_t i = 0; i + 1 < raw.size(); i += 2) {
    const std::uint32_t index = raw[i] | static_cast<std::uint32_t>(raw[i + 1]) << 8;
    largest = index > largest ? index : largest;
  }
  if (largest >= palette_size) {
    corrupt("index " + std::to_string(largest) +
            " is not below K = " + std::to_string(palette_size));
  }
}

}  // namespace

std::vector<std::uint8_t> decode_label_bytes(const ParsedContainer& container) {
  const std::uint64_t expected = container.pixel_count() * index_width(container.palette_size);
  std::vector<std::uint8_t> raw;
  switch (static_cast<LabelCoding>(container.label_coding)) {
    case LabelCoding::zstd_raw:
      raw = decompress_frame(container.label_data, expected);
      check_index_range(raw, container.palette_size);
      break;
    case LabelCoding::neighbour_contexts:
      // Literals are checked as they are read; other labels copy earlier ones.
      raw = decode_neighbour_contexts(container.label_data, container.width,
                                      container.pixel_count(), container.palette_size);
      break;
    default:
      throw Error(
          ErrorCategory::unsupported,
          "label coding method " + std::to_string(container.label_coding) + " is not supported");
  }
  return raw;
}

}  // namespace kmq::detail
