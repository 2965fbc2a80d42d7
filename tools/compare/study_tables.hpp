// SPDX-License-Identifier: MIT
// The study as text: an aligned terminal table, CSV and JSON.
#pragma once

#include <string>
#include <vector>

#include "compare_study.hpp"

namespace kmq::compare {

/// What the outputs record about how the study was run.
struct StudyDescription {
  std::string method, space;
  std::uint64_t seed = 0;
  int level = 0;
  double dither = 0;
  double rd_lambda = 0;  ///< of the RD columns, 0 when there are none
};

std::string table_text(const std::vector<ImageStudy>& studies);
std::string csv_text(const std::vector<ImageStudy>& studies);
std::string json_text(const std::vector<ImageStudy>& studies, const StudyDescription& description);

/// Share of the original file, in percent.
double percent_of(std::size_t bytes, std::size_t original);

}  // namespace kmq::compare
