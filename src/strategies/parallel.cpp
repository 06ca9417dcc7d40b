// parallel: oneTBB. tbb::parallel_for runs the lanes (ops in flight) on an
// arena of T worker threads, and an op's CPU kernel is split again with
// tbb::parallel_reduce over all T, so the cores share one op's work even
// when one op is in flight. Blocking I/O occupies a worker.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "apbench/compute_policies.hpp"
#include "apbench/detail/tsan.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"
#include "apbench/tbb_arena.hpp"

namespace apb {
namespace {

class ParallelStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "parallel"; }
  std::string_view description() const override {
    return "oneTBB: parallel_for across ops on T threads, parallel_reduce "
           "inside an op's CPU kernel; blocking I/O holds a worker";
  }
  StrategyTraits traits() const override {
    return {.model = ExecutionModel::task_pool,
            .blocking_workers = true,
            .simplicity = 2};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const override {
    return needs_blocking(info);
  }
  std::size_t effective_concurrency(const Load& load) const override {
    return std::min<std::size_t>(load.requested_concurrency(), load.threads);
  }
  Recording recording(const Load& load) const override {
    return {load.threads, false};  // one slot per arena thread index
  }

  void execute(const WorkloadInfo&, Workload& workload,
               Batch& batch) const override {
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    // Allow more than the default (= cores) when --threads asks for it.
    allow_tbb_threads(std::max(batch.threads(), hardware));
    // Two knobs: the arena has --threads workers, whatever the ops in
    // flight, so one op's kernel still spreads over every thread; the
    // concurrency is the number of lanes, each a task running its ops one
    // after another.
    tbb::task_arena arena(static_cast<int>(batch.threads()));
    ParallelCompute compute;
    std::vector<std::unique_ptr<LaneState>> lanes;
    for (std::size_t i = 0; i < batch.concurrency(); ++i)
      lanes.push_back(std::make_unique<LaneState>(i));
    // One lane per task (grain 1, simple partitioner). A lane's ops run on
    // the worker that took the lane; their kernels are isolated (see
    // ParallelCompute), so while that worker waits for its pieces it only
    // helps with them and never starts another lane's op: its thread index
    // is a recording slot no other running op uses. oneTBB hands tasks to
    // workers inside the uninstrumented libtbb: TbbBody tells
    // ThreadSanitizer.
    const detail::TbbBody run_lanes(
        [&](const tbb::blocked_range<std::size_t>& range) {
          const auto slot = static_cast<unsigned>(
              tbb::this_task_arena::current_thread_index());
          for (std::size_t lane = range.begin(); lane != range.end(); ++lane)
            while (const auto index = batch.claim())
              batch.run_lane_op(workload, *index, compute, slot, *lanes[lane]);
        });
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, batch.concurrency(), 1), run_lanes,
          tbb::simple_partitioner());
    });
    detail::tsan_receive_from_tbb();
  }
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(ParallelStrategy);

}  // namespace apb
