// SPDX-License-Identifier: MIT
// Several threads encoding and decoding different images through the library at once (run
// under ThreadSanitizer in CI): results must match the same work done on one thread.
#include <gtest/gtest.h>

#include <kmq/kmq.hpp>
#include <thread>
#include <vector>

#include "test_images.hpp"

namespace {

struct Job {
  kmq::Image image;
  kmq::EncodeOptions options;
};

std::vector<Job> jobs() {
  std::vector<Job> all;
  const kmq::Method methods[] = {kmq::Method::kmeans, kmq::Method::minibatch, kmq::Method::gmm};
  for (int i = 0; i < 6; ++i) {
    Job job{i % 2 ? kmq::testing::gradient_image(40 + i, 30)
                  : kmq::testing::half_transparent_image(36, 20 + i),
            {}};
    job.options.colors = 4 + 5 * i;
    job.options.method = methods[i % 3];
    job.options.dither = i == 4 ? 0.7 : 0;
    job.options.space = i == 5 ? kmq::ColorSpace::oklab : kmq::ColorSpace::rgb;
    job.options.threads = 2;  // the library's own workers run inside each caller thread
    job.options.level = 3;
    all.push_back(std::move(job));
  }
  return all;
}

TEST(Threads, ConcurrentEncodesMatchSequentialOnes) {
  const std::vector<Job> work = jobs();
  std::vector<std::vector<std::uint8_t>> expected;
  for (const Job& job : work) expected.push_back(kmq::encode(job.image, job.options));

  std::vector<std::vector<std::uint8_t>> files(work.size());
  std::vector<kmq::Image> decoded(work.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < work.size(); ++i) {
      threads.emplace_back([&, i] {
        files[i] = kmq::encode(work[i].image, work[i].options);
        decoded[i] = kmq::decode(files[i]);
      });
    }
  }
  for (std::size_t i = 0; i < work.size(); ++i) {
    EXPECT_EQ(files[i], expected[i]) << "job " << i;
    EXPECT_EQ(decoded[i], kmq::decode(expected[i])) << "job " << i;
  }
}

}  // namespace
