// SPDX-License-Identifier: MIT
// What every kmq command-line tool shares: exit codes, error reporting, output checks and
// writing, option value helpers.
#pragma once

#include <filesystem>
#include <functional>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace kmq::tools {

/// Documented exit codes (README, man pages). A signal that stops a tool gives 128 + signal.
enum ExitCode : int {
  kExitOk = 0,
  kExitBadInput = 1,        ///< a file could not be read, decoded or written, or exists
  kExitUsage = 2,           ///< bad command line
  kExitSkippedLarger = 98,  ///< --skip-if-larger: the output would have been larger (pngquant)
  kExitTargetNotMet = 99,   ///< a quality or size target no K reaches (pngquant's code)
};

/// Command-line mistakes found after parsing (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A file that cannot be used as asked, such as an output that exists (exit code 1).
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs a tool's body with the interrupt cleanup installed: prints "<tool>: error: <message>"
/// on standard error and returns the exit code.
int run_tool(const char* tool, const std::function<int()>& body);

/// The exit code for an exception a file's work threw.
int exit_code_of(const std::exception& error);
/// The most serious of several files' exit codes: usage, then bad input, then a missed target,
/// then a skipped file.
int worst_exit_code(const std::vector<int>& codes);

/// Prints "<tool>: warning: <message>" on standard error, unless quiet.
io::WarningHandler warning_printer(const char* tool, bool quiet);

/// The value `choices` maps `value` to; UsageError listing the choices otherwise.
template <class Enum>
Enum parse_choice(const std::string& option, const std::string& value,
                  const std::map<std::string, Enum>& choices) {
  const auto found = choices.find(value);
  if (found != choices.end()) return found->second;
  std::string names;
  for (const auto& [name, unused] : choices) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  throw UsageError("--" + option + " must be one of " + names + ", not '" + value + "'");
}

/// UsageError "--<option> must be in <low>..<high>, not <value>" when out of range.
void require_range(const std::string& option, double value, double low, double high);

/// --method and --space, shared by the tools that cluster.
Method parse_method(const std::string& value);
ColorSpace parse_space(const std::string& value);

/// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string& text);

}  // namespace kmq::tools
