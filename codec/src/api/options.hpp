// SPDX-License-Identifier: MIT
// Each stage's option checks (kmq::validate(EncodeOptions) runs them all).
#pragma once

#include <kmq/kmq.hpp>

namespace kmq::detail {

void validate_threads(int threads);
void validate_clustering(const ClusteringOptions& options);
void validate_mapping(const MappingOptions& options);
void validate_targets(const TargetOptions& options);
void validate_label_coding(const LabelCodingOptions& options);
/// What quantize() reads: clustering, mapping, targets, threads, and their combinations.
void validate_quantize(const EncodeOptions& options);

}  // namespace kmq::detail
