// SPDX-License-Identifier: MIT
// Variance median cut over weighted points.
#include "quantize/cluster/median_cut.hpp"

#include <algorithm>
#include <numeric>
#include <queue>

#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

namespace {

struct Box {
  std::size_t begin;
  std::size_t end;
  double error;      // weighted sum of squared distances to the box mean
  std::size_t axis;  // axis of largest weighted variance
  double mean[kDims];
};

Box measure(const WeightedPoints& points, const std::vector<std::uint32_t>& order,
            std::size_t begin, std::size_t end) {
  Box box{begin, end, 0, 0, {0, 0, 0, 0}};
  double weight = 0, sum[kDims] = {0, 0, 0, 0}, squares[kDims] = {0, 0, 0, 0};
  for (std::size_t i = begin; i < end; ++i) {
    const float* p = &points.coords[order[i] * kDims];
    const double w = points.weights[order[i]];
    weight += w;
    for (std::size_t d = 0; d < kDims; ++d) {
      sum[d] += w * p[d];
      squares[d] += w * p[d] * p[d];
    }
  }
  double widest = -1;
  for (std::size_t d = 0; d < kDims; ++d) {
    box.mean[d] = sum[d] / weight;
    const double spread = std::max(0.0, squares[d] - sum[d] * sum[d] / weight);
    box.error += spread;
    if (spread > widest) {
      widest = spread;
      box.axis = d;
    }
  }
  if (end - begin < 2) box.error = 0;
  return box;
}

struct LessError {
  bool operator()(const Box& a, const Box& b) const {
    if (a.error != b.error) return a.error < b.error;
    return a.begin > b.begin;  // deterministic tie-break
  }
};

}  // namespace

std::vector<float> median_cut_centres(const WeightedPoints& points, int clusters) {
  std::vector<std::uint32_t> order(points.size());
  std::iota(order.begin(), order.end(), 0u);
  std::priority_queue<Box, std::vector<Box>, LessError> boxes;
  boxes.push(measure(points, order, 0, order.size()));
  std::vector<Box> done;
  while (boxes.size() + done.size() < static_cast<std::size_t>(clusters) && !boxes.empty()) {
    const Box box = boxes.top();
    boxes.pop();
    if (box.error <= 0) {
      done.push_back(box);
      continue;
    }
    const std::size_t axis = box.axis;
    auto first = order.begin() + static_cast<std::ptrdiff_t>(box.begin);
    auto last = order.begin() + static_cast<std::ptrdiff_t>(box.end);
    std::sort(first, last, [&](std::uint32_t a, std::uint32_t b) {
      const float pa = points.coords[a * kDims + axis], pb = points.coords[b * kDims + axis];
      return pa != pb ? pa < pb : a < b;
    });
    // Weighted median, kept strictly inside the box so both halves are non-empty.
    double total = 0;
    for (auto it = first; it != last; ++it) total += points.weights[*it];
    double running = 0;
    std::size_t split = box.begin + 1;
    for (std::size_t i = box.begin; i + 1 < box.end; ++i) {
      running += points.weights[order[i]];
      split = i + 1;
      if (running >= total / 2) break;
    }
    boxes.push(measure(points, order, box.begin, split));
    boxes.push(measure(points, order, split, box.end));
  }
  while (!boxes.empty()) {
    done.push_back(boxes.top());
    boxes.pop();
  }
  std::sort(done.begin(), done.end(), [](const Box& a, const Box& b) { return a.begin < b.begin; });
  std::vector<float> centres;
  centres.reserve(done.size() * kDims);
  for (const Box& box : done) {
    for (std::size_t d = 0; d < kDims; ++d) centres.push_back(static_cast<float>(box.mean[d]));
  }
  return centres;
}

}  // namespace kmq::detail
