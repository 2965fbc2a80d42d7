// SPDX-License-Identifier: MIT
// Exact nearest-centre search in up to 4 dimensions, with an early exit for a good guess.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/parallel.hpp"

namespace kmq::detail {

/// Points and centres have 4 float coordinates each (unused ones are 0).
inline constexpr std::size_t kDims = 4;

inline float squared_distance(const float* a, const float* b) noexcept {
  const float d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2], d3 = a[3] - b[3];
  return d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
}

/// The largest of a set of centre moves, and the largest among the others: how far a centre other
/// than k can have come closer is other_than(k) (Hamerly's bound update).
struct LargestMoves {
  std::size_t largest = 0;
  float first = 0;
  float second = 0;
  float other_than(std::size_t k) const noexcept { return k == largest ? second : first; }
};

inline LargestMoves largest_moves(std::span<const float> moves) noexcept {
  LargestMoves result;
  for (std::size_t k = 0; k < moves.size(); ++k) {
    if (moves[k] > result.first) {
      result.second = result.first;
      result.first = moves[k];
      result.largest = k;
    } else {
      result.second = std::max(result.second, moves[k]);
    }
  }
  return result;
}

/// The two nearest centres of a point and their squared distances.
struct NearestTwo {
  std::uint32_t best = 0;
  float best_distance2 = 0;
  float second_distance2 = 0;
};

/// Centres, searched by brute force when few and through a kd-tree when many, plus for each
/// centre half the distance to its nearest other centre: a point closer than that to a centre
/// provably has it as its nearest (Hamerly). Up to kMaxCentresForNeighbourLists centres, each
/// centre also keeps its nearest other centres in order of distance, so that a search from a
/// good guess only looks at the guess's neighbourhood.
class NearestCentre {
 public:
  /// `centres` holds 4 floats per centre; at least one centre. Without `with_gaps` the
  /// half-gap table is not built (nearest() then always searches). `threads` build the
  /// neighbour lists.
  explicit NearestCentre(std::span<const float> centres, bool with_gaps = true,
                         const Workers& threads = {});

  /// The search over `centres`, this search's centres after they moved (same count): identical
  /// to constructing it, but neighbour lists that the moves provably left unchanged are only
  /// re-sorted. Lloyd's iterations move centres a little at a time.
  NearestCentre moved_to(std::span<const float> centres, const Workers& threads = {}) const;

  std::size_t size() const noexcept { return count_; }
  const float* centre(std::size_t j) const noexcept { return &interleaved_[j * kDims]; }
  /// Half the distance from centre j to its nearest other centre (0 when not computed).
  float half_gap(std::size_t j) const noexcept { return half_gap_.empty() ? 0.f : half_gap_[j]; }

  /// The centres nearest to centre j, nearest first (ties: lower index), itself excluded; empty
  /// when the search keeps no neighbour lists.
  std::span<const std::uint32_t> neighbours(std::size_t j) const noexcept {
    return {neighbour_index_.data() + j * list_length_, list_length_};
  }

  NearestTwo nearest_two(const float* point) const noexcept;
  /// Same result as nearest_two(), searched outwards from `guess`: by the triangle inequality
  /// a centre c with |guess c| - |point guess| beyond the second-best distance cannot matter.
  NearestTwo nearest_two_from(const float* point, std::uint32_t guess) const noexcept;
  /// Nearest centre, trying `guess` first: exact, and O(1) when the guess is clearly right.
  std::uint32_t nearest(const float* point, std::uint32_t guess) const noexcept;

 private:
  struct Node {
    float split;           // inner node: coordinate that divides the children
    std::uint32_t axis;    // inner node: split axis; leaf: kLeaf
    std::uint32_t first;   // inner: left child; leaf: begin in tree_order_
    std::uint32_t second;  // inner: right child; leaf: end in tree_order_
  };
  static constexpr std::uint32_t kLeaf = 0xFFFFFFFFu;

  NearestCentre(std::span<const float> centres, bool with_gaps, const Workers& threads,
                const NearestCentre* before);
  std::uint32_t build(std::uint32_t begin, std::uint32_t end);
  void scan(const float* point, std::uint32_t begin, std::uint32_t end, NearestTwo& best) const;
  NearestTwo tree_search(const float* point) const;

  // The nearest two of every centre (few centres only: by_axis_'s layout).
  NearestTwo scan_all(const float* point) const noexcept;

  std::size_t count_;
  std::vector<float> interleaved_;
  // Few centres: coordinate d of centre j at [d * padded + j], padded to a multiple of 4, so
  // that the brute-force scan computes four distances at once.
  std::vector<float> by_axis_;
  std::vector<float> half_gap_;
  void build_neighbour_lists(const Workers& threads, const NearestCentre* before);

  std::vector<std::uint32_t> tree_order_;  // centre indices, grouped by leaf
  std::vector<Node> nodes_;
  // Row j: the list_length_ centres nearest to centre j (itself excluded) and their distances,
  // nearest first.
  std::size_t list_length_ = 0;
  std::vector<std::uint32_t> neighbour_index_;
  std::vector<float> neighbour_distance_;
};

}  // namespace kmq::detail
