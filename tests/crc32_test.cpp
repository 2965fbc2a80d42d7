// SPDX-License-Identifier: MIT
#include "common/crc32.hpp"

#include <gtest/gtest.h>

#include <string_view>

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

}  // namespace
