// SPDX-License-Identifier: MIT
// What the PNG and JPEG readers and writers share about metadata: keeping only the items that
// the .kmq format can hold (with a warning for the rest), Latin-1 text, and the names of items a
// format cannot hold.
#pragma once

#include <kmq/io.hpp>
#include <string>
#include <string_view>

namespace kmq::io {

/// PNG's iTXt keyword for an XMP packet (XMP specification part 3).
inline constexpr std::string_view kXmpKeyword = "XML:com.adobe.xmp";

/// Drops every item of `metadata` that breaks a rule of format-spec/kmq.md §2.7 (a keyword
/// that is not ASCII, a damaged ICC profile), telling `warn` what was dropped and why.
void keep_valid_metadata(Metadata& metadata, std::string_view format, const WarningHandler& warn);

/// ISO 8859-1 bytes (PNG tEXt and zTXt) as UTF-8.
std::string latin1_to_utf8(std::string_view latin1);
/// UTF-8 as ISO 8859-1 when every character fits; false (and `latin1` unspecified) otherwise,
/// also for text that is not valid UTF-8.
bool utf8_to_latin1(std::string_view utf8, std::string& latin1);

}  // namespace kmq::io
