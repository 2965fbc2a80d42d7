// SPDX-License-Identifier: MIT
// Method 0 (zstd-raw) decoding with the bomb checks of format-spec §5.1: declared size, frame
// extent, exact output size, then the index range. Method 1 (neighbour contexts, §5.2): the
// stream table is checked against the chunk before anything is decompressed, and every read
// from a stream is bounded by what that stream declared. Methods 2 and 3 (§5.3, §5.5) share
// that table; method 3's tile table is checked against it, and its tiles decode in parallel.
#include "dec/label_decoder.hpp"

#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <kmq/kmq.hpp>
#include <memory>
#include <string>

#include "common/byte_io.hpp"
#include "common/parallel.hpp"
#include "dec/adaptive_copies_decoder.hpp"
#include "format/color_ranking.hpp"
#include "format/context_model.hpp"
#include "format/format_constants.hpp"
#include "format/index_layout.hpp"
#include "format/stream_table.hpp"
#include "format/symbol_packing.hpp"
#include "format/zstd_frame.hpp"

namespace kmq::detail {

namespace {

[[noreturn]] void corrupt(const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, "label chunk: " + message);
}

std::vector<std::uint8_t> decompress_frame(std::span<const std::uint8_t> frame,
                                           std::uint64_t expected) {
  return detail::decompress_frame(frame, expected, "label chunk");
}

struct Stream {
  std::vector<std::uint8_t> bytes;
  std::size_t position = 0;
  std::uint8_t next(const char* what) {
    if (position >= bytes.size()) corrupt(std::string(what) + " stream ends too early");
    return bytes[position++];
  }
};

// Decompresses every stream of a checked table, largest first, on up to `threads` threads.
std::vector<Stream> decompress_streams(const ParsedStreamTable& parsed, const Workers& threads) {
  const StreamTable& table = parsed.table;
  const std::size_t count = table.raw.size();
  std::vector<std::size_t> offset(count, 0), order(count);
  for (std::size_t s = 0; s < count; ++s) {
    order[s] = s;
    if (s + 1 < count) offset[s + 1] = offset[s] + table.compressed[s];
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return table.raw[a] > table.raw[b]; });
  std::vector<Stream> streams(count);
  parallel_chunks(count, 1, threads, [&](std::size_t, std::size_t, std::size_t i, std::size_t) {
    const std::size_t s = order[i];
    if (table.raw[s] != 0) {
      streams[s].bytes =
          decompress_frame(parsed.frames.subspan(offset[s], table.compressed[s]), table.raw[s]);
    }
  });
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
                                                    std::uint32_t palette_size,
                                                    const Workers& threads) {
  const std::size_t index_bytes = index_width(palette_size);
  std::vector<Stream> streams = decompress_streams(
      parse_stream_table(data, LabelCoding::neighbour_contexts,
                         neighbour_contexts_layout(pixels, palette_size), width, pixels / width),
      threads);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(pixels * index_bytes));
  const bool wide = index_bytes == 2;
  auto label_at = [&](std::size_t i) { return load_index(out.data(), i, index_bytes); };
  const std::size_t height = static_cast<std::size_t>(pixels / width);
  for (std::size_t y = 0, i = 0; y < height; ++y) {
    for (std::size_t x = 0; x < width; ++x, ++i) {
      const ContextCandidates near = context_candidates(label_at, width, x, y);
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
        label = label_from_predicted_literal(literal, near.prediction, palette_size);
      } else {
        corrupt("symbol " + std::to_string(symbol) + " names no candidate");
      }
      store_index(out.data(), i, index_bytes, label);
    }
  }
  check_streams_consumed(streams);
  return out;
}

// Every byte of a packed symbol stream is below 125, and the digits from `used` (the symbols the
// tiles read) to the end of its last byte are 0 (§5.3, §5.5).
void check_packed_stream(const std::vector<std::uint8_t>& packed, std::uint64_t used) {
  for (const std::uint8_t byte : packed) {
    if (byte >= kPackedByteLimit) corrupt("packed symbol byte above 124");
  }
  for (std::uint64_t digit = used; digit < std::uint64_t{kSymbolsPerByte} * packed.size();
       ++digit) {
    if (kPackedDigits[packed[digit / 3]][digit % 3] != 0)
      corrupt("padding after the last symbol of a stream is not zero");
  }
}

