// SPDX-License-Identifier: MIT
// Method 0 (zstd-raw) decoding with the bomb checks of format-spec §5.1: declared size, frame
// extent, exact output size, then the index range. Method 1 (neighbour contexts, §5.2): the
// stream table is checked against the chunk before anything is decompressed, and every read
// from a stream is bounded by what that stream declared. Method 2 (§5.3) shares that table.
#include "dec/label_decoder.hpp"

#include <zstd.h>

#include <array>
#include <kmq/kmq.hpp>
#include <memory>
#include <string>

#include "common/byte_io.hpp"
#include "common/colour_ranking.hpp"
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

// What a method requires of its stream table's raw sizes (§5.2, §5.3), checked before any
// frame is decompressed.
struct StreamLayout {
  std::size_t stream_count;
  std::size_t symbol_streams;      // the first streams; the rest hold literals
  std::uint64_t min_symbol_bytes;  // bounds on the symbol streams' total raw size
  std::uint64_t max_symbol_bytes;
  std::uint64_t literal_unit;  // every literal stream holds whole literals
  std::uint64_t max_literal_bytes;
};

// Methods 1 and 2: parses the stream count and table, checks them against the layout and the
// chunk, then decompresses every stream.
std::vector<Stream> read_streams(std::span<const std::uint8_t> data, const StreamLayout& layout,
                                 int method) {
  const std::size_t count = layout.stream_count;
  if (data.empty() || data[0] != count) {
    corrupt("method " + std::to_string(method) + " needs exactly " + std::to_string(count) +
            " streams");
  }
  if (data.size() - 1 < 8 * count) corrupt("stream table is cut short");
  std::uint64_t compressed_total = 0, symbol_total = 0, literal_total = 0;
  std::vector<std::uint32_t> compressed(count), raw(count);
  for (std::size_t s = 0; s < count; ++s) {
    compressed[s] = load_u32le(&data[1 + 8 * s]);
    raw[s] = load_u32le(&data[5 + 8 * s]);
    compressed_total += compressed[s];
    (s < layout.symbol_streams ? symbol_total : literal_total) += raw[s];
    if ((raw[s] == 0) != (compressed[s] == 0)) corrupt("an empty stream must have an empty frame");
    if (s >= layout.symbol_streams && raw[s] % layout.literal_unit != 0)
      corrupt("literal stream size is not whole indices");
  }
  const std::span<const std::uint8_t> frames = data.subspan(1 + 8 * count);
  if (compressed_total != frames.size()) corrupt("stream sizes do not add up to the chunk");
  if (symbol_total < layout.min_symbol_bytes || symbol_total > layout.max_symbol_bytes)
    corrupt("symbol streams do not hold one symbol per pixel");
  if (literal_total > layout.max_literal_bytes) corrupt("literal streams are too large");

  std::vector<Stream> streams(count);
  std::size_t offset = 0;
  for (std::size_t s = 0; s < count; ++s) {
    if (raw[s] != 0)
      streams[s].bytes = decompress_frame(frames.subspan(offset, compressed[s]), raw[s]);
    offset += compressed[s];
  }
  return streams;
}

void check_streams_consumed(const std::vector<Stream>& streams) {
  for (const Stream& stream : streams) {
    if (stream.position != stream.bytes.size())
      corrupt("a stream holds more data than the image uses");
  }
}

std::vector<std::uint8_t> decode_neighbour_contexts(std::span<const std::uint8_t> data,
                                                    std::uint32_t width, std::uint64_t pixels,
                                                    std::uint32_t palette_size) {
  const std::size_t index_bytes = index_width(palette_size);
  std::vector<Stream> streams = read_streams(data,
                                             {kNeighbourStreamCount, kNeighbourContexts, pixels,
                                              pixels, index_bytes, pixels * index_bytes},
                                             1);
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
  check_streams_consumed(streams);
  return out;
}

// A symbol stream unpacked (three base-5 digits a byte, lowest first, §5.3) to one byte per
// symbol, so that the pixel loop reads symbols without a data-dependent branch. A sentinel
// symbol past the end (5, which no pixel accepts) stops a reader that runs out.
class UnpackedSymbols {
 public:
  explicit UnpackedSymbols(const std::vector<std::uint8_t>& packed)
      : symbols_(packed.size() * kSymbolsPerByte + 1) {
    for (std::size_t b = 0; b < packed.size(); ++b) {
      std::uint32_t value = packed[b];
      if (value >= kPackedByteLimit) corrupt("packed symbol byte above 124");
      for (std::uint32_t d = 0; d < kSymbolsPerByte; ++d, value /= kSymbolBase) {
        symbols_[b * kSymbolsPerByte + d] = static_cast<std::uint8_t>(value % kSymbolBase);
      }
    }
    symbols_.back() = static_cast<std::uint8_t>(kSymbolBase);
  }
  const std::uint8_t* begin() const { return symbols_.data(); }

  // Every packed byte must have been started, and the digits after the last symbol must be 0.
  void check_consumed(const std::uint8_t* cursor) const {
    const auto read = static_cast<std::size_t>(cursor - symbols_.data());
    const std::size_t stored = symbols_.size() - 1;
    if (read > stored) corrupt("symbol stream ends too early");
    if ((read + kSymbolsPerByte - 1) / kSymbolsPerByte * kSymbolsPerByte != stored)
      corrupt("a stream holds more data than the image uses");
    for (std::size_t i = read; i < stored; ++i) {
      if (symbols_[i] != 0) corrupt("padding after the last symbol of a stream is not zero");
    }
  }

