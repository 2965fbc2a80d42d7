// SPDX-License-Identifier: MIT
// Signal-time cleanup. A signal handler can only reach process-wide state, so this file holds
// the tools' one piece of it: a fixed table of temporary file names, filled and emptied through
// atomics so that the handler reads only complete names, and read with nothing but
// async-signal-safe calls (unlink, write, _exit).
#include "interrupt_cleanup.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <thread>

namespace kmq::tools {

namespace {

// Enough for a write on every worker of any batch; a writer waits for a free slot otherwise.
constexpr int kSlots = 64;
constexpr std::size_t kPathBytes = 4096;

enum SlotState : int { kFree = 0, kFilling = 1, kInUse = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  std::atomic<unsigned> generation{0};  // counts fills, so a reader notices a slot reused
  char path[kPathBytes];
};

struct CleanupTable {
  Slot slots[kSlots];
  std::atomic<bool> progress_line_open{false};
};

CleanupTable& table() {
  static CleanupTable instance;
  return instance;
}

void track(const std::filesystem::path& temporary) {
  const std::string& name = temporary.native();
  if (name.size() >= kPathBytes) return;  // no such path on Linux (PATH_MAX is 4096)
  for (;;) {
    for (Slot& slot : table().slots) {
      int expected = kFree;
      if (!slot.state.compare_exchange_strong(expected, kFilling)) continue;
      std::memcpy(slot.path, name.c_str(), name.size() + 1);
      slot.generation.fetch_add(1, std::memory_order_release);
      slot.state.store(kInUse, std::memory_order_release);
      return;
    }
    std::this_thread::yield();
  }
}

void untrack(const std::filesystem::path& temporary) {
  for (Slot& slot : table().slots) {
    if (slot.state.load(std::memory_order_acquire) == kInUse &&
        std::strcmp(slot.path, temporary.c_str()) == 0) {
      slot.state.store(kFree, std::memory_order_release);
      return;
    }
  }
}

extern "C" void on_stop_signal(int signal_number) {
  // Other threads keep running: a slot freed and refilled while its name is copied is passed
  // over (its new file is not under way long enough to matter) rather than half read.
  char name[kPathBytes];
  for (Slot& slot : table().slots) {
    const unsigned generation = slot.generation.load(std::memory_order_acquire);
    if (slot.state.load(std::memory_order_acquire) != kInUse) continue;
    std::memcpy(name, slot.path, kPathBytes);
    name[kPathBytes - 1] = 0;
    if (slot.state.load(std::memory_order_acquire) == kInUse &&
        slot.generation.load(std::memory_order_acquire) == generation) {
      ::unlink(name);
    }
  }
  if (table().progress_line_open.load()) {
    const char newline = '\n';
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, &newline, 1);
  }
  ::_exit(128 + signal_number);
}

}  // namespace

void install_interrupt_cleanup() {
  table();  // constructed before any handler can run
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    sigaddset(&action.sa_mask, signal_number);  // one handler at a time
  }
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(signal_number, &action, nullptr);
  }
}

const io::TemporaryFileHooks& temporary_file_hooks() {
  static const io::TemporaryFileHooks hooks{track, untrack};
  return hooks;
}

void set_progress_line_open(bool open) { table().progress_line_open.store(open); }

}  // namespace kmq::tools
