// SPDX-License-Identifier: MIT
// The grid is refined from the whole cube down: a cell keeps those of its parent's candidates
// whose nearest possible distance to the cell is no more than the smallest farthest distance of
// any candidate. An entry dropped that way is farther from every colour of the cell than that
// candidate, so it can never be nearest there, and the lists stay exact at every level.
#include "quantize/remap/palette_grid.hpp"

#include <algorithm>
#include <array>
#include <numeric>

#include "common/parallel.hpp"

namespace kmq::detail {

namespace {

// Parents per work chunk while refining: the lists of a chunk are built on one thread and
// joined in chunk order, so the grid does not depend on the thread count.
constexpr std::size_t kParentsPerChunk = 512;

struct Refined {
  std::vector<std::uint16_t> candidates;
  std::vector<std::uint32_t> counts;  // per child cell
};

// The corner of a Morton-ordered cell, in cell units, per channel.
std::array<int, 3> cell_coordinates(std::size_t cell, int level) {
  std::array<int, 3> coordinates{0, 0, 0};
  for (int bit = 0; bit < level; ++bit) {
    for (int channel = 0; channel < 3; ++channel) {
      const std::size_t shift = static_cast<std::size_t>(3 * bit + 2 - channel);
      coordinates[channel] |= static_cast<int>((cell >> shift) & 1u) << bit;
    }
  }
  return coordinates;
}

// Squared distance from a value to the nearest and the farthest value of [low, low + span).
struct Reach {
  int nearest = 0;
  int farthest = 0;
};

Reach reach(int value, int low, int span) {
  const int high = low + span - 1;
  const int below = value < low ? low - value : value > high ? value - high : 0;
  const int far = std::max(value - low, high - value);
  return {below * below, far * far};
}

}  // namespace

PaletteGrid::PaletteGrid(std::span<const std::uint8_t> rgb, const Workers& threads,
                         std::span<const std::uint8_t> used_cells) {
  // used[level][cell]: whether any used finest cell lies in it (all, without used_cells).
  std::vector<std::vector<std::uint8_t>> used(kLevels + 1);
  used[kLevels].assign(kCells, 1);
  if (!used_cells.empty()) used[kLevels].assign(used_cells.begin(), used_cells.end());
  for (int level = kLevels - 1; level >= 0; --level) {
    used[level].assign(std::size_t{1} << (3 * level), 0);
    for (std::size_t cell = 0; cell < used[level + 1].size(); ++cell) {
      used[level][cell >> 3] |= used[level + 1][cell];
    }
  }
  const std::size_t entries = rgb.size() / 3;
  std::vector<std::uint32_t> first = {0, static_cast<std::uint32_t>(entries)};
  std::vector<std::uint16_t> candidates(entries);
  std::iota(candidates.begin(), candidates.end(), std::uint16_t{0});

  for (int level = 0; level < kLevels; ++level) {
    const std::size_t parents = first.size() - 1;
    const int parent_span = 256 >> level, child_span = parent_span / 2;
    std::vector<Refined> refined(chunk_count(parents, kParentsPerChunk));
    parallel_chunks(
        parents, kParentsPerChunk, threads,
        [&](std::size_t, std::size_t chunk, std::size_t begin, std::size_t end) {
          Refined& out = refined[chunk];
          out.counts.assign(8 * (end - begin), 0);
          // Per candidate, channel and half of the parent: its reach (children share halves).
          std::vector<std::array<Reach, 6>> reaches;
          for (std::size_t parent = begin; parent < end; ++parent) {
            if (!used[level][parent]) continue;  // its children's lists stay empty
            const auto corner = cell_coordinates(parent, level);
            const std::uint32_t from = first[parent], to = first[parent + 1];
            reaches.resize(to - from);
            for (std::uint32_t i = from; i < to; ++i) {
              const std::uint8_t* colour = &rgb[3 * static_cast<std::size_t>(candidates[i])];
              for (int channel = 0; channel < 3; ++channel) {
                const int low = corner[channel] * parent_span;
                reaches[i - from][2 * channel] = reach(colour[channel], low, child_span);
                reaches[i - from][2 * channel + 1] =
                    reach(colour[channel], low + child_span, child_span);
              }
            }
            for (int child = 0; child < 8; ++child) {
              if (!used[level + 1][8 * parent + static_cast<std::size_t>(child)]) continue;
              const int half[3] = {(child >> 2) & 1, (child >> 1) & 1, child & 1};
              auto sum = [&](const std::array<Reach, 6>& r, int Reach::*part) {
                return r[half[0]].*part + r[2 + half[1]].*part + r[4 + half[2]].*part;
              };
              int bound = 1 << 30;
              for (const auto& r : reaches) bound = std::min(bound, sum(r, &Reach::farthest));
              std::uint32_t kept = 0;
              for (std::uint32_t i = from; i < to; ++i) {
                if (sum(reaches[i - from], &Reach::nearest) <= bound) {
                  out.candidates.push_back(candidates[i]);
                  ++kept;
                }
              }
              out.counts[8 * (parent - begin) + static_cast<std::size_t>(child)] = kept;
            }
          }
        });
    std::vector<std::uint32_t> next_first;
    next_first.reserve(8 * parents + 1);
    next_first.push_back(0);
    std::size_t total = 0;
    for (const Refined& part : refined) total += part.candidates.size();
    std::vector<std::uint16_t> next_candidates;
    next_candidates.reserve(total);
    for (const Refined& part : refined) {
      next_candidates.insert(next_candidates.end(), part.candidates.begin(), part.candidates.end());
      for (const std::uint32_t count : part.counts) next_first.push_back(next_first.back() + count);
    }
    first = std::move(next_first);
    candidates = std::move(next_candidates);
  }
  first_ = std::move(first);
  candidates_ = std::move(candidates);
  candidate_colors_.resize(candidates_.size());
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    const std::uint8_t* colour = &rgb[3 * static_cast<std::size_t>(candidates_[i])];
    candidate_colors_[i] = static_cast<std::uint32_t>(colour[0]) |
                           static_cast<std::uint32_t>(colour[1]) << 8 |
                           static_cast<std::uint32_t>(colour[2]) << 16;
  }
}

std::array<std::uint8_t, 3> PaletteGrid::cell_corner(std::uint32_t cell) noexcept {
  const auto coordinates = cell_coordinates(cell, kLevels);
  return {static_cast<std::uint8_t>(coordinates[0] * kCellSpan),
          static_cast<std::uint8_t>(coordinates[1] * kCellSpan),
          static_cast<std::uint8_t>(coordinates[2] * kCellSpan)};
}

double PaletteGrid::mean_candidates() const noexcept {
  return static_cast<double>(candidates_.size()) / static_cast<double>(first_.size() - 1);
}

}  // namespace kmq::detail
