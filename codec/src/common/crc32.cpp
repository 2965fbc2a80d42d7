// SPDX-License-Identifier: MIT
// Table-driven CRC-32; the table is built at compile time, so there is no global mutable state.
#include "common/crc32.hpp"

#include <array>

namespace kmq::detail {

namespace {
constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr auto kTable = make_table();
}  // namespace

std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::uint8_t> bytes) noexcept {
  std::uint32_t c = crc ^ 0xFFFFFFFFu;
  for (const std::uint8_t byte : bytes) c = kTable[(c ^ byte) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace kmq::detail
