// SPDX-License-Identifier: MIT
// Label stream decoding: LABL method data -> index bytes (1 or 2 per pixel), checked < K.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/parallel.hpp"
#include "dec/container_reader.hpp"

namespace kmq::detail {

/// Returns pixel_count * index_width(K) bytes of indices, little-endian when 2 bytes wide.
/// Throws Error(corrupt_file) for any damage, including an index >= K. `threads` (>= 1) decode
/// streams and method 3's tiles at once; the result does not depend on it.
std::vector<std::uint8_t> decode_label_bytes(const ParsedContainer& container,
                                             const Workers& threads);

}  // namespace kmq::detail
