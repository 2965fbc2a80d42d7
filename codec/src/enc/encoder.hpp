// SPDX-License-Identifier: MIT
// The encoder's whole files before they are copied anywhere: what kmq::encode() and
// kmq::encode_indexed() return as vectors, and the C API writes into the caller's buffer.
#pragma once

#include <kmq/kmq.hpp>

#include "enc/container_writer.hpp"

namespace kmq::detail {

/// encode_indexed()'s file, not yet written out.
ContainerWriter encode_indexed_file(const IndexedImage& indexed, const EncodeOptions& options);
/// encode()'s file, not yet written out.
ContainerWriter encode_file(const Image& image, const EncodeOptions& options, QuantizeStats* stats);

}  // namespace kmq::detail
