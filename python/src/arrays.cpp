// SPDX-License-Identifier: MIT
#include "arrays.hpp"

#include <cstring>
#include <memory>
#include <string>

namespace py = pybind11;

namespace kmq::python {

namespace {

std::string shape_text(const py::array& array) {
  std::string text = "(";
  for (py::ssize_t d = 0; d < array.ndim(); ++d)
    text += (d ? ", " : "") + std::to_string(array.shape(d));
  return text + (array.ndim() == 1 ? ",)" : ")");
}

void require_uint8(const py::array& array) {
  if (!py::dtype::of<std::uint8_t>().is(array.dtype()) &&
      !array.dtype().equal(py::dtype::of<std::uint8_t>())) {
    throw py::type_error("kmq needs uint8 pixels, not dtype " +
                         py::str(array.dtype()).cast<std::string>() +
                         " (convert with array.astype(numpy.uint8) after scaling to 0..255)");
  }
}

// Copies `rows` x `row_samples` bytes whose rows start `row_stride` apart and whose samples
// are `sample_stride` apart (the last axes of the array merged when contiguous).
void copy_strided(const py::array& array, std::uint8_t* out) {
  const auto* base = static_cast<const std::uint8_t*>(array.data());
  const py::ssize_t ndim = array.ndim();
  if (array.flags() & py::array::c_style) {
    std::memcpy(out, base, static_cast<std::size_t>(array.nbytes()));
    return;
  }
  // ndim is 2 or 3: rows (and columns) by their strides, the samples of a pixel innermost.
  const py::ssize_t height = ndim == 3 ? array.shape(0) : 1;
  const py::ssize_t width = ndim == 3 ? array.shape(1) : array.shape(0);
  const py::ssize_t channels = array.shape(ndim - 1);
  const py::ssize_t row_stride = ndim == 3 ? array.strides(0) : 0;
  const py::ssize_t column_stride = array.strides(ndim - 2);
  const py::ssize_t sample_stride = array.strides(ndim - 1);
  for (py::ssize_t y = 0; y < height; ++y) {
    for (py::ssize_t x = 0; x < width; ++x) {
      const std::uint8_t* pixel = base + y * row_stride + x * column_stride;
      for (py::ssize_t c = 0; c < channels; ++c) *out++ = pixel[c * sample_stride];
    }
  }
}

}  // namespace

Image image_from_array(const py::array& array) {
  require_uint8(array);
  if (array.ndim() != 3 || (array.shape(2) != 3 && array.shape(2) != 4)) {
    throw py::value_error("kmq needs an H x W x 3 (RGB) or H x W x 4 (RGBA) array, not shape " +
                          shape_text(array));
  }
  if (array.shape(0) < 1 || array.shape(1) < 1 || array.shape(0) > kMaxDimension ||
      array.shape(1) > kMaxDimension) {
    throw py::value_error("kmq needs 1.." + std::to_string(kMaxDimension) +
                          " rows and columns, not shape " + shape_text(array));
  }
  Image image(static_cast<int>(array.shape(1)), static_cast<int>(array.shape(0)),
              static_cast<int>(array.shape(2)));
  copy_strided(array, image.data().data());
  return image;
}

Image image_from_pixel_rows(const py::array& array) {
  require_uint8(array);
  if (array.ndim() != 2 || (array.shape(1) != 3 && array.shape(1) != 4)) {
    throw py::value_error("kmq needs an N x 3 (RGB) or N x 4 (RGBA) array of pixels, not shape " +
                          shape_text(array));
  }
  const auto count = static_cast<std::uint64_t>(array.shape(0));
  if (count == 0) throw py::value_error("kmq needs at least one pixel, not shape (0, ...)");
  if (count > kMaxPixelCount) {
    throw py::value_error("kmq takes at most " + std::to_string(kMaxPixelCount) + " pixels, not " +
                          std::to_string(count));
  }
  // An image holds at most kMaxDimension pixels per row: above that, rows of a width that
  // divides the count (any order of the pixels clusters alike).
  std::uint64_t width = count;
  if (count > kMaxDimension) {
    width = 0;
    for (std::uint64_t w = kMaxDimension; w >= (count + kMaxDimension - 1) / kMaxDimension; --w) {
      if (count % w == 0) {
        width = w;
        break;
      }
    }
    if (width == 0) {
      throw py::value_error(std::to_string(count) +
                            " pixels cannot be laid out as an image (no width up to " +
                            std::to_string(kMaxDimension) + " divides the count)");
    }
  }
  Image image(static_cast<int>(width), static_cast<int>(count / width),
              static_cast<int>(array.shape(1)));
  copy_strided(array, image.data().data());
  return image;
}

template <class T>
py::array array_from_vector(std::vector<T>&& values, std::vector<py::ssize_t> shape) {
  auto owner = std::make_unique<std::vector<T>>(std::move(values));
  T* data = owner->data();
  // The capsule owns the vector from here on and frees it with the array.
  py::capsule free_when_done(owner.get(),
                             [](void* vector) { delete static_cast<std::vector<T>*>(vector); });
  owner.release();
  return py::array_t<T>(std::move(shape), data, free_when_done);
}

template py::array array_from_vector(std::vector<std::uint8_t>&&, std::vector<py::ssize_t>);
template py::array array_from_vector(std::vector<std::uint16_t>&&, std::vector<py::ssize_t>);
template py::array array_from_vector(std::vector<double>&&, std::vector<py::ssize_t>);

py::array array_from_image(Image&& image) {
  const std::vector<py::ssize_t> shape{image.height(), image.width(), image.channels()};
  auto owner = std::make_unique<Image>(std::move(image));
  std::uint8_t* data = owner->data().data();
  // The capsule owns the image from here on and frees it with the array.
  py::capsule free_when_done(owner.get(), [](void* held) { delete static_cast<Image*>(held); });
  owner.release();
  return py::array_t<std::uint8_t>(shape, data, free_when_done);
}

FileBytes::FileBytes(const py::object& data) {
  if (py::isinstance<py::str>(data))
    throw py::type_error("kmq needs the file's bytes, not a str (open the file in 'rb' mode)");
  if (!PyObject_CheckBuffer(data.ptr()))
    throw py::type_error("kmq needs bytes, a bytearray, a memoryview or a uint8 array, not " +
                         py::str(py::type::of(data)).cast<std::string>());
  buffer_ = py::reinterpret_borrow<py::buffer>(data).request();
  if (buffer_.itemsize != 1 || buffer_.ndim > 1)
    throw py::type_error("kmq needs a buffer of bytes (1-D, one byte per item)");
  const auto* begin = static_cast<const std::uint8_t*>(buffer_.ptr);
  const auto size = static_cast<std::size_t>(buffer_.size);
  if (buffer_.ndim == 1 && buffer_.strides[0] != 1) {
    copy_.resize(size);
    for (std::size_t i = 0; i < size; ++i)
      copy_[i] = begin[static_cast<py::ssize_t>(i) * buffer_.strides[0]];
    bytes_ = copy_;
  } else {
    bytes_ = {begin, size};
  }
}

}  // namespace kmq::python
