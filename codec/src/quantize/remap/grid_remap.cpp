// SPDX-License-Identifier: MIT
// Only the cells that pixels fall in are built (a photo uses a few per cent of them). A cell
// with one candidate answers at once; one with several costs a distance per candidate
// and pixel (on path_2560x1600 at K = 256 six on average, 21 ns a pixel). So the cells that
// enough pixels fall in get a table of their 64 colours' nearest entries, filled once, and
// their pixels are one lookup. Cells with few pixels keep the search: a table there would cost
// more than it saves, and an image of scattered colours would fill tables for all of them.
#include "quantize/remap/grid_remap.hpp"

#include <limits>

#include "common/parallel.hpp"
#include "quantize/remap/palette_grid.hpp"

namespace kmq::detail {

namespace {

constexpr std::size_t kPixelsPerChunk = 1u << 16;
// A cell's table costs 64 searches to fill: worth it from about as many pixels.
constexpr std::uint32_t kMinPixelsForTable = PaletteGrid::kColoursPerCell;
constexpr std::uint32_t kNoTable = std::numeric_limits<std::uint32_t>::max();

// Pixels per cell, summed over per-worker counts (the sum does not depend on the split). Every
// worker's counts exist before the loop: a worker may get no chunk at all.
std::vector<std::uint32_t> pixels_per_cell(const Image& image, const Workers& threads) {
  const std::size_t pixels = image.pixel_count();
  const std::uint8_t* samples = image.data().data();
  const std::size_t workers = worker_count(pixels, kPixelsPerChunk, threads);
  std::vector<std::vector<std::uint32_t>> counts(
      workers, std::vector<std::uint32_t>(PaletteGrid::kCells, 0));
  parallel_chunks(pixels, kPixelsPerChunk, threads,
                  [&](std::size_t worker, std::size_t, std::size_t begin, std::size_t end) {
                    std::vector<std::uint32_t>& mine = counts[worker];
                    for (std::size_t i = begin; i < end; ++i)
                      ++mine[PaletteGrid::cell_of(samples + 3 * i)];
                  });
  std::vector<std::uint32_t> total = std::move(counts[0]);
  for (std::size_t w = 1; w < workers; ++w) {
    for (std::uint32_t cell = 0; cell < PaletteGrid::kCells; ++cell) total[cell] += counts[w][cell];
  }
  return total;
}

}  // namespace

std::vector<std::uint16_t> remap_to_nearest(const Image& image,
                                            std::span<const std::uint8_t> rgb_palette,
                                            const Workers& threads) {
  const std::vector<std::uint32_t> cell_pixels = pixels_per_cell(image, threads);
  std::vector<std::uint8_t> used(PaletteGrid::kCells);
  for (std::uint32_t cell = 0; cell < PaletteGrid::kCells; ++cell)
    used[cell] = cell_pixels[cell] > 0;
  const PaletteGrid grid(rgb_palette, threads, used);

  std::vector<std::uint32_t> table_of(PaletteGrid::kCells, kNoTable);
  std::vector<std::uint32_t> tabled_cells;
  for (std::uint32_t cell = 0; cell < PaletteGrid::kCells; ++cell) {
    if (cell_pixels[cell] >= kMinPixelsForTable && grid.candidate_count(cell) > 1) {
      table_of[cell] = static_cast<std::uint32_t>(tabled_cells.size());
      tabled_cells.push_back(cell);
    }
  }
  constexpr std::uint32_t span = PaletteGrid::kCellSpan;
  std::vector<std::uint16_t> tables(tabled_cells.size() * PaletteGrid::kColoursPerCell);
  parallel_chunks(tabled_cells.size(), 256, threads,
                  [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t t = begin; t < end; ++t) {
                      const std::uint32_t cell = tabled_cells[t];
                      const auto corner = PaletteGrid::cell_corner(cell);
                      std::uint16_t* table = &tables[t * PaletteGrid::kColoursPerCell];
                      std::uint8_t colour[3];
                      for (std::uint32_t r = 0; r < span; ++r) {
                        colour[0] = static_cast<std::uint8_t>(corner[0] + r);
                        for (std::uint32_t g = 0; g < span; ++g) {
                          colour[1] = static_cast<std::uint8_t>(corner[1] + g);
                          for (std::uint32_t b = 0; b < span; ++b) {
                            colour[2] = static_cast<std::uint8_t>(corner[2] + b);
                            *table++ = grid.nearest_in(cell, colour);
                          }
                        }
                      }
                    }
                  });

  const std::size_t pixels = image.pixel_count();
  const std::uint8_t* samples = image.data().data();
  std::vector<std::uint16_t> indices(pixels);
  parallel_chunks(
      pixels, kPixelsPerChunk, threads,
      [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
          const std::uint8_t* pixel = samples + 3 * i;
          const std::uint32_t cell = grid.cell_of(pixel);
          const std::uint32_t table = table_of[cell];
          indices[i] = table == kNoTable
                           ? grid.nearest_in(cell, pixel)
                           : tables[static_cast<std::size_t>(table) * PaletteGrid::kColoursPerCell +
                                    PaletteGrid::place_in_cell(pixel)];
        }
      });
  return indices;
}

}  // namespace kmq::detail
