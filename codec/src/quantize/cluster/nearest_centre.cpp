// SPDX-License-Identifier: MIT
// Nearest-centre search: brute force for small K, a kd-tree for large K; the half-gap table
// makes most lookups with a good guess a single distance.
#include "quantize/cluster/nearest_centre.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <utility>

#include "common/parallel.hpp"

namespace kmq::detail {

namespace {
// Below this many centres a straight scan beats the tree.
constexpr std::size_t kMinCentresForTree = 48;
// Above this many centres the half-gap table is built through the tree, not pairwise.
constexpr std::size_t kMaxCentresForPairwiseGaps = 1024;
constexpr std::uint32_t kLeafSize = 8;
// Neighbour lists cost K^2 distances to build; above this many centres the tree does the work.
constexpr std::size_t kMaxCentresForNeighbourLists = 1024;
// A search that runs off the end of its guess's list falls back to the tree.
constexpr std::size_t kNeighbourListLength = 48;
// The triangle-inequality cut-off is applied with this relative slack, so that float rounding
// can never skip a centre the exact search would have found.
constexpr float kCutoffSlack = 1.0001f;

void consider(std::uint32_t index, float d2, NearestTwo& best) {
  if (d2 < best.best_distance2 || (d2 == best.best_distance2 && index < best.best)) {
    best.second_distance2 = best.best_distance2;
    best.best_distance2 = d2;
    best.best = index;
  } else if (d2 < best.second_distance2) {
    best.second_distance2 = d2;
  }
}

NearestTwo empty_result() {
  NearestTwo result;
  result.best = 0;
  result.best_distance2 = std::numeric_limits<float>::infinity();
  result.second_distance2 = std::numeric_limits<float>::infinity();
  return result;
}
}  // namespace

NearestCentre::NearestCentre(std::span<const float> centres, bool with_gaps, const Workers& threads)
    : NearestCentre(centres, with_gaps, threads, nullptr) {}

NearestCentre::NearestCentre(std::span<const float> centres, bool with_gaps, const Workers& threads,
                             const NearestCentre* before)
    : count_(centres.size() / kDims), interleaved_(centres.begin(), centres.end()) {
  if (count_ < kMinCentresForTree) {
    const std::size_t padded = (count_ + 3) / 4 * 4;
    by_axis_.assign(kDims * padded, 0.f);
    for (std::size_t j = 0; j < count_; ++j) {
      for (std::size_t d = 0; d < kDims; ++d) by_axis_[d * padded + j] = centre(j)[d];
    }
  }
  if (count_ >= kMinCentresForTree) {
    tree_order_.resize(count_);
    std::iota(tree_order_.begin(), tree_order_.end(), 0u);
    nodes_.reserve(2 * count_ / kLeafSize + 2);
    build(0, static_cast<std::uint32_t>(count_));
  }
  if (count_ >= kMinCentresForTree && count_ <= kMaxCentresForNeighbourLists) {
    build_neighbour_lists(threads, before);
  }
  if (count_ < 2 || !with_gaps) return;
  half_gap_.assign(count_, std::numeric_limits<float>::infinity());
  if (list_length_ > 0) {
    for (std::size_t j = 0; j < count_; ++j) {
      const float d = neighbour_distance_[j * list_length_];
      half_gap_[j] = d * d;
    }
  } else if (count_ <= kMaxCentresForPairwiseGaps) {
    for (std::size_t i = 0; i < count_; ++i) {
      for (std::size_t j = i + 1; j < count_; ++j) {
        const float d2 = squared_distance(centre(i), centre(j));
        half_gap_[i] = std::min(half_gap_[i], d2);
        half_gap_[j] = std::min(half_gap_[j], d2);
      }
    }
  } else {
    for (std::size_t j = 0; j < count_; ++j) {
      const NearestTwo near = tree_search(centre(j));
      // Its own position is at distance 0; a duplicate centre makes the gap 0 as well.
      half_gap_[j] = near.best == j ? near.second_distance2 : near.best_distance2;
    }
  }
  for (float& gap : half_gap_) gap = 0.5f * std::sqrt(gap);
}

NearestCentre NearestCentre::moved_to(std::span<const float> centres,
                                      const Workers& threads) const {
  if (centres.size() != interleaved_.size())
    return NearestCentre(centres, !half_gap_.empty(), threads);
  return NearestCentre(centres, !half_gap_.empty(), threads, this);
}

void NearestCentre::build_neighbour_lists(const Workers& threads, const NearestCentre* before) {
  list_length_ = std::min(kNeighbourListLength, count_ - 1);
  neighbour_index_.resize(count_ * list_length_);
  neighbour_distance_.resize(count_ * list_length_);
  // How far each centre moved since `before`.
  std::vector<float> shift;
  if (before != nullptr && before->list_length_ == list_length_) {
    shift.resize(count_);
    for (std::size_t c = 0; c < count_; ++c) {
      shift[c] = std::sqrt(squared_distance(centre(c), before->centre(c)));
    }
  }
  const LargestMoves moved = largest_moves(shift);
  // Only centres within some radius of centre j need sorting: if at least list_length_ centres
  // are within it, so is every centre of the list. Its old list's centres are within the old
  // list end plus the two moves, so that radius almost always has enough; when rounding or
  // a relocated centre leaves too few, all centres are taken.
  auto reach2 = [&](std::size_t j) {
    if (shift.empty()) return std::numeric_limits<float>::infinity();
    const float listed_before = before->neighbour_distance_[j * list_length_ + list_length_ - 1];
    const float reach = listed_before + shift[j] + moved.other_than(j);
    return reach * reach;
  };
  const std::size_t rows_per_chunk = 64;
  parallel_chunks(
      count_, rows_per_chunk, threads,
      [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
        // (squared distance, centre) packed in one integer that orders as the pair does:
        // distances are non-negative floats, whose bit patterns order as their values.
        std::vector<std::uint64_t> row(count_);
        std::vector<float> distance2(count_);
        for (std::size_t j = begin; j < end; ++j) {
          for (std::size_t c = 0; c < count_; ++c) {
            distance2[c] = squared_distance(centre(j), centre(c));
          }
          auto gather = [&](float within2) {
            // Written unconditionally and kept by advancing n: no branch to mispredict.
            std::size_t n = 0;
            for (std::size_t c = 0; c < count_; ++c) {
              row[n] =
                  static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(distance2[c])) << 32 | c;
              n += static_cast<std::size_t>(c != j && distance2[c] <= within2);
            }
            return n;
          };
          std::size_t n = gather(reach2(j));
          if (n < list_length_) n = gather(std::numeric_limits<float>::infinity());
          const auto list_end = row.begin() + static_cast<std::ptrdiff_t>(list_length_);
          const auto candidates_end = row.begin() + static_cast<std::ptrdiff_t>(n);
          std::nth_element(row.begin(), list_end, candidates_end);
          std::sort(row.begin(), list_end);
          for (std::size_t i = 0; i < list_length_; ++i) {
            neighbour_index_[j * list_length_ + i] = static_cast<std::uint32_t>(row[i]);
            neighbour_distance_[j * list_length_ + i] =
                std::sqrt(std::bit_cast<float>(static_cast<std::uint32_t>(row[i] >> 32)));
          }
        }
      });
}

