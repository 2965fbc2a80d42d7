// SPDX-License-Identifier: MIT
// Runs the built tools from the CLI tests: a shell command with its exit code and output, or a
// process started in the background to be signalled.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

extern char** environ;

namespace kmq::testing {

struct ToolRun {
  int exit_code;       // 128 + N when signal N stopped it, as a shell reports it
  std::string output;  // standard output and standard error together
};

inline int exit_code_of_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

/// Runs `command` with /bin/sh; standard error goes with standard output.
inline ToolRun run(const std::string& command) {
  ToolRun result{-1, {}};
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  // popen's shell reports a signalled child as 128 + N in its own exit status.
  result.exit_code = exit_code_of_status(status);
  return result;
}

/// Runs `command` on a pseudo-terminal (util-linux script), so that standard input, output and
/// error are all terminals; the output is what the terminal showed.
inline ToolRun run_on_terminal(const std::string& command) {
  std::string quoted;
  for (const char c : command) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return run("script -qec '" + quoted + "' /dev/null < /dev/null");
}

/// A command started in the background with /bin/sh -c "exec COMMAND".
class BackgroundRun {
 public:
  explicit BackgroundRun(const std::string& command) {
    const std::string exec = "exec " + command;
    const char* argv[] = {"/bin/sh", "-c", exec.c_str(), nullptr};
    if (::posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
      pid_ = -1;
  }
  ~BackgroundRun() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
  }
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  /// Whether it is still running.
  bool running() {
    if (waited_) return false;
    int status;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      waited_ = true;
      exit_code_ = exit_code_of_status(status);
    }
    return !waited_;
  }
  void signal(int number) { ::kill(pid_, number); }
  /// Waits for the end; the exit code as run() reports it.
  int wait() {
    if (!waited_) {
      int status;
      ::waitpid(pid_, &status, 0);
      waited_ = true;
      exit_code_ = exit_code_of_status(status);
    }
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  bool waited_ = false;
  int exit_code_ = -1;
};

}  // namespace kmq::testing
