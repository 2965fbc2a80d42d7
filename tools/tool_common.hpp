// SPDX-License-Identifier: MIT
// What every kmq command-line tool shares: exit codes, error reporting, option helpers.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <functional>
#include <kmq/kmq.hpp>
#include <map>
#include <string>

namespace kmq::tools {

/// Documented exit codes.
enum ExitCode : int {
  kExitOk = 0,
  kExitBadInput = 1,       ///< a file could not be read, decoded or written
  kExitUsage = 2,          ///< bad command line
  kExitTargetNotMet = 99,  ///< a quality or size target no K reaches (pngquant's code)
};

/// Thrown for command-line mistakes found after parsing (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs a tool's body: prints "<tool>: error: <message>" on stderr and returns the exit code.
int run_tool(const char* tool, const std::function<int()>& body);

/// Parses argv; `--help` (which lists only `visible`) and `--version` print and return true
/// (the tool then exits 0). `hidden` holds the positional arguments.
bool parse_command_line(int argc, char** argv, const char* tool, const char* usage,
                        const boost::program_options::options_description& visible,
                        const boost::program_options::options_description& hidden,
                        const boost::program_options::positional_options_description& positional,
                        boost::program_options::variables_map& values);

/// Refuses to write over the input, or over an existing file unless `force`.
void check_output_path(const std::filesystem::path& input, const std::filesystem::path& output,
                       bool force);

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

/// --method and --space, shared by the tools that cluster.
Method parse_method(const std::string& value);
ColorSpace parse_space(const std::string& value);

/// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string& text);

}  // namespace kmq::tools
