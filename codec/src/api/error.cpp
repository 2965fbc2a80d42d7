// SPDX-License-Identifier: MIT
// kmq::Error, category names and the library version.
#include <kmq/kmq.hpp>

namespace kmq {

namespace {
std::string with_category(ErrorCategory category, const std::string& message) {
  std::string text = category_name(category);
  text += ": ";
  text += message;
  return text;
}
}  // namespace

#define KMQ_STRINGIFY2(x) #x
#define KMQ_STRINGIFY(x) KMQ_STRINGIFY2(x)

const char* version() {
  return KMQ_STRINGIFY(KMQ_VERSION_MAJOR) "." KMQ_STRINGIFY(KMQ_VERSION_MINOR) "." KMQ_STRINGIFY(
      KMQ_VERSION_PATCH);
}

const char* category_name(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::bad_input:
      return "bad input";
    case ErrorCategory::corrupt_file:
      return "corrupt file";
    case ErrorCategory::unsupported:
      return "unsupported";
    case ErrorCategory::limit_exceeded:
      return "limit exceeded";
    case ErrorCategory::io:
      return "i/o error";
    case ErrorCategory::target_not_met:
      return "target not met";
  }
  return "error";
}

Error::Error(ErrorCategory category, const std::string& message)
    : std::runtime_error(with_category(category, message)),
      category_(category),
      message_(message) {}

}  // namespace kmq
