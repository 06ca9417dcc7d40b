// parallel: oneTBB. tbb::parallel_for hands ops to T worker threads, and
// an op's CPU kernel is split again with tbb::parallel_reduce, so the
// cores share one op's work too. Blocking I/O occupies a worker.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "engine/compute_policies.hpp"
#include "engine/tbb_setup.hpp"
#include "apbench/detail/tsan.hpp"
#include "builtin.hpp"
#include "forms.hpp"

namespace apb {
namespace {

class ParallelStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "parallel"; }
  std::string_view description() const override {
    return "oneTBB: parallel_for across ops on T threads, parallel_reduce "
           "inside an op's CPU kernel; blocking I/O holds a worker";
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
    tbb::task_arena arena(static_cast<int>(batch.concurrency()));
    ParallelCompute compute;
    // One op per task (grain 1, simple partitioner): a blocking op must not
    // hold back a chunk of others behind it. oneTBB hands tasks to workers
    // inside the uninstrumented libtbb: TbbBody tells ThreadSanitizer.
    // One lane per arena slot: an op runs whole on one worker (nested
    // kernels are isolated, see ParallelCompute), so a slot's ops run one
    // after another.
    std::vector<std::unique_ptr<LaneState>> lanes;
    for (std::size_t i = 0; i < batch.concurrency(); ++i)
      lanes.push_back(std::make_unique<LaneState>(i));
    const detail::TbbBody run_ops(
        [&](const tbb::blocked_range<std::size_t>& range) {
          const auto slot = static_cast<unsigned>(
              tbb::this_task_arena::current_thread_index());
          for (std::size_t i = range.begin(); i != range.end(); ++i)
            if (const auto index = batch.claim())
              batch.run_blocking(workload, *index, compute, slot,
                                 *lanes.at(slot));
        });
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, batch.ops(), 1),
                        run_ops, tbb::simple_partitioner());
    });
    detail::tsan_receive_from_tbb();
  }
};

}  // namespace

std::unique_ptr<Strategy> make_parallel_strategy() {
  return std::make_unique<ParallelStrategy>();
}

}  // namespace apb
