// SPDX-License-Identifier: MIT
// The metadata chunks of format-spec/kmq.md §2.7, both directions: Metadata to chunk payloads
// for the writer, chunk payloads to Metadata (with every check of §2.7) for the reader.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <string>
#include <vector>

namespace kmq::detail {

/// §2.7's limits on unpacked metadata: one item, and all of a file's together.
inline constexpr std::uint64_t kMaxMetadataItemBytes = std::uint64_t{1} << 24;
inline constexpr std::uint64_t kMaxMetadataBytes = std::uint64_t{1} << 26;

struct MetadataChunk {
  std::array<char, 4> type;
  std::vector<std::uint8_t> payload;
};

/// The chunks holding `metadata`, in the order the reference encoder writes them (§2.7's
/// table). Throws Error(bad_input) as validate(Metadata) does.
std::vector<MetadataChunk> metadata_chunks(const Metadata& metadata);

/// Collects a file's metadata chunks as the container reader meets them.
class MetadataReader {
 public:
  /// `max_bytes`: the caller's limit on all unpacked metadata, at most kMaxMetadataBytes.
  explicit MetadataReader(std::uint64_t max_bytes = kMaxMetadataBytes)
      : max_bytes_(std::min(max_bytes, kMaxMetadataBytes)) {}
  /// Whether `type` (4 bytes) names a metadata chunk; if it does, its payload is checked and
  /// kept. Throws Error(corrupt_file or limit_exceeded) starting with `where` for a chunk that
  /// breaks §2.7.
  bool read(const std::uint8_t* type, std::span<const std::uint8_t> payload,
            const std::string& where);
  Metadata take() { return std::move(metadata_); }

 private:
  Metadata metadata_;
  std::uint32_t seen_ = 0;  // bit per once-only type
  std::uint64_t unpacked_bytes_ = 0;
  std::uint64_t max_bytes_;
};

}  // namespace kmq::detail
