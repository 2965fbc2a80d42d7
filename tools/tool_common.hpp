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

/// Refuses, before any work, to write over the input (UsageError) or over an existing regular
/// file without `force` (FileError); a folder is a FileError. Devices and FIFOs are fine: they
/// are written into, never replaced.
void check_output_path(const std::filesystem::path& input, const std::filesystem::path& output,
                       bool force);

/// Refuse to read binary data from a terminal, or to write it to one ("-" paths).
void check_stdin_not_console();
void check_stdout_not_console();

/// The outputs of a batch: OUTDIR/NAME<suffix>, or next to each input without an out_dir.
/// Throws UsageError naming both inputs when two would write one output, or when an output is
/// one of the inputs; so a batch never depends on which file runs first.
std::vector<std::string> plan_outputs(const std::vector<std::string>& inputs,
                                      const std::string& out_dir, const std::string& suffix);

/// Creates an output folder (and its parents), or says in plain words why it cannot.
void create_output_folder(const std::string& folder);

/// Inputs in command-line order; a folder contributes its files that `wanted` accepts, sorted
/// by name.
std::vector<std::string> expand_inputs(
    const std::vector<std::string>& inputs,
    const std::function<bool(const std::filesystem::path&)>& wanted);

/// io::write_file_atomically() with the temporary file known to the interrupt cleanup.
void write_output(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_output(const std::filesystem::path& path,
                  const std::function<void(const io::ByteSink&)>& produce);

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
