// SPDX-License-Identifier: MIT
// The stream and tile tables at the start of label coding methods 1 to 3's method data
// (format-spec/kmq.md §5.2, §5.3, §5.5): written by the encoder and parsed and checked by the
// decoder and inspect(), here in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/format_constants.hpp"

namespace kmq::detail {

/// Throws Error(corrupt_file) with "label chunk: " and `message`.
[[noreturn]] void corrupt_label_chunk(const std::string& message);

/// What the table says: each stream's frame and raw sizes and, for method 3, the tiles' shares.
struct StreamTable {
  std::vector<std::uint32_t> compressed, raw;  // one per stream
  std::size_t tiles = 0;                       // method 3: 1..255; else 0
  std::vector<std::uint32_t> shares;           // method 3: shares[tile * streams + stream]
};

/// Bytes of the stream count, (method 3's tile count,) stream table and (tile table) of a table
/// with `streams` streams and `tiles` tiles (0: not method 3).
std::size_t stream_table_bytes(std::size_t streams, std::size_t tiles);

/// Appends stream count, (tile count,) stream table and (tile table), in §5's order.
void append_stream_table(std::vector<std::uint8_t>& out, const StreamTable& table);

/// What a method requires of its table's raw sizes, checked before any frame is decompressed.
struct StreamLayout {
  std::size_t stream_count;
  std::size_t symbol_streams;      // the first streams; the rest hold literals
  std::uint64_t min_symbol_bytes;  // bounds on the symbol streams' total raw size
  std::uint64_t max_symbol_bytes;
  std::uint64_t literal_unit;  // every literal stream holds whole literals
  std::uint64_t max_literal_bytes;
};

/// Method 1 (§5.2) and methods 2 and 3 (§5.3) for `pixels` pixels and K entries.
StreamLayout neighbour_contexts_layout(std::uint64_t pixels, std::uint32_t palette_size);
StreamLayout partition_layout(std::uint64_t pixels);

/// A checked table and the frames that follow it, back to back in stream order.
struct ParsedStreamTable {
  StreamTable table;
  std::span<const std::uint8_t> frames;
};

/// Parses method data (after LABL's method byte) of method 1, 2 or 3 for an image of
/// width x height: the stream count, method 3's tile count (1..255, at most `width`), the sizes
/// against `layout` and the chunk, and method 3's shares against each tile's pixels and each
/// stream's raw size. Throws Error(corrupt_file), "label chunk: ...".
ParsedStreamTable parse_stream_table(std::span<const std::uint8_t> data, LabelCoding method,
                                     const StreamLayout& layout, std::uint64_t width,
                                     std::uint64_t height);

/// Method 4 (§5.6): a strip's two range-coded streams.
struct StripStreams {
  std::vector<std::uint8_t> copies, pixels;
};
struct StripSpans {
  std::span<const std::uint8_t> copies, pixels;
};
inline constexpr std::size_t kStripEntryBytes = 8;  // copy_size, pixel_size
inline constexpr std::size_t kMinRangeStreamBytes = 5;

/// Bytes of method 4's strip count and strip table for `strips` strips.
std::size_t strip_table_bytes(std::size_t strips);

/// Appends method 4's strip count and strip table (the streams follow, in the same order).
void append_strip_table(std::vector<std::uint8_t>& out, const std::vector<StripStreams>& strips);

/// Parses method 4's data for an image `height` rows high: the strip count (1..255, at most
/// `height`), every stream at least 5 bytes, the sizes adding up to the chunk. Throws
/// Error(corrupt_file).
std::vector<StripSpans> parse_strip_table(std::span<const std::uint8_t> data, std::uint64_t height);

}  // namespace kmq::detail