 private:
  std::vector<std::uint8_t> symbols_;
};

// A symbol above the candidate count, or the sentinel after a stream's end.
[[noreturn]] void bad_symbol(std::uint32_t symbol) {
  if (symbol == kSymbolBase) corrupt("symbol stream ends too early");
  corrupt("symbol " + std::to_string(symbol) + " names no candidate");
}

std::vector<std::uint8_t> decode_neighbour_partitions(std::span<const std::uint8_t> data,
                                                      std::uint32_t width, std::uint64_t pixels,
                                                      std::uint32_t palette_size,
                                                      std::span<const std::uint8_t> palette,
                                                      int channels) {
  if (palette_size > kMaxPartitionPaletteSize) corrupt("method 2 needs K <= 256");
  // Each symbol stream may end in one partly used byte.
  const std::uint64_t least_symbol_bytes = (pixels + kSymbolsPerByte - 1) / kSymbolsPerByte;
  std::vector<Stream> streams =
      read_streams(data,
                   {kPartitionStreamCount, kPartitionContexts, least_symbol_bytes,
                    least_symbol_bytes + kPartitionContexts, 1, pixels},
                   2);
  std::vector<UnpackedSymbols> symbols;
  std::array<const std::uint8_t*, kPartitionContexts> cursor;
  symbols.reserve(kPartitionContexts);
  for (std::size_t c = 0; c < kPartitionContexts; ++c) {
    symbols.emplace_back(streams[c].bytes);
    streams[c].bytes = {};
    cursor[c] = symbols[c].begin();
  }
  ColourRanking ranking(palette, channels);

  std::vector<std::uint8_t> out(static_cast<std::size_t>(pixels));
  auto label_at = [&](std::size_t i) -> std::uint32_t { return out[i]; };
  // §5.3 step 3: an unseen label.
  auto escaped = [&](const Partition& near) -> std::uint32_t {
    const std::uint32_t literal = streams[kPartitionContexts + near.count - 1].next("literal");
    if (literal + static_cast<std::uint32_t>(near.count) >= palette_size) {
      corrupt("literal " + std::to_string(literal) + " is not below K - " +
              std::to_string(near.count) + " = " +
              std::to_string(palette_size - static_cast<std::uint32_t>(near.count)));
    }
    return ranking.label_of(literal, near);
  };
  // §5.3 steps 1-4 for any pixel. A seen label comes from the four labels packed in one
  // register (K <= 256): the candidate array is built only for an unseen label.
  auto decode_pixel = [&](const Neighbours& around) -> std::uint32_t {
    const partition_detail::Pattern& pattern = partition_detail::kPatterns[pattern_bits(around)];
    const std::uint32_t symbol = *cursor[static_cast<std::size_t>(pattern.context)]++;
    if (symbol < static_cast<std::uint32_t>(pattern.count)) {
      const std::uint32_t packed = around.w | around.n << 8 | around.ne << 16 | around.nw << 24;
      return packed >> (8 * pattern.first[symbol]) & 0xFF;
    }
    if (symbol == static_cast<std::uint32_t>(pattern.count)) return escaped(partition_of(around));
    bad_symbol(symbol);
  };
  const std::size_t height = static_cast<std::size_t>(pixels / width);
  for (std::size_t y = 0; y < height; ++y) {
    std::uint8_t* row = out.data() + y * width;
    if (y == 0 || width < 3) {
      for (std::size_t x = 0; x < width; ++x) {
        row[x] = static_cast<std::uint8_t>(decode_pixel(neighbours(label_at, width, x, y)));
      }
      continue;
    }
    // Inside the image most pixels repeat four equal neighbours (context 0). Their chain from
    // one label to the next is kept short: W stays in a register, context 0's cursor too.
    const std::uint8_t* above = row - width;
    std::uint32_t w = decode_pixel(neighbours(label_at, width, 0, y));
    row[0] = static_cast<std::uint8_t>(w);
    const std::uint8_t* flat = cursor[0];
    for (std::size_t x = 1; x + 1 < width; ++x) {
      const std::uint32_t n = above[x], ne = above[x + 1], nw = above[x - 1];
      if (w == n && w == ne && w == nw) {
        const std::uint32_t symbol = *flat++;
        if (symbol != 0) {
          if (symbol != 1) bad_symbol(symbol);
          w = escaped(partition_of({w, n, ne, nw}));
        }
      } else {
        w = decode_pixel({w, n, ne, nw});  // never context 0
      }
      row[x] = static_cast<std::uint8_t>(w);
    }
    cursor[0] = flat;
    row[width - 1] =
        static_cast<std::uint8_t>(decode_pixel(neighbours(label_at, width, width - 1, y)));
  }
  for (std::size_t c = 0; c < kPartitionContexts; ++c) symbols[c].check_consumed(cursor[c]);
  check_streams_consumed(streams);  // the literal streams (the symbol streams were moved out)
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
    case LabelCoding::neighbour_partitions:
      raw = decode_neighbour_partitions(container.label_data, container.width,
                                        container.pixel_count(), container.palette_size,
                                        container.palette, static_cast<int>(container.channels));
      break;
    default:
      throw Error(
          ErrorCategory::unsupported,
          "label coding method " + std::to_string(container.label_coding) + " is not supported");
  }
  return raw;
}

}  // namespace kmq::detail
