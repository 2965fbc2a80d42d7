// SPDX-License-Identifier: MIT
// CRC-32 (the polynomial of PNG and zlib), eight bytes a step ("slicing by 8"): table t[k] gives
// the CRC of a byte followed by k zero bytes, so eight lookups replace eight dependent steps.
// The tables are built at compile time, so there is no global mutable state.
#include "common/crc32.hpp"

#include <array>
#include <cstddef>

namespace kmq::detail {

namespace {
constexpr std::size_t kSlices = 8;

constexpr std::array<std::array<std::uint32_t, 256>, kSlices> make_tables() {
  std::array<std::array<std::uint32_t, 256>, kSlices> tables{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    tables[0][n] = c;
  }
  for (std::size_t slice = 1; slice < kSlices; ++slice) {
    for (std::uint32_t n = 0; n < 256; ++n) {
      const std::uint32_t previous = tables[slice - 1][n];
      tables[slice][n] = tables[0][previous & 0xFFu] ^ (previous >> 8);
    }
  }
  return tables;
}
constexpr auto kTables = make_tables();
}  // namespace

std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::uint8_t> bytes) noexcept {
  std::uint32_t c = crc ^ 0xFFFFFFFFu;
  const std::uint8_t* p = bytes.data();
  std::size_t left = bytes.size();
  for (; left >= kSlices; left -= kSlices, p += kSlices) {
    // Bytes are combined explicitly, so the result does not depend on the machine's byte order.
    const std::uint32_t low =
        c ^ (p[0] | static_cast<std::uint32_t>(p[1]) << 8 | static_cast<std::uint32_t>(p[2]) << 16 |
             static_cast<std::uint32_t>(p[3]) << 24);
    c = kTables[7][low & 0xFFu] ^ kTables[6][low >> 8 & 0xFFu] ^ kTables[5][low >> 16 & 0xFFu] ^
        kTables[4][low >> 24] ^ kTables[3][p[4]] ^ kTables[2][p[5]] ^ kTables[1][p[6]] ^
        kTables[0][p[7]];
  }
  for (; left > 0; --left, ++p) c = kTables[0][(c ^ *p) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace kmq::detail
