// SPDX-License-Identifier: MIT
// The rules every zstd frame in a .kmq file obeys (format-spec/kmq.md §5.1), checked before
// anything is decompressed, and the decompression into a buffer of exactly the declared size.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kmq::detail {

/// The content size `frame` declares. Throws Error(corrupt_file), its message starting with
/// `where`, unless the frame declares its size, needs no dictionary and ends exactly where
/// `frame` ends.
std::uint64_t declared_frame_size(std::span<const std::uint8_t> frame, const std::string& where);

/// Decompresses a frame that must declare exactly `expected` bytes (checked first) into a
/// buffer of that size. Throws Error(corrupt_file) as declared_frame_size() does, or when the
/// frame does not decompress to exactly `expected` bytes.
std::vector<std::uint8_t> decompress_frame(std::span<const std::uint8_t> frame,
                                           std::uint64_t expected, const std::string& where);

/// One frame of `raw` at zstd `level`, as §5.1 wants it: content size declared, no checksum, no
/// dictionary id.
std::vector<std::uint8_t> compress_frame(std::span<const std::uint8_t> raw, int level);

}  // namespace kmq::detail
