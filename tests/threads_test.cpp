// SPDX-License-Identifier: MIT
// Several threads encoding and decoding different images through the library at once (run
// under ThreadSanitizer in CI): results must match the same work done on one thread.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <kmq/kmq.hpp>
#include <mutex>
#include <set>
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

TEST(Threads, OnePoolSharedByConcurrentCallsGivesTheSameFiles) {
  const std::vector<Job> work = jobs();
  std::vector<std::vector<std::uint8_t>> expected;
  for (const Job& job : work) expected.push_back(kmq::encode(job.image, job.options));
  kmq::ThreadPool pool(3);
  std::vector<std::vector<std::uint8_t>> files(work.size());
  {
    std::vector<std::jthread> callers;
    for (std::size_t i = 0; i < work.size(); ++i) {
      callers.emplace_back([&, i] {
        kmq::EncodeOptions options = work[i].options;
        options.runner = &pool;
        files[i] = kmq::encode(work[i].image, options);
        kmq::DecodeOptions decoding;
        decoding.runner = &pool;
        EXPECT_EQ(kmq::decode(files[i], decoding), kmq::decode(expected[i])) << i;
      });
    }
  }
  for (std::size_t i = 0; i < work.size(); ++i) EXPECT_EQ(files[i], expected[i]) << "job " << i;
}

TEST(ThreadPool, RunsEveryTaskOnceNeverMoreAtOnceThanItsThreadsAndNestsWithoutDeadlock) {
  kmq::ThreadPool pool(3);
  EXPECT_EQ(pool.concurrency(), 3);
  std::vector<std::atomic<int>> calls(1000);
  std::atomic<int> running{0}, most{0};
  pool.run(calls.size(), [&](std::size_t i) {
    const int now = ++running;
    for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    ++calls[i];
    --running;
  });
  for (const auto& count : calls) EXPECT_EQ(count, 1);
  EXPECT_LE(most, 3);
  // Three levels of runs inside runs, more tasks than threads at each.
  std::atomic<int> leaves{0};
  pool.run(4, [&](std::size_t) {
    pool.run(5, [&](std::size_t) { pool.run(6, [&](std::size_t) { ++leaves; }); });
  });
  EXPECT_EQ(leaves, 4 * 5 * 6);
  // A task that throws: every other task still runs once, and run() rethrows.
  std::atomic<int> others{0};
  EXPECT_THROW(pool.run(50,
                        [&](std::size_t i) {
                          if (i == 7) throw std::runtime_error("task 7");
                          ++others;
                        }),
               std::runtime_error);
  EXPECT_EQ(others, 49);
}

// The threads of this process, from /proc.
int thread_count() {
  int count = 0;
  if (DIR* tasks = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(tasks)) count += entry->d_name[0] != '.';
    ::closedir(tasks);
  }
  return count;
}

// A host's runner: it records which threads ran tasks, and how many of its calls overlapped.
class RecordingRunner final : public kmq::TaskRunner {
 public:
  explicit RecordingRunner(int concurrency) : pool_(concurrency), concurrency_(concurrency) {}
  void run(std::size_t count, const std::function<void(std::size_t)>& task) override {
    ++runs;
    pool_.run(count, [&](std::size_t i) {
      {
        std::lock_guard lock(mutex_);
        ran_on.insert(std::this_thread::get_id());
      }
      task(i);
    });
  }
  int concurrency() const override { return concurrency_; }
  std::atomic<int> runs{0};
  std::set<std::thread::id> ran_on;

 private:
  kmq::ThreadPool pool_;
  int concurrency_;
  std::mutex mutex_;
};

TEST(TaskRunner, AHostsRunnerDoesAllTheWorkAndKmqStartsNoThreadOfItsOwn) {
  const kmq::Image image = kmq::testing::gradient_image(300, 200);
  kmq::EncodeOptions options;
  options.colors = 64;
  options.threads = 3;
  options.label_coding = kmq::LabelCodingChoice::partitions;  // streams decode in parallel
  const std::vector<std::uint8_t> expected = kmq::encode(image, options);
  RecordingRunner host(3);
  host.run(3, [](std::size_t) {});  // the host's threads exist before kmq is called
  host.ran_on.clear();
  const int threads_before = thread_count();
  options.runner = &host;
  int threads_during = 0;
  const std::vector<std::uint8_t> file = kmq::encode(image, options);
  threads_during = std::max(threads_during, thread_count());
  EXPECT_EQ(file, expected);
  EXPECT_GT(host.runs, 0);
  EXPECT_LE(host.ran_on.size(), 3u);
  EXPECT_EQ(threads_during, threads_before) << "kmq started threads of its own";
  kmq::DecodeOptions decoding;
  decoding.runner = &host;
  const int runs_before_decode = host.runs;
  EXPECT_EQ(kmq::decode(file, decoding), kmq::decode(expected));
  EXPECT_GT(host.runs, runs_before_decode);
  EXPECT_EQ(thread_count(), threads_before);
}

TEST(TaskRunner, ThreadsCapsWhatACallUsesOfALargerRunner) {
  kmq::ThreadPool pool(8);
  const kmq::Image image = kmq::testing::gradient_image(400, 300);
  // A runner wrapper that measures how many tasks run at once.
  struct Measuring final : kmq::TaskRunner {
    explicit Measuring(kmq::TaskRunner& inner) : inner_(inner) {}
    void run(std::size_t count, const std::function<void(std::size_t)>& task) override {
      inner_.run(count, [&](std::size_t i) {
        const int now = ++running;
        for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        task(i);
        --running;
      });
    }
    int concurrency() const override { return inner_.concurrency(); }
    std::atomic<int> running{0}, most{0};
    kmq::TaskRunner& inner_;
  } measuring(pool);
  kmq::EncodeOptions options;
  options.colors = 32;
  options.threads = 2;
  options.runner = &measuring;
  kmq::encode(image, options);
  EXPECT_GE(measuring.most, 1);
  // Nested loops each stay within the cap, so at most 2 x 2 tasks of this call run at once.
  EXPECT_LE(measuring.most, 4);
}

}  // namespace
