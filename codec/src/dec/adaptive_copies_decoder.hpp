// SPDX-License-Identifier: MIT
// Label coding method 4 (`adaptive-copies`, format-spec §5.6) decoding: the strip table, then
// each strip's copy and pixel streams, strips on separate threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/parallel.hpp"
#include "dec/container_reader.hpp"

namespace kmq::detail {

/// Index bytes (1 per pixel for K <= 256, else 2, little-endian) of method 4's data. Throws
/// Error(corrupt_file) for any damage.
std::vector<std::uint8_t> decode_adaptive_copies(const ParsedContainer& container,
                                                 const Workers& threads);

}  // namespace kmq::detail
