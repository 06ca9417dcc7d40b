#include "apbench/pipeline.hpp"

#include <algorithm>
#include <cmath>

namespace apb {

std::string_view to_string(StageKind kind) {
  switch (kind) {
    case StageKind::io:
      return "io";
    case StageKind::cpu:
      return "cpu";
    case StageKind::cpu_whole:
      return "cpu_whole";
  }
  return "io";
}

asio::awaitable<void> PipelineBase::async_op(OpContext& op) {
  op.mark_op_start();
  const auto list = stages();
  const OpStatePtr state = new_op_state();
  for (std::size_t s = 0; s < list.size(); ++s) {
    op.mark_stage(s, true);
    switch (list[s].kind) {
      case StageKind::io:
        co_await do_async_io(op, state.get(), s);
        break;
      case StageKind::cpu: {
        const std::size_t items = do_cpu_items(op, state.get(), s);
        op.add_digest(co_await op.async_compute(
            items, [this, &op, &state, s](IndexRange r) {
              return do_cpu_kernel(op, state.get(), s, r);
            }));
        break;
      }
      case StageKind::cpu_whole:
        // One item: the policy runs it in one piece, where it runs CPU
        // work (inline, or offloaded whole).
        op.add_digest(
            co_await op.async_compute(1, [this, &op, &state, s](IndexRange) {
              return do_cpu_whole(op, state.get(), s);
            }));
        break;
    }
    op.mark_stage(s, false);
  }
  finish_op(op, state.get());
}

void PipelineBase::run_stage_blocking(OpContext& op, void* state,
                                      std::size_t stage) {
  const StageKind kind = stages()[stage].kind;
  op.mark_stage(stage, true);
  switch (kind) {
    case StageKind::io:
      do_blocking_io(op, state, stage);
      break;
    case StageKind::cpu:
      op.add_digest(op.compute(do_cpu_items(op, state, stage),
                               [this, &op, state, stage](IndexRange r) {
                                 return do_cpu_kernel(op, state, stage, r);
                               }));
      break;
    case StageKind::cpu_whole:
      op.add_digest(op.compute(1, [this, &op, state, stage](IndexRange) {
        return do_cpu_whole(op, state, stage);
      }));
      break;
  }
  op.mark_stage(stage, false);
}

void PipelineBase::finish_op(OpContext& op, void* state) {
  op.mark_op_end();  // the hook is not part of the op's time
  do_op_finished(op, state);
}

void PipelineBase::blocking_op(OpContext& op) {
  op.mark_op_start();
  const std::size_t n = stages().size();
  const OpStatePtr state = new_op_state();
  for (std::size_t s = 0; s < n; ++s) run_stage_blocking(op, state.get(), s);
  finish_op(op, state.get());
}

std::optional<double> PipelineBase::ideal_seconds(const RunSetup& run) const {
  const auto list = stages();
  const double cores = std::max(1u, run.cores);
  const auto lanes =
      static_cast<double>(std::max<std::size_t>(run.concurrency, 1));
  const auto ops = static_cast<double>(run.ops);
  double io = 0, cpu = 0, whole = 0, io_before = 0, io_after = 0;
  bool seen_cpu = false;
  for (const auto& s : list) {
    if (is_cpu(s.kind)) {
      (s.kind == StageKind::cpu ? cpu : whole) += s.seconds;
      seen_cpu = true;
      io_after = 0;
    } else {
      io += s.seconds;
      (seen_cpu ? io_after : io_before) += s.seconds;
    }
  }
  // A whole stage is on one core whatever the cores: all of it is on the
  // op's critical path; across ops it still spreads over the cores.
  const double path = io + whole + cpu / cores;
  const double latency_bound = std::ceil(ops / lanes) * path;
  const double cpu_bound = io_before + ops * (cpu + whole) / cores + io_after;
  return std::max(latency_bound, cpu_bound);
}

}  // namespace apb
