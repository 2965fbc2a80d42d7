// SPDX-License-Identifier: MIT
// What a tool does when SIGINT, SIGTERM or SIGHUP stops it: remove the temporary files of the
// writes under way, end a progress bar's line, and exit with 128 + the signal, as zstd does.
#pragma once

#include <filesystem>
#include <kmq/io.hpp>

namespace kmq::tools {

/// Installs the handlers; once, at the start of the tool.
void install_interrupt_cleanup();

/// Hooks for io::write_file_atomically() that keep its temporary files known to the handler.
const io::TemporaryFileHooks& temporary_file_hooks();

/// Whether a progress bar has an unfinished line on standard error (the handler ends it).
void set_progress_line_open(bool open);

}  // namespace kmq::tools
