// SPDX-License-Identifier: MIT
// Shared command-line plumbing for kmqenc, kmqdec, kmqinfo and kmqcompare.
#include "tool_common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <kmq/kmq.hpp>
#include <sstream>

#include "interrupt_cleanup.hpp"

namespace fs = std::filesystem;

namespace kmq::tools {

int exit_code_of(const std::exception& error) {
  if (dynamic_cast<const UsageError*>(&error)) return kExitUsage;
  if (const auto* kmq_error = dynamic_cast<const Error*>(&error)) {
    if (kmq_error->category() == ErrorCategory::target_not_met) return kExitTargetNotMet;
  }
  return kExitBadInput;
}

int worst_exit_code(const std::vector<int>& codes) {
  for (const int code : {kExitUsage, kExitBadInput, kExitTargetNotMet, kExitSkippedLarger}) {
    if (std::find(codes.begin(), codes.end(), code) != codes.end()) return code;
  }
  return kExitOk;
}

int run_tool(const char* tool, const std::function<int()>& body) {
  install_interrupt_cleanup();
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << tool << ": error: " << e.what() << "\n"
              << "Try '" << tool << " --help' for more information.\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << tool << ": error: out of memory\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << tool << ": error: " << e.what() << "\n";
    return exit_code_of(e);
  }
}

io::WarningHandler warning_printer(const char* tool, bool quiet) {
  if (quiet) return {};
  return [tool](std::string_view message) {
    std::fprintf(stderr, "%s: warning: %.*s\n", tool, static_cast<int>(message.size()),
                 message.data());
  };
}

void require_range(const std::string& option, double value, double low, double high) {
  if (std::isfinite(value) && value >= low && value <= high) return;
  std::ostringstream text;
  text << "--" << option << " must be in " << low << ".." << high << ", not " << value;
  throw UsageError(text.str());
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Method parse_method(const std::string& value) {
  return parse_choice<Method>(
      "method", value,
      {{"kmeans", Method::kmeans}, {"minibatch", Method::minibatch}, {"gmm", Method::gmm}});
}

ColorSpace parse_space(const std::string& value) {
  return parse_choice<ColorSpace>("space", value,
                                  {{"rgb", ColorSpace::rgb}, {"oklab", ColorSpace::oklab}});
}

}  // namespace kmq::tools
