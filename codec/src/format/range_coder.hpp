// SPDX-License-Identifier: MIT
// Method 4's adaptive binary range coder (format-spec §5.6.1): the model state, the decoder with
// every check the spec asks for, and the encoder that meets them. Values are built from
// decisions by gamma and tree binarisations written once for both directions: a coder's
// `decide(state, bit)` writes `bit` when encoding and returns the bit read when decoding, so the
// same function walks the same states either way.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/stream_table.hpp"

namespace kmq::detail {

/// One adaptive probability (§5.6.1): p = P(0) in units of 2^-15, n = updates so far (at most
/// kStateUpdateCap). The rate starts fast and slows as the state learns.
struct AdaptiveBit {
  std::uint16_t p = 16384;
  std::uint16_t n = 0;  // not a char type: stores to it cannot alias the coder's state

  void update(int bit) {
    const int rate = kRate[n];
    const auto toward_zero = static_cast<std::uint16_t>(p + ((32768u - p) >> rate));
    const auto toward_one = static_cast<std::uint16_t>(p - (p >> rate));
    p = bit != 0 ? toward_one : toward_zero;
    n = static_cast<std::uint16_t>(n + (n < kStateUpdateCap));
  }

  static constexpr int kStateUpdateCap = 30;
  // min(floor(log2(n + 2)), 5) for n = 0..30.
  static constexpr std::array<std::uint8_t, kStateUpdateCap + 1> kRate = [] {
    std::array<std::uint8_t, kStateUpdateCap + 1> rates{};
    for (int updates = 0; updates <= kStateUpdateCap; ++updates) {
      int log = 0;
      while ((2 << log) <= updates + 2) ++log;
      rates[static_cast<std::size_t>(updates)] = static_cast<std::uint8_t>(std::min(log, 5));
    }
    return rates;
  }();
};
static_assert(AdaptiveBit::kRate[0] == 1 && AdaptiveBit::kRate[1] == 1 &&
              AdaptiveBit::kRate[2] == 2 && AdaptiveBit::kRate[6] == 3 &&
              AdaptiveBit::kRate[14] == 4 && AdaptiveBit::kRate[29] == 4 &&
              AdaptiveBit::kRate[30] == 5);

inline constexpr std::uint32_t kRangeTop = std::uint32_t{1} << 24;
inline constexpr int kProbabilityBits = 15;
/// The even decision's fixed probability of a 0: one half.
inline constexpr std::uint32_t kEvenProbability = std::uint32_t{1} << (kProbabilityBits - 1);

/// Decodes one stream; a broken rule throws Error(corrupt_file), "label chunk: ...".
class RangeDecoder {
 public:
  static constexpr bool kEncoding = false;

  explicit RangeDecoder(std::span<const std::uint8_t> stream)
      : next_(stream.data()), end_(stream.data() + stream.size()) {
    if (stream.size() < kMinRangeStreamBytes)
      corrupt_label_chunk("range coder stream shorter than 5 bytes");
    if (stream[0] != 0) corrupt_label_chunk("range coder stream does not start with a zero byte");
    for (int i = 1; i <= 4; ++i) code_ = code_ << 8 | stream[static_cast<std::size_t>(i)];
    if (code_ == 0xFFFFFFFFu) corrupt_label_chunk("range coder start value is out of range");
    next_ += kMinRangeStreamBytes;
  }

  /// §5.6.1's decision; `bit` is ignored (the encoder's argument).
  int decide(AdaptiveBit& state, int /*bit*/ = 0) {
    const int bit = split(state.p);
    state.update(bit);
    return bit;
  }

  /// The even decision: probability one half, no adaptation.
  int decide_even(int /*bit*/ = 0) { return split(kEvenProbability); }

  /// The end of the stream's values: every byte read, none left over.
  void finish() const {
    if (next_ != end_) corrupt_label_chunk("range coder stream holds bytes after its last value");
  }

  [[noreturn]] static void fail(const std::string& message) { corrupt_label_chunk(message); }

 private:
  // The decision with probability p / 2^15 of a 0.
  int split(std::uint32_t p) {
    const std::uint32_t bound = (range_ >> kProbabilityBits) * p;
    int bit = 0;
    if (code_ < bound) {
      range_ = bound;
    } else {
      code_ -= bound;
      range_ -= bound;
      bit = 1;
    }
    normalise();
    return bit;
  }

  void normalise() {
    while (range_ < kRangeTop) {
      if (next_ == end_) corrupt_label_chunk("range coder stream ends too early");
      range_ <<= 8;
      code_ = code_ << 8 | *next_++;
    }
  }

  const std::uint8_t* next_;
  const std::uint8_t* end_;
  std::uint32_t range_ = 0xFFFFFFFFu;
  std::uint32_t code_ = 0;
};

/// Writes one stream that RangeDecoder reads back exactly (LZMA's carry-propagating encoder:
/// one byte per decoder shift, five at the end).
class RangeEncoder {
 public:
  static constexpr bool kEncoding = true;

