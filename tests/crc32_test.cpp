// SPDX-License-Identifier: MIT
#include "common/crc32.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(kmq::detail::crc32_update(0, bytes_of("123456789")), 0xCBF43926u);
}

TEST(Crc32, EmptyInputGivesZero) { EXPECT_EQ(kmq::detail::crc32_update(0, {}), 0u); }

TEST(Crc32, CanBeComputedInPieces) {
  const auto whole = kmq::detail::crc32_update(0, bytes_of("HEADpayload"));
  const auto first = kmq::detail::crc32_update(0, bytes_of("HEAD"));
  EXPECT_EQ(kmq::detail::crc32_update(first, bytes_of("payload")), whole);
}

// The eight-bytes-a-step loop against the definition, bit by bit, for every length and start
// (so every mix of whole steps and leftover bytes).
TEST(Crc32, AgreesWithTheBitwiseDefinitionAtEveryLengthAndAlignment) {
  std::vector<std::uint8_t> data(200);
  std::uint32_t state = 12345;
  for (auto& byte : data)
    byte = static_cast<std::uint8_t>((state = state * 1103515245u + 12345u) >> 24);
  auto bitwise = [](std::span<const std::uint8_t> bytes) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (const std::uint8_t byte : bytes) {
      c ^= byte;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
  };
  for (std::size_t start = 0; start < 9; ++start) {
    for (std::size_t length = 0; start + length <= data.size(); ++length) {
      const std::span<const std::uint8_t> piece(data.data() + start, length);
      ASSERT_EQ(kmq::detail::crc32_update(0, piece), bitwise(piece)) << start << " " << length;
    }
  }
}

}  // namespace
