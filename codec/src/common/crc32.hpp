// SPDX-License-Identifier: MIT
// CRC-32 (ISO 3309, as in PNG and zlib) over chunk type and payload.
#pragma once

#include <cstdint>
#include <span>

namespace kmq::detail {

/// Continues a CRC-32: pass 0 to start; the result of one call may be passed to the next.
std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::uint8_t> bytes) noexcept;

}  // namespace kmq::detail