std::uint32_t NearestCentre::build(std::uint32_t begin, std::uint32_t end) {
  const auto node = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back({0.f, kLeaf, begin, end});
  if (end - begin <= kLeafSize) return node;
  float low[kDims], high[kDims];
  std::fill(low, low + kDims, std::numeric_limits<float>::infinity());
  std::fill(high, high + kDims, -std::numeric_limits<float>::infinity());
  for (std::uint32_t i = begin; i < end; ++i) {
    const float* c = centre(tree_order_[i]);
    for (std::size_t d = 0; d < kDims; ++d) {
      low[d] = std::min(low[d], c[d]);
      high[d] = std::max(high[d], c[d]);
    }
  }
  std::size_t axis = 0;
  for (std::size_t d = 1; d < kDims; ++d) {
    if (high[d] - low[d] > high[axis] - low[axis]) axis = d;
  }
  const std::uint32_t middle = begin + (end - begin) / 2;
  std::nth_element(tree_order_.begin() + begin, tree_order_.begin() + middle,
                   tree_order_.begin() + end, [&](std::uint32_t a, std::uint32_t b) {
                     const float ca = centre(a)[axis], cb = centre(b)[axis];
                     return ca != cb ? ca < cb : a < b;
                   });
  const float split = centre(tree_order_[middle])[axis];
  const std::uint32_t left = build(begin, middle);
  const std::uint32_t right = build(middle, end);
  nodes_[node] = {split, static_cast<std::uint32_t>(axis), left, right};
  return node;
}

void NearestCentre::scan(const float* point, std::uint32_t begin, std::uint32_t end,
                         NearestTwo& best) const {
  for (std::uint32_t i = begin; i < end; ++i) {
    const std::uint32_t index = tree_order_[i];
    consider(index, squared_distance(point, centre(index)), best);
  }
}

