// SPDX-License-Identifier: MIT
// The study as one self-contained HTML page, no network: each K's .kmq file and the web
// decoder that shows it, or PNG pictures, embedded as data.
#pragma once

#include <string>
#include <vector>

#include "compare_study.hpp"
#include "study_tables.hpp"

namespace kmq::compare {

/// Whether this build holds the web decoder, so that reports can embed the .kmq files.
bool report_embeds_decoder();

/// Needs studies run with keep_visuals.
std::string html_report(const std::vector<ImageStudy>& studies,
                        const StudyDescription& description);

}  // namespace kmq::compare
