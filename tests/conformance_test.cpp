// SPDX-License-Identifier: MIT
// format-spec/vectors: valid files decode to their exact pixels; invalid files fail with the
// listed error category.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "metadata_text.hpp"
#include "test_images.hpp"

namespace {

const std::filesystem::path kVectors = KMQ_VECTORS_DIR;

std::string category_token(kmq::ErrorCategory category) {
  switch (category) {
    case kmq::ErrorCategory::bad_input:
      return "bad_input";
    case kmq::ErrorCategory::corrupt_file:
      return "corrupt_file";
    case kmq::ErrorCategory::unsupported:
      return "unsupported";
    case kmq::ErrorCategory::limit_exceeded:
      return "limit_exceeded";
    case kmq::ErrorCategory::io:
      return "io";
    case kmq::ErrorCategory::target_not_met:
      return "target_not_met";
  }
  return "?";
}

TEST(Conformance, ValidVectorsDecodeToTheirExpectedPixels) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kVectors / "valid")) {
    if (entry.path().extension() != ".kmq") continue;
    SCOPED_TRACE(entry.path().filename().string());
    auto expected_path = entry.path();
    expected_path.replace_extension(".pam");
    const auto expected = kmq::io::read_image(kmq::io::read_file(expected_path));
    const auto file = kmq::io::read_file(entry.path());
    const auto decoded = kmq::decode(file);
    EXPECT_TRUE(kmq::testing::same_pixels(decoded, expected));
    EXPECT_TRUE(kmq::testing::same_pixels(kmq::expand(kmq::decode_indexed(file)), expected));
    // The metadata of valid/<name>.meta, or none.
    auto meta_path = entry.path();
    meta_path.replace_extension(".meta");
    kmq::Metadata metadata;
    if (std::filesystem::exists(meta_path)) {
      const auto text = kmq::io::read_file(meta_path);
      metadata = kmq::testing::parse_metadata_text(std::string(text.begin(), text.end()));
      EXPECT_FALSE(metadata.empty());
    }
    EXPECT_EQ(decoded.metadata(), metadata);
    EXPECT_EQ(kmq::inspect(file).metadata, metadata);
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

TEST(Conformance, InvalidVectorsFailWithTheListedCategory) {
  std::ifstream list(kVectors / "invalid" / "expected.txt");
  std::string name, category;
  int checked = 0;
  while (list >> name >> category) {
    SCOPED_TRACE(name);
    const auto file = kmq::io::read_file(kVectors / "invalid" / (name + ".kmq"));
    try {
      kmq::decode(file);
      ADD_FAILURE() << "decoded without error";
    } catch (const kmq::Error& e) {
      EXPECT_EQ(category_token(e.category()), category) << e.what();
    }
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

TEST(Conformance, EveryInvalidVectorIsListed) {
  std::ifstream list(kVectors / "invalid" / "expected.txt");
  std::set<std::string> listed;
  std::string name, category;
  while (list >> name >> category) listed.insert(name);
  for (const auto& entry : std::filesystem::directory_iterator(kVectors / "invalid")) {
    if (entry.path().extension() == ".kmq") {
      EXPECT_TRUE(listed.count(entry.path().stem().string())) << entry.path();
    }
  }
}

}  // namespace
