#pragma once
// The strategies' spawn/join models for fork-join ops (fork_join.hpp): how
// each one runs the children of a fork and waits for them.
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "apbench/asio.hpp"
#include "apbench/fork_join.hpp"

namespace apb {

// parallel: tbb::parallel_invoke for two children, a tbb::task_group for
// more, in the caller's arena. An op's tree is isolated, so a worker that
// waits for its children never starts another lane's op meanwhile.
class TbbForkJoin final : public ForkJoin {
 public:
  std::string_view name() const override {
    return "tbb::parallel_invoke / task_group";
  }
  void join(ForkTasks children) override;
  void run(ForkTask& root) override;
};

// async and async-pool: every child a coroutine co_spawned onto
// `executor` (the one io thread, or the pool's threads) and awaited
// together with make_parallel_group. co_spawn runs a child inline up to
// its first suspension when called on the executor's own thread, so on a
// pool (`queued`) each child first posts itself to the queue, where an idle
// thread can take it; on one thread, inline is the cheapest start.
class CoroutineForkJoin final : public ForkJoin {
 public:
  CoroutineForkJoin(asio::any_io_executor executor, bool queued)
      : executor_(std::move(executor)), queued_(queued) {}
  std::string_view name() const override {
    return queued_ ? "co_spawn onto the pool + a counted join"
                   : "co_spawn + make_parallel_group";
  }
  void join(ForkTasks children) override;  // not used by coroutine forms
  asio::awaitable<void> async_join(ForkTasks children) override;

 private:
  asio::awaitable<void> queued_child(ForkTask* child);
  asio::awaitable<void> pool_join(ForkTasks children);
  asio::any_io_executor executor_;
  bool queued_;
};

// threads: a new std::thread per child while the fork is less than
// `depth_limit` levels deep, inline calls below; more than `max_threads`
// such threads alive at once fail the op, and failure() says why (the
// strategy then fails the run).
class ThreadForkJoin final : public ForkJoin {
 public:
  ThreadForkJoin(unsigned depth_limit, unsigned max_threads)
      : depth_limit_(depth_limit), max_threads_(max_threads) {}
  std::string_view name() const override { return "a std::thread per child"; }
  void join(ForkTasks children) override;
  std::optional<std::string> failure() const;

 private:
  [[noreturn]] void fail(std::string reason);
  unsigned depth_limit_;
  unsigned max_threads_;
  std::atomic<unsigned> alive_{0};
  mutable std::mutex mutex_;
  std::optional<std::string> failure_;
};

// hybrid: an op's whole tree offloaded with co_await apb::offload to the
// arena and forked there by parallel_invoke / task_group; the coroutine
// resumes on its io thread, which stays free meanwhile.
class OffloadForkJoin final : public ForkJoin {
 public:
  explicit OffloadForkJoin(tbb::task_arena& arena) : arena_(arena) {}
  std::string_view name() const override {
    return "offload of the tree, then tbb::parallel_invoke / task_group";
  }
  void join(ForkTasks children) override { inside_.join(children); }
  void run(ForkTask& root) override;
  asio::awaitable<void> async_run(ForkTask& root) override;

 private:
  tbb::task_arena& arena_;
  TbbForkJoin inside_;
};

}  // namespace apb
