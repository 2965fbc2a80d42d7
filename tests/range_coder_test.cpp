// SPDX-License-Identifier: MIT
// Method 4's range coder (format-spec §5.6.1): the state's adaptation rule, encoder and
// decoder agreeing on every decision, the stream ending exactly where the decoder stops, the
// gamma and tree binarisations, and every start and end rule a decoder enforces.
#include "format/range_coder.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <kmq/kmq.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using kmq::detail::AdaptiveBit;
using kmq::detail::code_gamma;
using kmq::detail::code_tree;
using kmq::detail::GammaStates;
using kmq::detail::RangeDecoder;
using kmq::detail::RangeEncoder;
using Bytes = std::vector<std::uint8_t>;

// Runs `body(coder)` once encoding and once decoding the result; the decoder must finish.
template <class Body>
void round_trip(Body body) {
  RangeEncoder encoder;
  body(encoder);
  const Bytes stream = encoder.finish();
  RangeDecoder decoder(stream);
  body(decoder);
  decoder.finish();
}

void expect_corrupt(const std::function<void()>& work, const std::string& fragment) {
  try {
    work();
    ADD_FAILURE() << "no error; expected one mentioning \"" << fragment << "\"";
  } catch (const kmq::Error& error) {
    EXPECT_EQ(error.category(), kmq::ErrorCategory::corrupt_file);
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(AdaptiveBit, FollowsTheSpecifiedRule) {
  // §5.6.1: r = min(floor(log2(n + 2)), 5); p += (32768 - p) >> r after a 0, p -= p >> r after
  // a 1; n stops at 30.
  AdaptiveBit state;
  EXPECT_EQ(state.p, 16384);
  EXPECT_EQ(state.n, 0);
  state.update(0);  // r = 1
  EXPECT_EQ(state.p, 16384 + 8192);
  state.update(1);  // r = 1
  EXPECT_EQ(state.p, 24576 - 12288);
  state.update(0);  // n = 2: r = 2
  EXPECT_EQ(state.p, 12288 + (32768 - 12288) / 4);
  std::mt19937 random(5);
  for (int i = 0; i < 1000; ++i) {
    const int n = state.n;
    int r = 0;
    while ((2 << r) <= n + 2) ++r;
    r = std::min(r, 5);
    const int bit = static_cast<int>(random() % 2);
    const int expected = bit == 0 ? state.p + ((32768 - state.p) >> r) : state.p - (state.p >> r);
    state.update(bit);
    ASSERT_EQ(state.p, expected);
    ASSERT_EQ(state.n, std::min(n + 1, 30));
    ASSERT_GE(state.p, 1);
    ASSERT_LE(state.p, 32767);
  }
}

TEST(AdaptiveBit, StaysInsideItsRangeAfterLongRunsOfOneBit) {
  AdaptiveBit zeros, ones;
  for (int i = 0; i < 100000; ++i) {
    zeros.update(0);
    ones.update(1);
  }
  EXPECT_GE(zeros.p, 32768 - 31);  // stops where (32768 - p) >> 5 is 0
  EXPECT_LE(zeros.p, 32767);
  EXPECT_GE(ones.p, 1);
  EXPECT_LE(ones.p, 31);
}

TEST(RangeCoder, DecodesEveryDecisionTheEncoderWrote) {
  for (const double skew : {0.5, 0.9, 0.999, 0.05}) {
    std::mt19937 random(7);
    std::bernoulli_distribution one(skew);
    std::vector<int> bits(20000), even(20000);
    for (int& bit : bits) bit = one(random) ? 1 : 0;
    for (int& bit : even) bit = static_cast<int>(random() % 2);
    std::vector<int> decoded;
    round_trip([&](auto& coder) {
      std::vector<AdaptiveBit> states(4);
      decoded.clear();
      for (std::size_t i = 0; i < bits.size(); ++i) {
        decoded.push_back(coder.decide(states[i % 4], bits[i]));
        decoded.push_back(coder.decide_even(even[i]));
      }
    });
    for (std::size_t i = 0; i < bits.size(); ++i) {
      ASSERT_EQ(decoded[2 * i], bits[i]) << "skew " << skew << " at " << i;
      ASSERT_EQ(decoded[2 * i + 1], even[i]) << "skew " << skew << " at " << i;
    }
  }
}

TEST(RangeCoder, AnEmptyStreamIsFiveBytesStartingWithZero) {
  RangeEncoder encoder;
  const Bytes stream = encoder.finish();
  EXPECT_EQ(stream, Bytes(5, 0));
  RangeDecoder decoder(stream);
  decoder.finish();
}

TEST(RangeCoder, SkewedDecisionsCostFarLessThanABitEach) {
  RangeEncoder encoder;
  AdaptiveBit state;
  for (int i = 0; i < 100000; ++i) encoder.decide(state, 0);
  // At the rate floor of 31 / 32768 a zero costs about 0.0014 bits.
  EXPECT_LT(encoder.finish().size(), 40u);
}

TEST(RangeCoder, CarriesPropagateThroughRunsOfFFBytes) {
  // Decisions near probability 1 of the less likely symbol push low towards a carry; random
  // streams of every skew decode, which covers the pending 0xFF bytes.
  for (std::uint32_t seed = 0; seed < 50; ++seed) {
    std::mt19937 random(seed);
    std::vector<int> bits(3000);
    for (int& bit : bits) bit = random() % 16 == 0 ? 1 : 0;
    std::vector<int> decoded;
    round_trip([&](auto& coder) {
      AdaptiveBit state;
      decoded.clear();
      for (const int bit : bits) decoded.push_back(coder.decide(state, bit));
    });
    ASSERT_EQ(decoded, bits) << "seed " << seed;
  }
}

TEST(RangeCoder, RejectsABadStart) {
  expect_corrupt([] { RangeDecoder decoder(Bytes(4, 0)); }, "shorter than 5 bytes");
  expect_corrupt([] { RangeDecoder decoder(Bytes{1, 0, 0, 0, 0}); }, "zero byte");
  expect_corrupt([] { RangeDecoder decoder(Bytes{0, 0xFF, 0xFF, 0xFF, 0xFF}); }, "start value");
  RangeDecoder highest_valid(Bytes{0, 0xFF, 0xFF, 0xFF, 0xFE});
  (void)highest_valid;
}

TEST(RangeCoder, RejectsAStreamCutShortOrWithBytesLeftOver) {
  RangeEncoder encoder;
  std::vector<AdaptiveBit> states(1);
  for (int i = 0; i < 500; ++i) encoder.decide(states[0], i % 3 == 0);
  const Bytes stream = encoder.finish();
  auto decode_all = [](const Bytes& bytes) {
    RangeDecoder decoder(bytes);
    AdaptiveBit state;
    for (int i = 0; i < 500; ++i) decoder.decide(state);
    decoder.finish();
  };
  decode_all(stream);
  Bytes longer = stream;
  longer.push_back(0);
  expect_corrupt([&] { decode_all(longer); }, "bytes after its last value");
  const Bytes shorter(stream.begin(), stream.end() - 1);
  expect_corrupt([&] { decode_all(shorter); }, "ends too early");
}

TEST(Gamma, RoundTripsSmallAndLargeValues) {
  std::vector<std::uint32_t> values = {
      0,           1,           2,          3,    4,     7,     8,
      15,          16,          100,        1000, 65535, 65536, (1u << 24) + 5,
      0x7FFFFFFFu, 0xFFFFFFFDu, 0xFFFFFFFEu};
  std::mt19937 random(3);
  for (int i = 0; i < 2000; ++i) values.push_back(random() >> (random() % 32));
  values.back() = std::min(values.back(), 0xFFFFFFFEu);
  std::vector<std::uint32_t> decoded;
  round_trip([&](auto& coder) {
    GammaStates states;
    decoded.clear();
    for (const std::uint32_t value : values) decoded.push_back(code_gamma(coder, states, value));
  });
  EXPECT_EQ(decoded, values);
}

TEST(Gamma, SmallValuesTakeFewDecisions) {
  // v = 0 is one decision; v = 1 and 2 are three (two prefix, one mantissa).
  RangeEncoder encoder;
  GammaStates states;
  code_gamma(encoder, states, 0);
  EXPECT_EQ(states.prefix[0].n, 1);
  EXPECT_EQ(states.prefix[1].n, 0);
  code_gamma(encoder, states, 2);
  EXPECT_EQ(states.prefix[0].n, 2);
  EXPECT_EQ(states.prefix[1].n, 1);
  EXPECT_EQ(states.mantissa[1][0].n, 1);
}

TEST(Gamma, RejectsAPrefixLongerThan31) {
  // 32 ones in a row from the prefix states: encode them by hand.
  RangeEncoder encoder;
  GammaStates states;
  for (int k = 0; k < 32; ++k) encoder.decide(states.prefix[static_cast<std::size_t>(k)], 1);
  const Bytes stream = encoder.finish();
  expect_corrupt(
      [&] {
        RangeDecoder decoder(stream);
        GammaStates fresh;
        code_gamma(decoder, fresh);
      },
      "longer than 31 bits");
}

TEST(Tree, RoundTripsEveryValueOfEveryWidth) {
  for (int bits = 0; bits <= 8; ++bits) {
    std::vector<std::uint32_t> values;
    for (std::uint32_t v = 0; v < (1u << bits); ++v) values.push_back(v);
    std::vector<std::uint32_t> decoded;
    round_trip([&](auto& coder) {
      std::vector<AdaptiveBit> tree(std::size_t{1} << bits);
      decoded.clear();
      for (const std::uint32_t value : values)
        decoded.push_back(code_tree(coder, tree.data(), bits, value));
    });
    EXPECT_EQ(decoded, values) << bits << " bits";
  }
}

}  // namespace
