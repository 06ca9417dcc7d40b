#pragma once
// How a strategy runs the CPU work inside an op (OpContext::compute).
#include <oneapi/tbb/task_arena.h>

#include "apbench/fork_join_models.hpp"
#include "apbench/workload.hpp"

namespace apb {

// On the calling thread, one piece: what a plain loop or coroutine does.
// An async op's CPU work then runs on (and blocks) its event-loop thread.
// Fork-join ops use `model` (default: inline calls).
class InlineCompute final : public ComputePolicy {
 public:
  explicit InlineCompute(ForkJoin& model = inline_fork_join())
      : model_(model) {}
  std::string_view name() const override { return "inline"; }
  ForkJoin& fork_join() override { return model_; }
  std::uint64_t run(std::size_t items, const Kernel& kernel) override;
  asio::awaitable<std::uint64_t> run_async(std::size_t items,
                                           const Kernel& kernel) override;

 private:
  ForkJoin& model_;
};

// tbb::parallel_reduce in the caller's current arena (the parallel
// strategy's workers help each other inside one op).
class ParallelCompute final : public ComputePolicy {
 public:
  std::string_view name() const override { return "parallel_reduce"; }
  std::uint64_t run(std::size_t items, const Kernel& kernel) override;
  asio::awaitable<std::uint64_t> run_async(std::size_t items,
                                           const Kernel& kernel) override;
  ForkJoin& fork_join() override { return model_; }

 private:
  TbbForkJoin model_;
};

// Offloaded to `arena` with co_await apb::offload, split there with
// tbb::parallel_reduce; the coroutine resumes on its own executor.
class OffloadCompute final : public ComputePolicy {
 public:
  explicit OffloadCompute(tbb::task_arena& arena)
      : arena_(arena), model_(arena) {}
  std::string_view name() const override { return "offload"; }
  std::uint64_t run(std::size_t items, const Kernel& kernel) override;
  asio::awaitable<std::uint64_t> run_async(std::size_t items,
                                           const Kernel& kernel) override;
  ForkJoin& fork_join() override { return model_; }

 private:
  tbb::task_arena& arena_;
  OffloadForkJoin model_;
};

// Sum of kernel digests over [0, items) with tbb::parallel_reduce.
std::uint64_t parallel_digest(std::size_t items, const Kernel& kernel);

}  // namespace apb
