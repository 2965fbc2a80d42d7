// SPDX-License-Identifier: MIT
// The codec's records as Python dicts, and metadata from one.
#pragma once

#include <pybind11/pybind11.h>

#include <kmq/kmq.hpp>

#include "kmqdec_decoding.hpp"
#include "kmqenc_encoding.hpp"
#include "kmqenc_report.hpp"

namespace kmq::python {

/// icc_profile (bytes), icc_profile_name, exif (bytes), xmp (str), text (list of dicts),
/// srgb_intent, gamma, chromaticities, density: the keys present are those the image has.
pybind11::dict metadata_dict(const Metadata& metadata);

/// The reverse, for the keys icc_profile, icc_profile_name, exif, xmp and text; ValueError
/// for another key, kmq.Error(bad_input) when the format cannot hold a value.
Metadata metadata_from_dict(const pybind11::dict& values);

/// inspect()'s facts: sizes, palette, label coding, chunks and metadata.
pybind11::dict file_info_dict(const FileInfo& info);

/// What quantize() reports.
pybind11::dict quantize_stats_dict(const QuantizeStats& stats);

/// kmqenc --json's fields of one file, with its statistics.
pybind11::dict encode_result_dict(const tools::FileResult& result,
                                  const tools::EncodeRequest& request);

/// What kmqdec did with one file.
pybind11::dict decode_result_dict(const tools::DecodeResult& result,
                                  const tools::DecodeSettings& settings);

}  // namespace kmq::python
