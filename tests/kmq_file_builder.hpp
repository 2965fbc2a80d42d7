// SPDX-License-Identifier: MIT
// Builds .kmq files chunk by chunk, valid or deliberately broken, for tests and vectors.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kmq::testing {

using Bytes = std::vector<std::uint8_t>;

class KmqFileBuilder {
 public:
  KmqFileBuilder();
  /// Appends a chunk with a correct CRC.
  KmqFileBuilder& chunk(std::string_view type, const Bytes& payload);
  /// Appends raw bytes (for broken frames or trailing data).
  KmqFileBuilder& raw(const Bytes& bytes);
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

Bytes header_payload(std::uint32_t width, std::uint32_t height, std::uint32_t palette_size,
                     std::uint8_t channels = 3, std::uint8_t version = 1,
                     std::uint8_t label_coding = 0, std::uint8_t flags = 0);
/// Palette chunk payload: coding byte 0, then `palette_size` grey-ish entries.
Bytes palette_payload(std::uint32_t palette_size, std::uint8_t channels = 3);
/// Label chunk payload: method 0 byte, then a zstd frame of `raw_indices`.
Bytes zstd_label_payload(const Bytes& raw_indices, bool declare_size = true);

/// Label chunk payload of method 1 (§5.2): method byte, stream count, table, frames. Streams
/// are given raw; empty ones get no frame. `count_override` replaces the stream count byte.
Bytes contexts_label_payload(const std::vector<Bytes>& streams, int count_override = -1);
/// LABL payload of method `method` (1 or 2) from uncompressed streams: count, table, frames.
Bytes streams_label_payload(std::uint8_t method, const std::vector<Bytes>& streams,
                            int count_override = -1);
/// LABL payload of method 3: method 2's 19 streams with a tile count and a tile table
/// (`shares`: tile by tile, 19 entries each), written as given, right or wrong.
Bytes tiles_label_payload(const std::vector<Bytes>& streams, std::uint8_t tiles,
                          const std::vector<std::uint32_t>& shares);

/// A complete valid file of a w x h RGB image with palette_size entries and these raw indices.
Bytes valid_file(std::uint32_t width, std::uint32_t height, std::uint32_t palette_size,
                 const Bytes& raw_indices);

}  // namespace kmq::testing
