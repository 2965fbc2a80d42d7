// SPDX-License-Identifier: MIT
// Replays every fuzz seed and every saved crash through the fuzz entry points, in the ordinary
// (and sanitizer) builds, so a fixed crash stays fixed without libFuzzer.
#include <gtest/gtest.h>

#include <filesystem>
#include <kmq/io.hpp>
#include <string>
#include <vector>

#include "fuzz_entries.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path kFuzz = KMQ_FUZZ_DIR;

const fs::path kVectors = KMQ_VECTORS_DIR;

struct Target {
  const char* name;
  const char* corpus;  // under fuzz/corpus, or "vectors": format-spec/vectors (valid, invalid)
  void (*entry)(kmq::fuzz::Input);
};

// The seed folders of a target: the .kmq targets start from the format's test vectors.
std::vector<fs::path> seed_folders(const Target& target) {
  if (std::string(target.corpus) == "vectors") return {kVectors / "valid", kVectors / "invalid"};
  return {kFuzz / "corpus" / target.corpus};
}

class FuzzReplay : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplay, EverySeedAndSavedCrashRunsCleanly) {
  const Target target = GetParam();
  int replayed = 0;
  std::vector<fs::path> folders = seed_folders(target);
  folders.push_back(kFuzz / "regressions" / target.name);
  for (const fs::path& folder : folders) {
    if (!fs::exists(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (!entry.is_regular_file() || entry.path().filename() == ".gitkeep") continue;
      if (folder.parent_path() == kVectors && entry.path().extension() != ".kmq") continue;
      SCOPED_TRACE(entry.path().string());
      const auto bytes = kmq::io::read_file(entry.path());
      target.entry(bytes);
      ++replayed;
    }
  }
  EXPECT_GT(replayed, 0);
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay,
                         ::testing::Values(Target{"decode", "vectors", kmq::fuzz::decode_entry},
                                           Target{"inspect", "vectors", kmq::fuzz::inspect_entry},
                                           Target{"png", "png", kmq::fuzz::png_entry},
                                           Target{"jpeg", "jpeg", kmq::fuzz::jpeg_entry},
                                           Target{"pnm", "pnm", kmq::fuzz::pnm_entry},
                                           Target{"roundtrip", "roundtrip",
                                                  kmq::fuzz::roundtrip_entry},
                                           Target{"copies", "copies", kmq::fuzz::copies_entry}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
