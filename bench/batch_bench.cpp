// Per-op cost of the framework's own path through apb::Batch, with an
// empty op: what apbench adds to every op it measures.
#include <benchmark/benchmark.h>

#include <chrono>

#include "apbench/batch.hpp"
#include "apbench/compute_policies.hpp"

namespace {

class EmptyWorkload final : public apb::Workload {
 public:
  void setup(const apb::RunSetup&) override {}
  void blocking_op(apb::OpContext& op) override { op.add_digest(1); }
};

// (d) Recording a finished op: histogram, count and digest of its slot.
void BM_BatchRecordOk(benchmark::State& state) {
  apb::Batch batch(1, 1, 1, 1, 1, false);
  std::int64_t ns = 1000;
  const auto start = apb::Batch::clock::time_point{};
  for (auto _ : state) {
    batch.record_ok(0, 0, start, start + std::chrono::nanoseconds(ns), 1);
    ns = (ns * 7 + 13) & 0xfffff;  // vary the bucket
  }
  benchmark::DoNotOptimize(batch.merged().ok);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BatchRecordOk);

// (e) The whole per-op path of a blocking strategy: claim the index, build
// the op context, call the op, read the clock twice, record.
void BM_BatchRunBlockingEmptyOp(benchmark::State& state) {
  constexpr std::size_t kOps = 1 << 20;
  EmptyWorkload workload;
  apb::InlineCompute compute;
  auto batch = std::make_unique<apb::Batch>(kOps, 1, 1, 1, 1, false);
  apb::LaneState lane(0);
  for (auto _ : state) {
    auto index = batch->claim();
    if (!index) {
      state.PauseTiming();
      batch = std::make_unique<apb::Batch>(kOps, 1, 1, 1, 1, false);
      index = batch->claim();
      state.ResumeTiming();
    }
    batch->run_blocking(workload, *index, compute, 0, lane);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BatchRunBlockingEmptyOp);

}  // namespace
