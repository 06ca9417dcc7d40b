#pragma once
// Pipelines: a workload declared as a sequence of stages, each I/O (an
// async or a blocking call) or CPU (a kernel the strategy may split, or
// work that runs whole), e.g. fetch -> parse -> crunch. Every op has a state
// of its own (the OpState type the workload declares: the fetched bytes,
// the parsed document) that its stages share, created when the op starts
// and destroyed when it ends. Every strategy can run it as one op (the
// stages in order); pipeline strategies (tbb-pipeline) run the stages as
// their own filters, the state travelling with the op. Either way each
// stage is timed, so the results show where an op's time goes and which
// stage bounds the pipeline.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "apbench/workload.hpp"

namespace apb {

enum class StageKind {
  io,         // waits: async_io / blocking_io
  cpu,        // a kernel over per-op items, split as the strategy decides
  cpu_whole,  // CPU work that cannot be split (a parse): one piece, one thread
};
std::string_view to_string(StageKind kind);  // "io", "cpu", "cpu_whole"
inline bool is_cpu(StageKind kind) { return kind != StageKind::io; }

struct Stage {
  std::string name;
  StageKind kind = StageKind::io;
  // The stage's cost per op for the ideal model, in seconds: an I/O stage's
  // wait (its critical path when it fans out), a CPU stage's work on one
  // core (when ops differ, a typical op's or a lower bound). Filled in
  // after setup().
  double seconds = 0;
};

// The state of a pipeline whose ops carry no data of their own.
struct NoOpState {};

template <class OpState>
class PipelineWorkload;

// A pipeline as strategies see it: the stages, over a type-erased op state.
// Workloads derive from PipelineWorkload<OpState> (below).
class PipelineBase : public Workload {
 public:
  // The stages, in order; called after setup().
  virtual std::vector<Stage> stages() const = 0;

  // One op = a new state, the stages in order (each timed), then the
  // op-finished hook (not timed) and the state destroyed. CPU stages go
  // through the op's compute policy (inline, parallel_reduce or offload:
  // the strategy's).
  asio::awaitable<void> async_op(OpContext& op) final;
  void blocking_op(OpContext& op) final;

  // Stage by stage, for strategies that run each stage as a step of its own
  // (tbb-pipeline's filters, on different threads): the op's state, made
  // by new_op_state(), travels with the op (keep it beside its OpContext);
  // run_stage_blocking() runs one stage in its blocking form, timed;
  // finish_op() stamps the op's end, then runs the op-finished hook (which
  // may throw: a failed op). Destroying the state releases the op's data.
  using OpStatePtr = std::unique_ptr<void, void (*)(void*)>;
  virtual OpStatePtr new_op_state() const = 0;
  void run_stage_blocking(OpContext& op, void* state, std::size_t stage);
  void finish_op(OpContext& op, void* state);

  // Lower bound from the stage costs with C ops in flight on P cores: the
  // CPU work of all ops spread over the cores (plus the I/O before the
  // first and after the last CPU stage), and ceil(N / C) ops' critical
  // paths (all I/O + whole CPU stages + split CPU / P) in turn.
  std::optional<double> ideal_seconds(const RunSetup& run) const override;

 private:
  template <class OpState>
  friend class PipelineWorkload;
  PipelineBase() = default;  // only through PipelineWorkload<OpState>

  virtual asio::awaitable<void> do_async_io(OpContext& op, void* state,
                                            std::size_t stage) = 0;
  virtual void do_blocking_io(OpContext& op, void* state,
                              std::size_t stage) = 0;
  virtual std::size_t do_cpu_items(const OpContext& op, const void* state,
                                   std::size_t stage) const = 0;
  virtual std::uint64_t do_cpu_kernel(const OpContext& op, const void* state,
                                      std::size_t stage, IndexRange range) = 0;
  virtual std::uint64_t do_cpu_whole(OpContext& op, void* state,
                                     std::size_t stage) = 0;
  virtual void do_op_finished(OpContext& op, void* state) = 0;
};

// A pipeline workload whose ops each carry an OpState (default-constructed
// when the op starts; NoOpState when they carry nothing). Override the
// functions of the stage kinds you declare; each gets the op's state.
template <class OpState = NoOpState>
class PipelineWorkload : public PipelineBase {
 public:
  using State = OpState;