  int decide(AdaptiveBit& state, int bit) {
    split(state.p, bit);
    state.update(bit);
    return bit;
  }

  int decide_even(int bit) {
    split(kEvenProbability, bit);
    return bit;
  }

  /// The finished stream; the encoder is spent.
  std::vector<std::uint8_t> finish() {
    for (std::size_t i = 0; i < kMinRangeStreamBytes; ++i) shift_low();
    return std::move(out_);
  }

  /// Bytes so far, and a lower bound of the final size.
  std::size_t size() const noexcept { return out_.size() + pending_ + 4; }

 private:
  // Codes `bit` with probability p / 2^15 of a 0.
  void split(std::uint32_t p, int bit) {
    const std::uint32_t bound = (range_ >> kProbabilityBits) * p;
    if (bit == 0) {
      range_ = bound;
    } else {
      low_ += bound;
      range_ -= bound;
    }
    normalise();
  }

  void normalise() {
    while (range_ < kRangeTop) {
      range_ <<= 8;
      shift_low();
    }
  }
  // The top byte of low leaves unless a carry may still reach it: 0xFF bytes wait, counted in
  // pending_, until the carry is known.
  void shift_low() {
    if (static_cast<std::uint32_t>(low_) < 0xFF000000u || (low_ >> 32) != 0) {
      const auto carry = static_cast<std::uint8_t>(low_ >> 32);
      out_.push_back(static_cast<std::uint8_t>(cache_ + carry));
      for (; pending_ > 0; --pending_) out_.push_back(static_cast<std::uint8_t>(0xFF + carry));
      cache_ = static_cast<std::uint8_t>(low_ >> 24);
    } else {
      ++pending_;
    }
    low_ = (low_ & 0x00FFFFFFu) << 8;
  }

  std::uint64_t low_ = 0;
  std::uint32_t range_ = 0xFFFFFFFFu;
  std::uint8_t cache_ = 0;
  std::size_t pending_ = 0;
  std::vector<std::uint8_t> out_;
};

/// A gamma set (§5.6.1): the prefix states and the first four mantissa states of each length.
struct GammaStates {
  static constexpr int kMaxPrefix = 31;
  static constexpr int kModelledMantissaBits = 4;
  std::array<AdaptiveBit, kMaxPrefix + 1> prefix;
  std::array<std::array<AdaptiveBit, kModelledMantissaBits>, kMaxPrefix + 1> mantissa;
};

/// Codes v >= 0 (v < 2^32 - 1) as §5.6.1's gamma value: the encoder passes v, the decoder gets
/// it back.
template <class Coder>
std::uint32_t code_gamma(Coder& coder, GammaStates& states, std::uint32_t value = 0) {
  if constexpr (Coder::kEncoding) {
    const std::uint64_t x = std::uint64_t{value} + 1;
    int length = 0;
    while ((x >> (length + 1)) != 0) ++length;
    for (int k = 0; k < length; ++k) coder.decide(states.prefix[static_cast<std::size_t>(k)], 1);
    coder.decide(states.prefix[static_cast<std::size_t>(length)], 0);
    for (int j = 0; j < length; ++j) {
      const int bit = static_cast<int>(x >> (length - 1 - j) & 1);
      if (j < GammaStates::kModelledMantissaBits) {
        coder.decide(states.mantissa[static_cast<std::size_t>(length)][static_cast<std::size_t>(j)],
                     bit);
      } else {
        coder.decide_even(bit);
      }
    }
    return value;
  } else {
    int length = 0;
    while (coder.decide(states.prefix[static_cast<std::size_t>(length)]) != 0) {
      if (++length > GammaStates::kMaxPrefix) coder.fail("gamma value longer than 31 bits");
    }
    std::uint32_t x = 1;
    for (int j = 0; j < length; ++j) {
      const int bit =
          j < GammaStates::kModelledMantissaBits
              ? coder.decide(
                    states.mantissa[static_cast<std::size_t>(length)][static_cast<std::size_t>(j)])
              : coder.decide_even();
      x = x << 1 | static_cast<std::uint32_t>(bit);
    }
    return x - 1;
  }
}

/// Codes a `bits`-bit value through a tree set of 2^bits states (index 0 unused).
template <class Coder>
std::uint32_t code_tree(Coder& coder, AdaptiveBit* tree, int bits, std::uint32_t value = 0) {
  std::uint32_t node = 1;
  for (int i = bits - 1; i >= 0; --i) {
    const int bit = coder.decide(tree[node], static_cast<int>(value >> i & 1));
    node = node << 1 | static_cast<std::uint32_t>(bit);
  }
  return node - (std::uint32_t{1} << bits);
}

}  // namespace kmq::detail