// `count` symbols of a checked packed stream from digit `first` on, one byte each, to `out`, so
// that the pixel loop reads symbols without a data-dependent branch.
void unpack_symbols(const std::vector<std::uint8_t>& packed, std::uint64_t first,
                    std::uint64_t count, std::uint8_t* out) {
  std::uint64_t digit = first;
  const std::uint64_t end = first + count;
  auto next_digit = [&] { return kPackedDigits[packed[digit / 3]][digit % 3]; };
  for (; digit < end && digit % kSymbolsPerByte != 0; ++digit) *out++ = next_digit();
  for (; digit + kSymbolsPerByte <= end; digit += kSymbolsPerByte, out += kSymbolsPerByte)
    std::memcpy(out, kPackedDigits[packed[digit / 3]].data(), kSymbolsPerByte);
  for (; digit < end; ++digit) *out++ = next_digit();
}

// A symbol above the candidate count, or the sentinel after a share's end.
[[noreturn]] void bad_symbol(std::uint32_t symbol) {
  if (symbol == kSymbolBase) corrupt("symbol stream ends too early");
  corrupt("symbol " + std::to_string(symbol) + " names no candidate");
}

// One tile's read positions: its share of every symbol stream and every literal stream.
struct TileCursors {
  std::array<const std::uint8_t*, kPartitionContexts> symbol;
  std::array<const std::uint8_t*, kLiteralContexts> literal, literal_end;
};

// §5.3 over columns [first_column, first_column + columns) of every row of `labels` (rows
// `width` apart): the whole image for method 2, one tile for method 3 (§5.5).
void decode_partition_region(std::uint8_t* labels, std::size_t width, std::size_t first_column,
                             std::size_t columns, std::size_t height, TileCursors& at,
                             ColorRanking& ranking) {
  const std::uint32_t palette_size = ranking.palette_size();
  std::uint8_t* tile = labels + first_column;
  auto label_at = [&](std::size_t i) -> std::uint32_t { return tile[i]; };
  // §5.3 step 3: an unseen label.
  auto escaped = [&](const PartitionCandidates& near) -> std::uint32_t {
    const std::size_t stream = static_cast<std::size_t>(near.count) - 1;
    if (at.literal[stream] == at.literal_end[stream]) corrupt("literal stream ends too early");
    const std::uint32_t literal = *at.literal[stream]++;
    if (literal + static_cast<std::uint32_t>(near.count) >= palette_size) {
      corrupt("literal " + std::to_string(literal) + " is not below K - " +
              std::to_string(near.count) + " = " +
              std::to_string(palette_size - static_cast<std::uint32_t>(near.count)));
    }
    return ranking.label_of_ranked_literal(literal, near);
  };
  // §5.3 steps 1-4 for any pixel. A seen label comes from the four labels packed in one
  // register (K <= 256): the candidate array is built only for an unseen label.
  auto decode_pixel = [&](const NeighbourLabels& around) -> std::uint32_t {
    const partition_detail::Pattern& pattern = partition_detail::kPatterns[pattern_bits(around)];
    const std::uint32_t symbol = *at.symbol[static_cast<std::size_t>(pattern.context)]++;
    const std::uint32_t packed = packed_labels(around);
    if (symbol < static_cast<std::uint32_t>(pattern.count))
      return packed >> (8 * pattern.first[symbol]) & 0xFF;
    if (symbol == static_cast<std::uint32_t>(pattern.count))
      return escaped(partition_candidates(pattern, packed));
    bad_symbol(symbol);
  };
  auto border_pixel = [&](std::size_t x, std::size_t y) {
    return static_cast<std::uint8_t>(decode_pixel(neighbours_in(label_at, width, columns, x, y)));
  };
  for (std::size_t y = 0; y < height; ++y) {
    std::uint8_t* row = tile + y * width;
    if (y == 0 || columns < 3) {
      for (std::size_t x = 0; x < columns; ++x) row[x] = border_pixel(x, y);
      continue;
    }
    // Inside the region most pixels repeat four equal neighbours (the flat context). Their
    // chain from one label to the next is kept short: W stays in a register, the flat
    // context's cursor too.
    const std::uint8_t* above = row - width;
    std::uint32_t w = border_pixel(0, y);
    row[0] = static_cast<std::uint8_t>(w);
    const std::uint8_t* flat = at.symbol[kFlatContext];
    for (std::size_t x = 1; x + 1 < columns; ++x) {
      const std::uint32_t n = above[x], ne = above[x + 1], nw = above[x - 1];
      if (w == n && w == ne && w == nw) {
        const std::uint32_t symbol = *flat++;
        if (symbol != 0) {
          if (symbol != 1) bad_symbol(symbol);
          w = escaped(flat_candidates(w));
        }
      } else {
        w = decode_pixel({w, n, ne, nw});  // never context 0
      }
      row[x] = static_cast<std::uint8_t>(w);
    }
    at.symbol[kFlatContext] = flat;
    row[columns - 1] = border_pixel(columns - 1, y);
  }
}

