// SPDX-License-Identifier: MIT
// Whole-file reading and crash-safe writing (temporary file + rename), with "-" for stdio and
// direct writes into devices and FIFOs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <kmq/io.hpp>
#include <random>
#include <string>

namespace kmq::io {

namespace {

[[noreturn]] void io_error(const std::filesystem::path& path, const std::string& what) {
  throw Error(ErrorCategory::io, path.string() + ": " + what);
}

// Closes a descriptor, and removes the temporary file unless committed.
class TemporaryFile {
 public:
  TemporaryFile(const std::filesystem::path& target, const TemporaryFileHooks& hooks)
      : hooks_(hooks) {
    const std::filesystem::path folder =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::random_device entropy;
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
      path_ = folder / ("." + target.filename().string() + ".tmp" + std::to_string(entropy()));
      if (hooks_.creating) hooks_.creating(path_);
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd_ < 0) {
        const int saved = errno;
        if (hooks_.done) hooks_.done(path_);
        if (saved != EEXIST) io_error(target, std::strerror(saved));
      }
    }
    if (fd_ < 0) io_error(target, "cannot create a temporary file");
  }
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
    if (hooks_.done) hooks_.done(path_);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  int fd() const { return fd_; }
  // No fsync: the rename already makes the file appear whole or not at all; durability across
  // a power cut is left to the file system, as pngquant and cwebp do.
  void commit(const std::filesystem::path& target) {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) io_error(target, std::strerror(errno));
    if (::rename(path_.c_str(), target.c_str()) != 0) io_error(target, std::strerror(errno));
    committed_ = true;
  }

 private:
  const TemporaryFileHooks& hooks_;
  std::filesystem::path path_;
  int fd_ = -1;
  bool committed_ = false;
};

void write_all(int fd, std::span<const std::uint8_t> bytes, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error(path, std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

// An existing output that is not a regular file (a device, a FIFO) is written into.
void write_into(const std::filesystem::path& path,
                const std::function<void(const ByteSink&)>& produce) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) io_error(path, std::strerror(errno));
  try {
    produce([&](std::span<const std::uint8_t> piece) { write_all(fd, piece, path); });
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) io_error(path, std::strerror(errno));
}

}  // namespace

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) io_error(path, std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  // A regular file's size is known: read into exactly that much (growth by doubling could
  // hold up to twice the file). Pipes and files that change while read still work.
  struct stat status {};
  if (!is_stdin && ::fstat(fd, &status) == 0) {
    if (S_ISDIR(status.st_mode)) {
      ::close(fd);
      io_error(path, "is a folder, not a file");
    }
    if (S_ISREG(status.st_mode) && status.st_size > 0) {
      bytes.reserve(static_cast<std::size_t>(status.st_size));
    }
  }
  std::uint8_t buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      if (!is_stdin) ::close(fd);
      io_error(path, std::strerror(saved));
    }
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  if (!is_stdin) ::close(fd);
  return bytes;
}

void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                           const TemporaryFileHooks& hooks) {
  write_file_atomically(
      path, [&](const ByteSink& sink) { sink(bytes); }, hooks);
}

void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const ByteSink&)>& produce,
                           const TemporaryFileHooks& hooks) {
  if (path == "-") {
    produce([](std::span<const std::uint8_t> piece) {
      write_all(STDOUT_FILENO, piece, "standard output");
    });
    return;
  }
  std::filesystem::path target = path;
  struct stat status {};
  if (::lstat(path.c_str(), &status) == 0 && S_ISLNK(status.st_mode)) {
    // Written through: the file the link names is replaced, the link stays.
    std::error_code error;
    target = std::filesystem::weakly_canonical(path, error);
    if (error) io_error(path, error.message());
  }
  const bool exists = ::stat(target.c_str(), &status) == 0;
  if (exists && S_ISDIR(status.st_mode)) io_error(path, "is a folder");
  if (exists && !S_ISREG(status.st_mode)) {
    write_into(target, produce);
    return;
  }
  TemporaryFile temporary(target, hooks);
  // A file written over keeps its permissions (as cp and zstd --force leave them).
  if (exists) ::fchmod(temporary.fd(), status.st_mode & 07777);
  produce([&](std::span<const std::uint8_t> piece) { write_all(temporary.fd(), piece, path); });
  temporary.commit(target);
}

}  // namespace kmq::io
