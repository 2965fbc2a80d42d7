// SPDX-License-Identifier: MIT
// What kmqenc prints about its files: the verbose report, the per-file line, the JSON results.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kmqenc_encoding.hpp"

namespace kmq::tools {

/// The line (or lines, with -v) a finished file gets on standard error; `notices`: standard
/// error is a terminal, so a file that grew is noted.
void report_file(const FileResult& result, const EncodeRequest& request, bool notices);

/// One field of a file's --json result: a flag, a count, a number (nullopt: JSON null) with
/// its printed decimals, or text.
struct ResultField {
  struct Number {
    std::optional<double> value;
    int decimals = 6;
  };
  std::string name;
  std::variant<bool, std::size_t, Number, std::string> value;
};

/// The fields of one file's --json result, in order: what kmqenc prints and what the Python
/// package's encode_file() returns.
std::vector<ResultField> result_fields(const FileResult& result, const EncodeRequest& request);

/// Every file's result as a JSON array on standard output (--json).
void print_json(const std::vector<FileResult>& results, const EncodeRequest& request);

}  // namespace kmq::tools
