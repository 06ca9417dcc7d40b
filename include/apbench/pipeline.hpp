#pragma once
// Pipelines: a workload declared as a sequence of stages, each I/O (an
// async or a blocking call) or CPU (a kernel the strategy may split), e.g.
// fetch -> parse -> transform -> store. Every strategy can run it as one op
// (the stages in order); pipeline strategies (tbb-pipeline) run the stages
// as their own filters. Either way each stage is timed, so the results
// show where an op's time goes and which stage bounds the pipeline.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apbench/workload.hpp"

namespace apb {

enum class StageKind { io, cpu };
std::string_view to_string(StageKind kind);  // "io", "cpu"

struct Stage {
  std::string name;
  StageKind kind = StageKind::io;
  // The stage's cost per op for the ideal model, in seconds: an I/O stage's
  // wait (its critical path when it fans out), a CPU stage's work on one
  // core. Filled in after setup().
  double seconds = 0;
};

class PipelineWorkload : public Workload {
 public:
  // The stages, in order; called after setup().
  virtual std::vector<Stage> stages() const = 0;

  // I/O stage `stage`: the async form awaits, the blocking form blocks.
  virtual asio::awaitable<void> async_io(OpContext& op, std::size_t stage) = 0;
  virtual void blocking_io(OpContext& op, std::size_t stage) = 0;

  // CPU stage `stage`: cpu_items(stage) items, computed by cpu_kernel over
  // any split of them; the digests are added to the op's.
  virtual std::size_t cpu_items(std::size_t stage) const = 0;
  virtual std::uint64_t cpu_kernel(OpContext& op, std::size_t stage,
                                   IndexRange range) = 0;

  // One op = the stages in order, timed. CPU stages go through the op's
  // compute policy (inline, parallel_reduce or offload: the strategy's).
  asio::awaitable<void> async_op(OpContext& op) final;
  void blocking_op(OpContext& op) final;
  // Runs one stage in its blocking form, timed (for pipeline strategies,
  // which call it per filter).
  void run_stage_blocking(OpContext& op, std::size_t stage);

  // Lower bound from the stage costs with C ops in flight on P cores: the
  // CPU work of all ops spread over the cores (plus the I/O before the
  // first and after the last CPU stage), and ceil(N / C) ops' critical
  // paths (all I/O + CPU / P) in turn.
  std::optional<double> ideal_seconds(const RunSetup& run) const override;
};

}  // namespace apb
