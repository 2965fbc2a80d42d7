// SPDX-License-Identifier: MIT
#include "report_pictures.hpp"

#include <algorithm>
#include <cstring>
#include <kmq/io.hpp>

namespace kmq::compare {
namespace {

// Source coordinate of every output column (or row) when n samples shrink to m.
std::vector<int> nearest_source(int from, int to) {
  std::vector<int> source(static_cast<std::size_t>(to));
  for (int i = 0; i < to; ++i) {
    source[static_cast<std::size_t>(i)] =
        static_cast<int>((2 * static_cast<std::int64_t>(i) + 1) * from / (2 * to));
  }
  return source;
}

struct Resampling {
  std::vector<int> xs, ys;
};

Resampling fit(int width, int height, int max_side) {
  const int longest = std::max(width, height);
  if (longest <= max_side) return {nearest_source(width, width), nearest_source(height, height)};
  const auto scaled = [&](int side) {
    return std::max(1, static_cast<int>(static_cast<std::int64_t>(side) * max_side / longest));
  };
  return {nearest_source(width, scaled(width)), nearest_source(height, scaled(height))};
}

Resampling window(const CropRect& rect) {
  Resampling r;
  for (int x = 0; x < rect.width; ++x) r.xs.push_back(rect.x + x);
  for (int y = 0; y < rect.height; ++y) r.ys.push_back(rect.y + y);
  return r;
}

Image resample(const Image& image, const Resampling& r) {
  Image out(static_cast<int>(r.xs.size()), static_cast<int>(r.ys.size()), image.channels());
  const auto channels = static_cast<std::size_t>(image.channels());
  for (int y = 0; y < out.height(); ++y) {
    for (int x = 0; x < out.width(); ++x) {
      std::memcpy(out.pixel(x, y),
                  image.pixel(r.xs[static_cast<std::size_t>(x)], r.ys[static_cast<std::size_t>(y)]),
                  channels);
    }
  }
  return out;
}

}  // namespace

Image downscale_nearest(const Image& image, int max_side) {
  return resample(image, fit(image.width(), image.height(), max_side));
}

IndexedImage downscale_nearest(const IndexedImage& image, int max_side) {
  const Resampling r = fit(image.width, image.height, max_side);
  IndexedImage out;
  out.width = static_cast<int>(r.xs.size());
  out.height = static_cast<int>(r.ys.size());
  out.channels = image.channels;
  out.palette = image.palette;
  for (const int y : r.ys) {
    for (const int x : r.xs) {
      out.indices.push_back(
          image.indices[static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
                        static_cast<std::size_t>(x)]);
    }
  }
  return out;
}

CropRect busiest_square(const Image& image, int side) {
  CropRect best{0, 0, std::min(side, image.width()), std::min(side, image.height())};
  const int step = std::max(1, side / 2);
  double best_activity = -1;
  for (int y0 = 0; y0 + best.height <= image.height(); y0 += step) {
    for (int x0 = 0; x0 + best.width <= image.width(); x0 += step) {
      // Sum of absolute differences between horizontal neighbours, on every other row.
      double activity = 0;
      for (int y = y0; y < y0 + best.height; y += 2) {
        for (int x = x0 + 1; x < x0 + best.width; ++x) {
          for (int c = 0; c < 3; ++c)
            activity += std::abs(image.pixel(x, y)[c] - image.pixel(x - 1, y)[c]);
        }
      }
      if (activity > best_activity) {
        best_activity = activity;
        best.x = x0;
        best.y = y0;
      }
    }
  }
  return best;
}

Image cut(const Image& image, const CropRect& rect) { return resample(image, window(rect)); }

IndexedImage cut(const IndexedImage& image, const CropRect& rect) {
  IndexedImage out;
  out.width = rect.width;
  out.height = rect.height;
  out.channels = image.channels;
  out.palette = image.palette;
  for (int y = rect.y; y < rect.y + rect.height; ++y) {
    const auto row = image.indices.begin() +
                     static_cast<std::ptrdiff_t>(static_cast<std::size_t>(y) *
                                                     static_cast<std::size_t>(image.width) +
                                                 static_cast<std::size_t>(rect.x));
    out.indices.insert(out.indices.end(), row, row + rect.width);
  }
  return out;
}

std::vector<std::size_t> sample_positions(std::size_t pixel_count, int count) {
  std::vector<std::size_t> positions;
  const std::size_t wanted = std::min<std::size_t>(pixel_count, static_cast<std::size_t>(count));
  std::uint64_t state = 0x9E3779B97F4A7C15u;
  for (std::size_t i = 0; i < wanted; ++i) {
    // splitmix64: evenly spread picks that no row or column pattern of the image can align with.
    std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    positions.push_back(static_cast<std::size_t>((z ^ (z >> 31)) % pixel_count));
  }
  return positions;
}

PngPicture png_picture(const Image& image) {
  return {image.width(), image.height(), io::write_png(image)};
}

PngPicture png_picture(const IndexedImage& image) {
  return {image.width, image.height, io::write_png(image)};
}

}  // namespace kmq::compare