// Above this many pixels per palette entry a single tile meets nearly every row of the colour
// order anyway, so they are sorted up front, on every thread.
constexpr std::uint64_t kEagerRankingPixelsPerRow = 4096;

// Methods 2 and 3 (§5.3, §5.5).
std::vector<std::uint8_t> decode_neighbour_partitions(std::span<const std::uint8_t> data,
                                                      const ParsedContainer& container, bool tiled,
                                                      const Workers& threads) {
  const int method = tiled ? 3 : 2;
  const std::uint32_t palette_size = container.palette_size;
  if (palette_size > kMaxPartitionPaletteSize)
    corrupt("method " + std::to_string(method) + " needs K <= 256");
  const std::size_t width = container.width, height = container.height;
  const std::uint64_t pixels = container.pixel_count();
  const ParsedStreamTable parsed = parse_stream_table(
      data, tiled ? LabelCoding::partition_tiles : LabelCoding::neighbour_partitions,
      partition_layout(pixels), width, height);
  const StreamTable& table = parsed.table;
  const std::size_t tiles = tiled ? table.tiles : 1;
  // Method 2: one tile whose share is every symbol digit and every literal.
  std::vector<std::uint64_t> share(table.raw.begin(), table.raw.end());
  for (std::size_t c = 0; c < kPartitionContexts; ++c) share[c] *= kSymbolsPerByte;
  if (tiled) share.assign(table.shares.begin(), table.shares.end());
  std::vector<Stream> streams = decompress_streams(parsed, threads);

  // Where each tile's share of each stream starts: the shares before it.
  std::vector<std::uint64_t> share_start(share.size(), 0);
  for (std::size_t tile = 1; tile < tiles; ++tile) {
    for (std::size_t s = 0; s < kPartitionStreamCount; ++s) {
      const std::size_t i = tile * kPartitionStreamCount + s;
      share_start[i] = share_start[i - kPartitionStreamCount] + share[i - kPartitionStreamCount];
    }
  }
  parallel_chunks(kPartitionContexts, 1, threads,
                  [&](std::size_t, std::size_t c, std::size_t, std::size_t) {
                    const std::size_t last = (tiles - 1) * kPartitionStreamCount + c;
                    check_packed_stream(streams[c].bytes, share_start[last] + share[last]);
                  });

  std::vector<std::uint8_t> out(static_cast<std::size_t>(pixels));
  ColorRanking ranking(container.palette, static_cast<int>(container.channels));
  // Tiles share the ranking, so its rows are sorted first. One tile sorts the rows it needs as
  // it meets them: a small image may need few of K rows.
  if (tiles > 1 || pixels >= kEagerRankingPixelsPerRow * palette_size)
    ranking.sort_all_rows(threads);
  // Each worker unpacks the symbols of the tile it decodes into its own buffer, each share
  // followed by a sentinel symbol (5, which no pixel accepts) that stops a tile reading past its
  // share: the unpacked symbols of the whole image are never in memory at once.
  std::vector<std::vector<std::uint8_t>> unpacked(worker_count(tiles, 1, threads));
  parallel_chunks(
      tiles, 1, threads, [&](std::size_t worker, std::size_t tile, std::size_t, std::size_t) {
        const std::size_t row = tile * kPartitionStreamCount;
        std::uint64_t symbols = kPartitionContexts;  // the sentinels
        for (std::size_t c = 0; c < kPartitionContexts; ++c) symbols += share[row + c];
        std::vector<std::uint8_t>& buffer = unpacked[worker];
        buffer.resize(static_cast<std::size_t>(symbols));
        TileCursors at;
        std::array<const std::uint8_t*, kPartitionContexts> sentinel;
        std::uint8_t* next = buffer.data();
        for (std::size_t c = 0; c < kPartitionContexts; ++c) {
          unpack_symbols(streams[c].bytes, share_start[row + c], share[row + c], next);
          if (tiles == 1)
            std::vector<std::uint8_t>().swap(streams[c].bytes);  // no one else reads it
          at.symbol[c] = next;
          next += share[row + c];
          sentinel[c] = next;
          *next++ = static_cast<std::uint8_t>(kSymbolBase);
        }
        for (std::size_t l = 0; l < kLiteralContexts; ++l) {
          const std::size_t i = row + kPartitionContexts + l;
          at.literal[l] = streams[kPartitionContexts + l].bytes.data() + share_start[i];
          at.literal_end[l] = at.literal[l] + share[i];
        }
        const std::size_t first = tile_start(tile, tiles, width);
        decode_partition_region(out.data(), width, first,
                                tile_start(tile + 1, tiles, width) - first, height, at, ranking);
        for (std::size_t l = 0; l < kLiteralContexts; ++l) {
          if (at.literal[l] != at.literal_end[l])
            corrupt("a stream holds more data than the image uses");
        }
        for (std::size_t c = 0; c < kPartitionContexts; ++c) {
          if (tiled) {
            if (at.symbol[c] != sentinel[c])
              corrupt("a tile's share of a stream is not read to its end");
            continue;
          }
          // Method 2: the last byte may hold up to two padding digits, which must be 0 (§5.3).
          const auto unread = static_cast<std::size_t>(sentinel[c] - at.symbol[c]);
          if (unread >= kSymbolsPerByte) corrupt("a stream holds more data than the image uses");
          for (const std::uint8_t* digit = at.symbol[c]; digit != sentinel[c]; ++digit) {
            if (*digit != 0) corrupt("padding after the last symbol of a stream is not zero");
          }
        }
      });
  return out;
}

