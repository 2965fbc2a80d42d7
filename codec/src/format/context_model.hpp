// SPDX-License-Identifier: MIT
// The neighbourhood model of label coding method 1 (format-spec/kmq.md §5.2), shared by the
// encoder and the decoder so that both derive identical contexts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kmq::detail {

inline constexpr int kNeighbourContexts = 16;  // symbol streams
inline constexpr int kLiteralContexts = 4;     // literal streams, by candidate count 1..4

/// Candidates for one pixel: the distinct labels among W, N, NE, NW in that order, and the
/// context that selects its symbol stream.
struct ContextCandidates {
  std::uint32_t candidate[4];
  int count;                 // 1..4
  int context;               // 0..15
  std::uint32_t prediction;  // MED of W, N, NW: the expected value of an escaped label
};

/// The four causal neighbours of a pixel. Borders follow §5.2: missing neighbours copy present
/// ones.
struct NeighbourLabels {
  std::uint32_t w, n, ne, nw;
};

/// `label(i)` returns the label at offset i = row * stride + column, for every position before
/// (x, y) in a region `width` columns wide: row y up to x - 1 and all rows above. The region is
/// a whole image (stride = width) or one tile of method 3 (§5.5), whose columns outside it are
/// not neighbours.
template <class LabelAt>
inline NeighbourLabels neighbours_in(const LabelAt& label, std::size_t stride, std::size_t width,
                                     std::size_t x, std::size_t y) {
  NeighbourLabels result;
  if (y == 0) {
    result.w = x > 0 ? label(x - 1) : 0;
    result.n = result.nw = result.ne = result.w;
    return result;
  }
  const std::size_t above = (y - 1) * stride;
  result.n = label(above + x);
  result.ne = x + 1 < width ? label(above + x + 1) : result.n;
  if (x > 0) {
    result.w = label(y * stride + x - 1);
    result.nw = label(above + x - 1);
  } else {
    result.w = result.nw = result.n;
  }
  return result;
}

/// neighbours_in() for a whole image `width` columns wide.
template <class LabelAt>
inline NeighbourLabels neighbours(const LabelAt& label, std::size_t width, std::size_t x,
                                  std::size_t y) {
  return neighbours_in(label, width, width, x, y);
}

/// Method 1's view of a pixel's neighbours (§5.2).
template <class LabelAt>
inline ContextCandidates context_candidates(const LabelAt& label, std::size_t width, std::size_t x,
                                            std::size_t y) {
  const auto [w, n, ne, nw] = neighbours(label, width, x, y);
  ContextCandidates result;
  result.context = static_cast<int>(w == n) | static_cast<int>(n == ne) << 1 |
                   static_cast<int>(w == nw) << 2 | static_cast<int>(n == nw) << 3;
  // Median edge detector (LOCO-I) on indices: the palette is sorted by luminance, so nearby
  // indices are similar colours and an unseen label is usually near this value.
  const std::uint32_t low = w < n ? w : n, high = w < n ? n : w;
  result.prediction = nw >= high ? low : nw <= low ? high : w + n - nw;
  result.candidate[0] = w;
  result.count = 1;
  for (const std::uint32_t value : {n, ne, nw}) {
    bool seen = false;
    for (int i = 0; i < result.count; ++i) seen = seen || result.candidate[i] == value;
    if (!seen) result.candidate[result.count++] = value;
  }
  return result;
}

/// Escaped label -> literal: the difference from the prediction modulo K, zig-zagged so that
/// small differences of either sign become small numbers (a bijection on 0..K-1).
inline std::uint32_t predicted_literal(std::uint32_t label, std::uint32_t prediction,
                                       std::uint32_t k) {
  const std::uint32_t d = (label + k - prediction % k) % k;
  return d < (k + 1) / 2 ? 2 * d : 2 * (k - d) - 1;
}

/// Inverse of predicted_literal(); `literal` must be below K.
inline std::uint32_t label_from_predicted_literal(std::uint32_t literal, std::uint32_t prediction,
                                                  std::uint32_t k) {
  const std::uint32_t d = (literal % 2 == 0) ? literal / 2 : k - (literal + 1) / 2;
  return (prediction % k + d) % k;
}

}  // namespace kmq::detail
