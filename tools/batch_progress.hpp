// SPDX-License-Identifier: MIT
// A one-line progress bar on standard error for batch work (only when it is a terminal).
#pragma once

#include <cstddef>
#include <cstdio>

#include "interrupt_cleanup.hpp"

namespace kmq::tools {

class BatchProgress {
 public:
  /// `unit` names what is counted ("files", "steps").
  BatchProgress(std::size_t total, bool enabled, const char* unit = "files")
      : total_(total), enabled_(enabled), unit_(unit) {
    draw();
  }
  ~BatchProgress() { clear(); }
  BatchProgress(const BatchProgress&) = delete;
  BatchProgress& operator=(const BatchProgress&) = delete;

  void advance() {
    ++done_;
    draw();
  }
  /// Erases the bar so that a message can be printed on a clean line.
  void clear() {
    if (!enabled_) return;
    std::fprintf(stderr, "\r\033[K");
    set_progress_line_open(false);
  }

 private:
  void draw() {
    if (!enabled_) return;
    constexpr int kWidth = 30;
    const int filled = total_ == 0 ? kWidth : static_cast<int>(kWidth * done_ / total_);
    set_progress_line_open(true);
    std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu %s", filled,
                 "==============================", kWidth - filled, "", done_, total_, unit_);
    std::fflush(stderr);
  }
  std::size_t total_;
  std::size_t done_ = 0;
  bool enabled_;
  const char* unit_;
};

}  // namespace kmq::tools