void check_index_range(std::span<const std::uint8_t> raw, std::uint32_t palette_size) {
  const std::size_t width = index_width(palette_size);
  if (width == 1) {
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
  for (std::size_t i = 0; i < raw.size() / width; ++i) {
    const std::uint32_t index = load_index(raw.data(), i, width);
    largest = index > largest ? index : largest;
  }
  if (largest >= palette_size) {
    corrupt("index " + std::to_string(largest) +
            " is not below K = " + std::to_string(palette_size));
  }
}

}  // namespace

std::vector<std::uint8_t> decode_label_bytes(const ParsedContainer& container,
                                             const Workers& threads) {
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
                                      container.pixel_count(), container.palette_size, threads);
      break;
    case LabelCoding::neighbour_partitions:
    case LabelCoding::partition_tiles:
      raw = decode_neighbour_partitions(
          container.label_data, container,
          container.label_coding == static_cast<std::uint8_t>(LabelCoding::partition_tiles),
          threads);
      break;
    case LabelCoding::adaptive_copies:
      raw = decode_adaptive_copies(container, threads);
      break;
    default:
      throw Error(
          ErrorCategory::unsupported,
          "label coding method " + std::to_string(container.label_coding) + " is not supported");
  }
  return raw;
}

}  // namespace kmq::detail
