// SPDX-License-Identifier: MIT
// Method 2's symbol packing (format-spec/kmq.md §5.3): symbols 0..4 three to a byte as base-5
// digits, the earliest in the lowest digit. Packing and unpacking are defined here together,
// and checked against each other at compile time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kmq::detail {

inline constexpr std::uint32_t kSymbolBase = 5;      // symbols are 0..4
inline constexpr std::uint32_t kSymbolsPerByte = 3;  // 5^3 = 125 values fit a byte
inline constexpr std::uint32_t kPackedByteLimit = 125;

/// The byte holding symbols s0, s1, s2 (s0 earliest).
constexpr std::uint8_t pack_three(std::uint32_t s0, std::uint32_t s1, std::uint32_t s2) {
  return static_cast<std::uint8_t>(s0 + kSymbolBase * s1 + kSymbolBase * kSymbolBase * s2);
}

/// The three digits of every valid packed byte, earliest first.
inline constexpr std::array<std::array<std::uint8_t, kSymbolsPerByte>, kPackedByteLimit>
    kPackedDigits = [] {
      std::array<std::array<std::uint8_t, kSymbolsPerByte>, kPackedByteLimit> table{};
      for (std::uint32_t value = 0; value < kPackedByteLimit; ++value) {
        std::uint32_t rest = value;
        for (std::uint32_t d = 0; d < kSymbolsPerByte; ++d, rest /= kSymbolBase)
          table[value][d] = static_cast<std::uint8_t>(rest % kSymbolBase);
      }
      return table;
    }();

static_assert(kSymbolBase * kSymbolBase * kSymbolBase == kPackedByteLimit);
static_assert(kPackedByteLimit <= 256, "three symbols fit one byte");
static_assert(
    [] {
      for (std::uint32_t a = 0; a < kSymbolBase; ++a)
        for (std::uint32_t b = 0; b < kSymbolBase; ++b)
          for (std::uint32_t c = 0; c < kSymbolBase; ++c) {
            const auto& digits = kPackedDigits[pack_three(a, b, c)];
            if (digits[0] != a || digits[1] != b || digits[2] != c) return false;
          }
      return true;
    }(),
    "unpacking inverts packing for every byte");

/// Symbols packed three to a byte; the last byte's unused digits are 0.
inline std::vector<std::uint8_t> pack_symbols(std::span<const std::uint8_t> symbols) {
  std::vector<std::uint8_t> packed((symbols.size() + kSymbolsPerByte - 1) / kSymbolsPerByte, 0);
  for (std::size_t i = 0; i < symbols.size(); i += kSymbolsPerByte) {
    const auto at = [&](std::size_t j) { return j < symbols.size() ? symbols[j] : 0u; };
    packed[i / kSymbolsPerByte] = pack_three(at(i), at(i + 1), at(i + 2));
  }
  return packed;
}

}  // namespace kmq::detail
