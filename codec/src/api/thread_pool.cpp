// SPDX-License-Identifier: MIT
// kmq::ThreadPool: worker threads that take the tasks of every run() in order, with the caller of
// run() working on its own job too, so that nested runs cannot deadlock: a thread only ever waits
// for tasks that other threads are already running.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <kmq/kmq.hpp>
#include <mutex>
#include <thread>
#include <vector>

namespace kmq {

namespace {

// One run(): its tasks are claimed by index, by the caller and by any idle worker.
struct Job {
  const std::function<void(std::size_t)>* task = nullptr;
  std::size_t count = 0;
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;  // tasks finished (under the pool's mutex)
  int helpers = 0;       // workers inside this job (under the pool's mutex)
  std::exception_ptr failure;
  std::condition_variable finished;
};

}  // namespace

struct ThreadPool::State {
  int concurrency = 1;
  std::mutex mutex;
  std::condition_variable work_available;
  std::deque<Job*> jobs;  // runs under way, oldest first
  bool stopping = false;
  std::vector<std::jthread> workers;

  // Claims and runs tasks of `job` until none is left unclaimed.
  void work_on(Job& job) {
    for (;;) {
      const std::size_t i = job.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= job.count) return;
      std::exception_ptr failure;
      try {
        (*job.task)(i);
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard lock(mutex);
      if (failure && !job.failure) job.failure = failure;
      if (++job.done == job.count) job.finished.notify_all();
    }
  }

  Job* job_with_work() {
    for (Job* job : jobs) {
      if (job->next.load(std::memory_order_relaxed) < job->count) return job;
    }
    return nullptr;
  }

  void worker_loop() {
    std::unique_lock lock(mutex);
    for (;;) {
      Job* job = nullptr;
      work_available.wait(lock, [&] { return stopping || (job = job_with_work()) != nullptr; });
      if (stopping) return;
      ++job->helpers;
      lock.unlock();
      work_on(*job);
      lock.lock();
      if (--job->helpers == 0 && job->done == job->count) job->finished.notify_all();
    }
  }

  void start_workers() {
    // Under the mutex: the first run() that can use them starts them.
    if (!workers.empty() || concurrency <= 1) return;
    workers.reserve(static_cast<std::size_t>(concurrency - 1));
    for (int t = 1; t < concurrency; ++t) workers.emplace_back([this] { worker_loop(); });
  }
};

ThreadPool::ThreadPool(int threads) : state_(std::make_unique<State>()) {
  const unsigned cores = std::thread::hardware_concurrency();
  state_->concurrency = threads > 0 ? threads : std::max(1, static_cast<int>(cores));
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->work_available.notify_all();
  state_->workers.clear();  // joins
}

int ThreadPool::concurrency() const { return state_->concurrency; }

void ThreadPool::run(std::size_t count, const std::function<void(std::size_t)>& task) {
  if (count == 0) return;
  State& state = *state_;
  if (count == 1 || state.concurrency == 1) {
    for (std::size_t i = 0; i < count; ++i) task(i);
    return;
  }
  Job job;
  job.task = &task;
  job.count = count;
  {
    std::lock_guard lock(state.mutex);
    state.start_workers();
    state.jobs.push_back(&job);
  }
  state.work_available.notify_all();
  state.work_on(job);
  std::unique_lock lock(state.mutex);
  job.finished.wait(lock, [&] { return job.done == job.count && job.helpers == 0; });
  state.jobs.erase(std::find(state.jobs.begin(), state.jobs.end(), &job));
  if (job.failure) std::rethrow_exception(job.failure);
}

}  // namespace kmq
