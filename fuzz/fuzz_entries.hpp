// SPDX-License-Identifier: MIT
// Fuzz entry points, shared by the libFuzzer targets and by the regression test that replays
// every corpus and crash file through them. Each returns normally for any input; a bug shows as
// a crash, a sanitizer report, an escaped exception or a failed consistency check (abort).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace kmq::fuzz {

using Input = std::span<const std::uint8_t>;

void decode_entry(Input data);     // kmq::decode / decode_indexed
void inspect_entry(Input data);    // kmq::inspect, the parser behind kmqinfo
void png_entry(Input data);        // PNG reader
void jpeg_entry(Input data);       // JPEG reader
void pnm_entry(Input data);        // PPM/PGM/PAM reader
void roundtrip_entry(Input data);  // options + pixels -> quantize -> encode -> decode
void copies_entry(Input data);     // method 4 streams of any content in a well-formed file

}  // namespace kmq::fuzz
