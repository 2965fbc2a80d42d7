// SPDX-License-Identifier: MIT
// Output planning and checks shared by the tools.
#include "output_plan.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "interrupt_cleanup.hpp"
#include "tool_common.hpp"

namespace fs = std::filesystem;

namespace kmq::tools {

void check_output_path(const fs::path& input, const fs::path& output, bool force) {
  if (output == "-") return;
  std::error_code error;
  if (input != "-" && fs::equivalent(input, output, error)) {
    throw UsageError("refusing to overwrite the input file '" + input.string() + "'");
  }
  struct stat status {};
  if (::stat(output.c_str(), &status) != 0) return;  // a new file
  if (S_ISDIR(status.st_mode)) {
    throw FileError("output '" + output.string() + "' is a folder; name a file");
  }
  if (S_ISREG(status.st_mode) && !force) {
    throw FileError("output '" + output.string() + "' exists; use --force to overwrite it");
  }
}

void check_stdin_not_console() {
  if (::isatty(STDIN_FILENO)) {
    throw UsageError(
        "standard input is a console: give a file name, or send the data through a pipe or a "
        "redirection");
  }
}

void check_stdout_not_console() {
  if (::isatty(STDOUT_FILENO)) {
    throw UsageError(
        "standard output is a console: name an output file with -o, or send it through a pipe or "
        "a redirection");
  }
}

std::vector<std::string> plan_outputs(const std::vector<std::string>& inputs,
                                      const std::string& out_dir, const std::string& suffix) {
  std::vector<std::string> outputs;
  // Compared as absolute, normalised paths, with existing folders' links resolved.
  auto key = [](const fs::path& path) {
    std::error_code error;
    const fs::path resolved = fs::weakly_canonical(fs::absolute(path, error), error);
    return (error ? fs::absolute(path).lexically_normal() : resolved).string();
  };
  std::map<std::string, std::size_t> writer_of, input_at;
  for (std::size_t i = 0; i < inputs.size(); ++i) input_at.emplace(key(inputs[i]), i);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const fs::path input = inputs[i];
    fs::path name = input.filename();
    name.replace_extension();
    name += suffix;
    const fs::path output = out_dir.empty() ? input.parent_path() / name : fs::path(out_dir) / name;
    const std::string output_key = key(output);
    const auto [other, added] = writer_of.emplace(output_key, i);
    if (!added) {
      throw UsageError("'" + inputs[other->second] + "' and '" + inputs[i] +
                       "' would both be written to '" + output.string() +
                       "'; encode them into different folders (-d)");
    }
    const auto clash = input_at.find(output_key);
    if (clash != input_at.end()) {
      throw UsageError("the output of '" + inputs[i] + "' would overwrite the input '" +
                       inputs[clash->second] + "'");
    }
    outputs.push_back(output.string());
  }
  return outputs;
}

void create_output_folder(const std::string& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || !fs::is_directory(folder)) {
    throw FileError("cannot create the output folder '" + folder +
                    "': " + (error ? error.message() : "a file of that name exists"));
  }
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                       const std::function<bool(const fs::path&)>& wanted) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code error;
    if (input != "-" && fs::is_directory(input, error)) {
      std::vector<std::string> found;
      fs::directory_iterator entries(input, error);
      if (error) throw FileError("cannot read the folder '" + input + "': " + error.message());
      for (const auto& entry : entries) {
        std::error_code type_error;
        if (entry.is_regular_file(type_error) && wanted(entry.path()))
          found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);
    }
  }
  return files;
}

void write_output(const fs::path& path, std::span<const std::uint8_t> bytes) {
  io::write_file_atomically(path, bytes, temporary_file_hooks());
}

void write_output(const fs::path& path, const std::function<void(const io::ByteSink&)>& produce) {
  io::write_file_atomically(path, produce, temporary_file_hooks());
}

}  // namespace kmq::tools
