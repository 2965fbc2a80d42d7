// SPDX-License-Identifier: MIT
// numpy arrays to the codec's images and back: checked, strided input copied once into the
// codec's buffer, outputs handed to numpy without a copy.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <kmq/kmq.hpp>
#include <span>
#include <vector>

namespace kmq::python {

/// An H x W x 3 or H x W x 4 uint8 array (any strides) as an Image. TypeError for another
/// dtype, ValueError for another shape, both naming what was given.
Image image_from_array(const pybind11::array& array);

/// An N x 3 or N x 4 uint8 array of pixels as an Image of N pixels (one row, or rows of a
/// width that divides N when N is above kMaxDimension).
Image image_from_pixel_rows(const pybind11::array& array);

/// The image's pixels as an H x W x C array that owns them (no copy).
pybind11::array array_from_image(Image&& image);

/// A vector's elements as an array of `shape` that owns them (no copy).
template <class T>
pybind11::array array_from_vector(std::vector<T>&& values, std::vector<pybind11::ssize_t> shape);

/// The bytes of a bytes, bytearray, memoryview or uint8 array argument, borrowed for as long
/// as this lives (copied only when strided). Construct and destroy it with the GIL held.
class FileBytes {
 public:
  explicit FileBytes(const pybind11::object& data);
  std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

 private:
  pybind11::buffer_info buffer_;
  std::vector<std::uint8_t> copy_;
  std::span<const std::uint8_t> bytes_;
};

}  // namespace kmq::python