NearestTwo NearestCentre::tree_search(const float* point) const {
  NearestTwo best = empty_result();
  // Explicit stack of (node, squared distance from the point to that node's side of the split).
  struct Pending {
    std::uint32_t node;
    float bound;
  };
  Pending stack[64];
  std::size_t depth = 0;
  stack[depth++] = {0, 0.f};
  while (depth > 0) {
    const Pending pending = stack[--depth];
    if (pending.bound >= best.second_distance2) continue;
    const Node& node = nodes_[pending.node];
    if (node.axis == kLeaf) {
      scan(point, node.first, node.second, best);
      continue;
    }
    const float diff = point[node.axis] - node.split;
    const std::uint32_t near_child = diff < 0 ? node.first : node.second;
    const std::uint32_t far_child = diff < 0 ? node.second : node.first;
    stack[depth++] = {far_child, std::max(pending.bound, diff * diff)};
    stack[depth++] = {near_child, pending.bound};
  }
  return best;
}

NearestTwo NearestCentre::scan_all(const float* point) const noexcept {
  // Four centres per step, each lane's distance computed as squared_distance() computes it (the
  // same operations in the same order). Each lane keeps its own best and second best without a
  // branch: a scalar scan's data-dependent branches mispredicted on most points. Lane l sees
  // centres l, l + 4, ... in increasing order, so a strict comparison keeps the lower index on
  // a tie, as consider() does; the lanes are merged the same way at the end.
  using Lanes = float __attribute__((vector_size(16)));
  using Mask = std::int32_t __attribute__((vector_size(16)));
  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  const std::size_t padded = by_axis_.size() / kDims;
  const Lanes p0 = {point[0], point[0], point[0], point[0]};
  const Lanes p1 = {point[1], point[1], point[1], point[1]};
  const Lanes p2 = {point[2], point[2], point[2], point[2]};
  const Lanes p3 = {point[3], point[3], point[3], point[3]};
  const Lanes infinite = {kInfinity, kInfinity, kInfinity, kInfinity};
  const auto count = static_cast<std::int32_t>(count_);
  const float* axis = by_axis_.data();
  Lanes best = infinite, second = infinite;
  Mask best_index = {0, 0, 0, 0};
  Mask index = {0, 1, 2, 3};
  for (std::size_t j = 0; j < padded; j += 4) {
    Lanes c0, c1, c2, c3;
    std::memcpy(&c0, axis + j, sizeof c0);
    std::memcpy(&c1, axis + padded + j, sizeof c1);
    std::memcpy(&c2, axis + 2 * padded + j, sizeof c2);
    std::memcpy(&c3, axis + 3 * padded + j, sizeof c3);
    const Lanes e0 = p0 - c0, e1 = p1 - c1, e2 = p2 - c2, e3 = p3 - c3;
    Lanes distance2 = e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3;
    distance2 = index < count ? distance2 : infinite;  // padding is no centre
    const Mask nearer = distance2 < best;
    second = nearer ? best : (distance2 < second ? distance2 : second);
    best_index = nearer ? index : best_index;
    best = nearer ? distance2 : best;
    index += 4;
  }
  std::size_t winner = 0;
  for (std::size_t l = 1; l < 4; ++l) {
    if (best[l] < best[winner] || (best[l] == best[winner] && best_index[l] < best_index[winner]))
      winner = l;
  }
  NearestTwo result;
  result.best = static_cast<std::uint32_t>(best_index[winner]);
  result.best_distance2 = best[winner];
  result.second_distance2 = second[winner];
  for (std::size_t l = 0; l < 4; ++l) {
    if (l != winner) result.second_distance2 = std::min(result.second_distance2, best[l]);
  }
  return result;
}

NearestTwo NearestCentre::nearest_two(const float* point) const noexcept {
  if (!nodes_.empty()) return tree_search(point);
  return scan_all(point);
}

NearestTwo NearestCentre::nearest_two_from(const float* point, std::uint32_t guess) const noexcept {
  if (list_length_ == 0 || guess >= count_) return nearest_two(point);
  NearestTwo best = empty_result();
  const float to_guess2 = squared_distance(point, centre(guess));
  consider(guess, to_guess2, best);
  const float to_guess = std::sqrt(to_guess2);
  const std::uint32_t* index = &neighbour_index_[guess * list_length_];
  const float* distance = &neighbour_distance_[guess * list_length_];
  for (std::size_t i = 0; i < list_length_; ++i) {
    // Every centre from here on is at least distance[i] - to_guess from the point.
    const float reach = distance[i] - to_guess;
    if (reach > 0 && reach * reach > best.second_distance2 * kCutoffSlack) return best;
    consider(index[i], squared_distance(point, centre(index[i])), best);
  }
  if (list_length_ + 1 == count_) return best;  // every centre was looked at
  return nearest_two(point);
}

std::uint32_t NearestCentre::nearest(const float* point, std::uint32_t guess) const noexcept {
  if (guess < count_ && !half_gap_.empty()) {
    const float d2 = squared_distance(point, centre(guess));
    const float gap = half_gap_[guess];
    if (d2 < gap * gap) return guess;  // strict: every other centre is farther
  }
  return nearest_two_from(point, guess).best;
}

}  // namespace kmq::detail
