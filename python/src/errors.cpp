// SPDX-License-Identifier: MIT
#include "errors.hpp"

#include <pybind11/pybind11.h>

#include <kmq/kmq.hpp>
#include <string>

#include "tool_common.hpp"

namespace py = pybind11;

namespace kmq::python {

namespace {

// The identifiers Python code compares against: the C++ enumerators' names.
const char* category_identifier(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::bad_input:
      return "bad_input";
    case ErrorCategory::corrupt_file:
      return "corrupt_file";
    case ErrorCategory::unsupported:
      return "unsupported";
    case ErrorCategory::limit_exceeded:
      return "limit_exceeded";
    case ErrorCategory::io:
      return "io";
    case ErrorCategory::target_not_met:
      return "target_not_met";
  }
  return "bad_input";
}

// kmq.Error is defined in Python (kmq/_errors.py) so that it pickles and has a docstring.
void raise_kmq_error(const char* category, const std::string& message) {
  const py::object error_type = py::module_::import("kmq._errors").attr("Error");
  const py::object error = error_type(message, category);
  PyErr_SetObject(error_type.ptr(), error.ptr());
}

}  // namespace

void register_error_translation() {
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const Error& e) {
      raise_kmq_error(category_identifier(e.category()), e.message());
    } catch (const tools::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const tools::FileError& e) {
      raise_kmq_error("io", e.what());
    }
  });
}

void without_gil(const std::function<void()>& work) {
  const py::gil_scoped_release released;
  work();
}

}  // namespace kmq::python
