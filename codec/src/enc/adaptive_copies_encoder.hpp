// SPDX-License-Identifier: MIT
// Label coding method 4 (`adaptive-copies`, format-spec §5.6) encoding: each strip's copies
// found, then its copy and pixel streams range-coded, strips on separate threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <kmq/kmq.hpp>
#include <vector>

#include "common/parallel.hpp"
#include "enc/copy_finder.hpp"

namespace kmq::detail {

/// The LABL payload (method byte + method data) of method 4 for a checked image, in `strips`
/// strips (1..255, at most the height).
std::vector<std::uint8_t> encode_adaptive_copies(const IndexedImage& indexed, std::size_t strips,
                                                 const CopySearch& search, const Workers& threads);

}  // namespace kmq::detail
