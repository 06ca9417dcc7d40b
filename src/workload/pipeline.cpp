#include "apbench/pipeline.hpp"

#include <algorithm>
#include <cmath>

namespace apb {

std::string_view to_string(StageKind kind) {
  return kind == StageKind::cpu ? "cpu" : "io";
}

asio::awaitable<void> PipelineWorkload::async_op(OpContext& op) {
  op.mark_op_start();
  const auto list = stages();
  for (std::size_t s = 0; s < list.size(); ++s) {
    op.mark_stage(s, true);
    if (list[s].kind == StageKind::io) {
      co_await async_io(op, s);
    } else {
      op.add_digest(co_await op.async_compute(
          cpu_items(s),
          [this, &op, s](IndexRange r) { return cpu_kernel(op, s, r); }));
    }
    op.mark_stage(s, false);
  }
}

void PipelineWorkload::run_stage_blocking(OpContext& op, std::size_t stage) {
  op.mark_stage(stage, true);
  if (stages()[stage].kind == StageKind::io) {
    blocking_io(op, stage);
  } else {
    op.add_digest(op.compute(
        cpu_items(stage),
        [this, &op, stage](IndexRange r) { return cpu_kernel(op, stage, r); }));
  }
  op.mark_stage(stage, false);
}

void PipelineWorkload::blocking_op(OpContext& op) {
  op.mark_op_start();
  const std::size_t n = stages().size();
  for (std::size_t s = 0; s < n; ++s) run_stage_blocking(op, s);
}

std::optional<double> PipelineWorkload::ideal_seconds(
    const RunSetup& run) const {
  const auto list = stages();
  const double cores = std::max(1u, run.cores);
  const auto lanes =
      static_cast<double>(std::max<std::size_t>(run.concurrency, 1));
  const auto ops = static_cast<double>(run.ops);
  double io = 0, cpu = 0, io_before = 0, io_after = 0;
  bool seen_cpu = false;
  for (const auto& s : list) {
    if (s.kind == StageKind::cpu) {
      cpu += s.seconds;
      seen_cpu = true;
      io_after = 0;
    } else {
      io += s.seconds;
      (seen_cpu ? io_after : io_before) += s.seconds;
    }
  }
  const double path = io + cpu / cores;
  const double latency_bound = std::ceil(ops / lanes) * path;
  const double cpu_bound = io_before + ops * cpu / cores + io_after;
  return std::max(latency_bound, cpu_bound);
}

}  // namespace apb
