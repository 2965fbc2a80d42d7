// SPDX-License-Identifier: MIT
// The study as one self-contained HTML page (pictures embedded as data: URIs, no network).
#pragma once

#include <string>
#include <vector>

#include "compare_study.hpp"
#include "study_tables.hpp"

namespace kmq::compare {

/// Needs studies run with keep_visuals.
std::string html_report(const std::vector<ImageStudy>& studies,
                        const StudyDescription& description);

}  // namespace kmq::compare
