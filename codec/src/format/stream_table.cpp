// SPDX-License-Identifier: MIT
// Methods 1 to 3's stream and tile tables: layout, writing, parsing with every check of §5.
#include "format/stream_table.hpp"

#include <array>
#include <kmq/kmq.hpp>
#include <string>

#include "common/byte_io.hpp"
#include "format/context_model.hpp"
#include "format/index_layout.hpp"
#include "format/partition_model.hpp"
#include "format/symbol_packing.hpp"

namespace kmq::detail {

[[noreturn]] void corrupt_label_chunk(const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, "label chunk: " + message);
}

namespace {

[[noreturn]] void corrupt(const std::string& message) { corrupt_label_chunk(message); }

constexpr std::size_t kEntryBytes = 8;  // compressed_size, raw_size
constexpr std::size_t kShareBytes = 4;

}  // namespace

std::size_t stream_table_bytes(std::size_t streams, std::size_t tiles) {
  return 1 + (tiles > 0 ? 1 : 0) + kEntryBytes * streams + kShareBytes * tiles * streams;
}

void append_stream_table(std::vector<std::uint8_t>& out, const StreamTable& table) {
  out.push_back(static_cast<std::uint8_t>(table.raw.size()));
  if (table.tiles > 0) out.push_back(static_cast<std::uint8_t>(table.tiles));
  for (std::size_t s = 0; s < table.raw.size(); ++s) {
    append_u32le(out, table.compressed[s]);
    append_u32le(out, table.raw[s]);
  }
  for (const std::uint32_t share : table.shares) append_u32le(out, share);
}

StreamLayout neighbour_contexts_layout(std::uint64_t pixels, std::uint32_t palette_size) {
  const std::size_t width = index_width(palette_size);
  return {kNeighbourStreamCount, kNeighbourContexts, pixels, pixels, width, pixels * width};
}

StreamLayout partition_layout(std::uint64_t pixels) {
  // Each symbol stream may end in one partly used byte.
  const std::uint64_t least_symbol_bytes = (pixels + kSymbolsPerByte - 1) / kSymbolsPerByte;
  return {kPartitionStreamCount,
          kPartitionContexts,
          least_symbol_bytes,
          least_symbol_bytes + kPartitionContexts,
          1,
          pixels};
}

