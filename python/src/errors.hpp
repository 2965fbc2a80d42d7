// SPDX-License-Identifier: MIT
// How the codec's and the tools' exceptions reach Python: kmq::Error as kmq.Error with its
// category, a bad option (the tools' UsageError) as ValueError, a file that cannot be used as
// kmq.Error("io").
#pragma once

#include <functional>

namespace kmq::python {

/// Registers the translator; once, when the module loads.
void register_error_translation();

/// Runs `work` without the GIL: the codec never touches Python objects.
void without_gil(const std::function<void()>& work);

}  // namespace kmq::python
