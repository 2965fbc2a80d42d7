// SPDX-License-Identifier: MIT
// Small pictures for the HTML report, cut from full-size images without inventing colours:
// nearest-neighbour downscaling, a detailed crop, and a fixed sample of pixel positions.
#pragma once

#include <cstddef>
#include <kmq/kmq.hpp>
#include <vector>

#include "compare_study.hpp"

namespace kmq::compare {

/// The image shrunk by an integer-free nearest-neighbour pick to fit in max_side x max_side
/// (unchanged when it already fits); every output pixel is one of the input's.
Image downscale_nearest(const Image& image, int max_side);
IndexedImage downscale_nearest(const IndexedImage& image, int max_side);

/// The side x side square (clipped to the image) whose pixels vary most, on a coarse grid:
/// where quantization shows first.
CropRect busiest_square(const Image& image, int side);

Image cut(const Image& image, const CropRect& rect);
IndexedImage cut(const IndexedImage& image, const CropRect& rect);

/// Up to `count` pseudo-random pixel positions, the same on every run and for every K.
std::vector<std::size_t> sample_positions(std::size_t pixel_count, int count);

PngPicture png_picture(const Image& image);
PngPicture png_picture(const IndexedImage& image);

}  // namespace kmq::compare