ParsedStreamTable parse_stream_table(std::span<const std::uint8_t> data, LabelCoding method,
                                     const StreamLayout& layout, std::uint64_t width,
                                     std::uint64_t height) {
  const std::size_t count = layout.stream_count;
  if (data.empty() || data[0] != count) {
    corrupt("method " + std::to_string(static_cast<int>(method)) + " needs exactly " +
            std::to_string(count) + " streams");
  }
  ParsedStreamTable parsed;
  StreamTable& table = parsed.table;
  const bool tiled = method == LabelCoding::partition_tiles;
  if (tiled) {
    if (data.size() < 2 || data[1] == 0) corrupt("method 3 needs at least one tile");
    table.tiles = data[1];
    if (table.tiles > width) corrupt("more tiles than columns");
  }
  const std::size_t offset = tiled ? 2 : 1;
  const std::size_t share_bytes = kShareBytes * count * table.tiles;
  if (data.size() - offset < kEntryBytes * count + share_bytes)
    corrupt("stream table is cut short");
  std::uint64_t compressed_total = 0, symbol_total = 0, literal_total = 0;
  table.compressed.resize(count);
  table.raw.resize(count);
  for (std::size_t s = 0; s < count; ++s) {
    table.compressed[s] = load_u32le(&data[offset + kEntryBytes * s]);
    table.raw[s] = load_u32le(&data[offset + 4 + kEntryBytes * s]);
    compressed_total += table.compressed[s];
    (s < layout.symbol_streams ? symbol_total : literal_total) += table.raw[s];
    if ((table.raw[s] == 0) != (table.compressed[s] == 0))
      corrupt("an empty stream must have an empty frame");
    if (s >= layout.symbol_streams && table.raw[s] % layout.literal_unit != 0)
      corrupt("literal stream size is not whole indices");
  }
  parsed.frames = data.subspan(offset + kEntryBytes * count + share_bytes);
  if (compressed_total != parsed.frames.size()) corrupt("stream sizes do not add up to the chunk");
  if (symbol_total < layout.min_symbol_bytes || symbol_total > layout.max_symbol_bytes)
    corrupt("symbol streams do not hold one symbol per pixel");
  if (literal_total > layout.max_literal_bytes) corrupt("literal streams are too large");
  if (!tiled) return parsed;

  // §5.5: every tile's symbol shares are its pixels; the shares add up to each stream.
  const std::uint8_t* shares = &data[offset + kEntryBytes * count];
  table.shares.resize(count * table.tiles);
  std::vector<std::uint64_t> total(count, 0);
  for (std::size_t tile = 0; tile < table.tiles; ++tile) {
    std::uint64_t symbols = 0;
    for (std::size_t s = 0; s < count; ++s) {
      const std::size_t i = tile * count + s;
      table.shares[i] = load_u32le(shares + kShareBytes * i);
      total[s] += table.shares[i];
      if (s < layout.symbol_streams) symbols += table.shares[i];
    }
    const std::uint64_t columns =
        tile_start(tile + 1, table.tiles, width) - tile_start(tile, table.tiles, width);
    if (symbols != columns * height) corrupt("a tile's symbols do not match its pixels");
  }
  for (std::size_t s = 0; s < count; ++s) {
    const std::uint64_t bytes =
        s < layout.symbol_streams ? (total[s] + kSymbolsPerByte - 1) / kSymbolsPerByte : total[s];
    if (bytes != table.raw[s]) corrupt("the tile table does not match the stream table");
  }
  return parsed;
}

std::size_t strip_table_bytes(std::size_t strips) { return 1 + kStripEntryBytes * strips; }

void append_strip_table(std::vector<std::uint8_t>& out, const std::vector<StripStreams>& strips) {
  out.push_back(static_cast<std::uint8_t>(strips.size()));
  for (const StripStreams& strip : strips) {
    append_u32le(out, static_cast<std::uint32_t>(strip.copies.size()));
    append_u32le(out, static_cast<std::uint32_t>(strip.pixels.size()));
  }
}

std::vector<StripSpans> parse_strip_table(std::span<const std::uint8_t> data,
                                          std::uint64_t height) {
  if (data.empty()) corrupt("method 4 data is empty");
  const std::size_t strips = data[0];
  if (strips == 0) corrupt("method 4 needs at least one strip");
  if (strips > height) corrupt("more strips than rows");
  if (data.size() - 1 < kStripEntryBytes * strips) corrupt("strip table cut short");
  std::vector<StripSpans> result(strips);
  std::uint64_t total = 0;
  std::array<std::uint32_t, 2> size{};
  for (std::size_t s = 0; s < strips; ++s) {
    for (std::size_t i = 0; i < 2; ++i) {
      size[i] = load_u32le(data.data() + 1 + kStripEntryBytes * s + 4 * i);
      if (size[i] < kMinRangeStreamBytes) corrupt("a strip's stream is shorter than 5 bytes");
      total += size[i];
    }
  }
  const std::size_t streams_at = 1 + kStripEntryBytes * strips;
  if (total != data.size() - streams_at) corrupt("strip streams do not add up to the chunk's size");
  std::size_t at = streams_at;
  for (std::size_t s = 0; s < strips; ++s) {
    const std::uint32_t copies = load_u32le(data.data() + 1 + kStripEntryBytes * s);
    const std::uint32_t pixels = load_u32le(data.data() + 1 + kStripEntryBytes * s + 4);
    result[s].copies = data.subspan(at, copies);
    result[s].pixels = data.subspan(at + copies, pixels);
    at += std::size_t{copies} + pixels;
  }
  return result;
}

}  // namespace kmq::detail
