// SPDX-License-Identifier: MIT
// Where a tool's outputs go: inputs expanded from folders, outputs planned so that none collide,
// checks before any work, folders made, and writes the interrupt cleanup knows about.
#pragma once

#include <filesystem>
#include <functional>
#include <kmq/io.hpp>
#include <span>
#include <string>
#include <vector>

namespace kmq::tools {

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

}  // namespace kmq::tools
