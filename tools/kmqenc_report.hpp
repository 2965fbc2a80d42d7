// SPDX-License-Identifier: MIT
// What kmqenc prints about its files: the verbose report, the per-file line, the JSON results.
#pragma once

#include <vector>

#include "kmqenc_encoding.hpp"

namespace kmq::tools {

/// The line (or lines, with -v) a finished file gets on standard error; `notices`: standard
/// error is a terminal, so a file that grew is noted.
void report_file(const FileResult& result, const EncodeRequest& request, bool notices);

/// Every file's result as a JSON array on standard output (--json).
void print_json(const std::vector<FileResult>& results, const EncodeRequest& request);

}  // namespace kmq::tools