  // I/O stage `stage`: the async form awaits, the blocking form blocks.
  virtual asio::awaitable<void> async_io(OpContext& op, OpState& state,
                                         std::size_t stage) {
    (void)op, (void)state;
    missing("async_io", stage);
    co_return;
  }
  virtual void blocking_io(OpContext& op, OpState& state, std::size_t stage) {
    (void)op, (void)state;
    missing("blocking_io", stage);
  }

  // Splittable CPU stage `stage` (StageKind::cpu): this op's number of
  // items, decided from its state, computed by cpu_kernel over any split
  // of them, pieces possibly at once on several threads (so the state is
  // read-only here); the digests of the pieces add up to the stage's,
  // which is added to the op's.
  virtual std::size_t cpu_items(const OpContext& op, const OpState& state,
                                std::size_t stage) const {
    (void)op, (void)state;
    missing("cpu_items", stage);
    return 0;
  }
  virtual std::uint64_t cpu_kernel(const OpContext& op, const OpState& state,
                                   std::size_t stage, IndexRange range) {
    (void)op, (void)state, (void)range;
    missing("cpu_kernel", stage);
    return 0;
  }

  // Unsplittable CPU stage `stage` (StageKind::cpu_whole): called once per
  // op, on one thread (offloaded whole where the strategy offloads); it may
  // change the state. Returns a digest added to the op's.
  virtual std::uint64_t cpu_whole(OpContext& op, OpState& state,
                                  std::size_t stage) {
    (void)op, (void)state;
    missing("cpu_whole", stage);
    return 0;
  }

  // The op-finished hook: after the op's last stage, outside every stage
  // and not timed (neither in a stage nor in the op's latency). Check the
  // op's result here (throw apb::OpError to fail the op) or release data
  // early; the state is destroyed right after it, and also when a stage
  // failed (the hook is then not called).
  virtual void op_finished(OpContext& op, OpState& state) {
    (void)op, (void)state;
  }

  OpStatePtr new_op_state() const final {
    return {new OpState{}, [](void* p) { delete static_cast<OpState*>(p); }};
  }

 private:
  [[noreturn]] void missing(const char* function, std::size_t stage) const {
    const auto list = stages();
    throw std::logic_error(
        "pipeline stage '" + (stage < list.size() ? list[stage].name : "?") +
        "' (" +
        std::string(
            to_string(stage < list.size() ? list[stage].kind : StageKind::io)) +
        ") needs " + function + ", which the workload does not override");
  }
  static OpState& typed(void* state) { return *static_cast<OpState*>(state); }
  static const OpState& typed(const void* state) {
    return *static_cast<const OpState*>(state);
  }

  asio::awaitable<void> do_async_io(OpContext& op, void* state,
                                    std::size_t stage) final {
    co_await async_io(op, typed(state), stage);
  }
  void do_blocking_io(OpContext& op, void* state, std::size_t stage) final {
    blocking_io(op, typed(state), stage);
  }
  std::size_t do_cpu_items(const OpContext& op, const void* state,
                           std::size_t stage) const final {
    return cpu_items(op, typed(state), stage);
  }
  std::uint64_t do_cpu_kernel(const OpContext& op, const void* state,
                              std::size_t stage, IndexRange range) final {
    return cpu_kernel(op, typed(state), stage, range);
  }
  std::uint64_t do_cpu_whole(OpContext& op, void* state,
                             std::size_t stage) final {
    return cpu_whole(op, typed(state), stage);
  }
  void do_op_finished(OpContext& op, void* state) final {
    op_finished(op, typed(state));
  }
};

}  // namespace apb
