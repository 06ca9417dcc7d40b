// tbb-pipeline: oneTBB's parallel_pipeline over a pipeline workload's
// stages: an input filter hands out ops (tokens), each I/O stage is a
// serial_in_order filter making its blocking call (one op at a time, as a
// classic pipeline's reader/writer), each CPU stage a parallel filter
// (several ops at once, each op's work in one piece). At most `concurrency`
// tokens are in flight: the bounded buffers. An op's state travels in its
// token: its stages run on different threads, one after another.
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "apbench/compute_policies.hpp"
#include "apbench/detail/tsan.hpp"
#include "apbench/pipeline.hpp"
#include "apbench/registry.hpp"
#include "apbench/tbb_arena.hpp"

namespace apb {
namespace {

// One op travelling through the filters.
struct Token {
  Token(std::size_t index, const Batch& batch, ComputePolicy& compute,
        const PipelineBase& pipeline)
      : index(index),
        lane(index),
        op(batch.op_number(index), batch.seed(), compute, lane),
        state(pipeline.new_op_state()) {}
  std::size_t index;  // in the batch (op.index() counts in the whole load)
  LaneState lane;     // the op's own: nothing is kept across ops
  OpContext op;
  PipelineBase::OpStatePtr state;  // the op's state, from stage to stage
  Batch::clock::time_point start;
  bool skip = false;  // dropped (open loop) or failed in an earlier stage
};

class TbbPipelineStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "tbb-pipeline"; }
  std::string_view description() const override {
    return "oneTBB parallel_pipeline over a pipeline's stages: serial "
           "in-order filters for blocking I/O, parallel filters for CPU";
  }
  StrategyTraits traits() const override {
    return {.model = ExecutionModel::pipeline,
            .blocking_workers = true,
            .simplicity = 6};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const override {
    if ((info.forms & form_pipeline) != 0) return std::nullopt;
    return "not a pipeline workload: tbb-pipeline runs declared stages "
           "(apb::PipelineWorkload), this workload is a single op";
  }
  std::size_t effective_concurrency(const Load& load) const override {
    return load.requested_concurrency();  // tokens in flight
  }
  Recording recording(const Load&) const override {
    return {1, true};  // the last filter is serial; a mutex keeps TSan calm
  }

  void execute(const WorkloadInfo&, Workload& workload,
               Batch& batch) const override {
    auto& pipeline = dynamic_cast<PipelineBase&>(workload);
    const auto stages = pipeline.stages();
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    allow_tbb_threads(std::max(batch.threads(), hardware));
    tbb::task_arena arena(static_cast<int>(batch.threads()));
    InlineCompute compute;  // parallelism is across tokens

    auto input = tbb::make_filter<void, Token*>(
        tbb::filter_mode::serial_in_order,
        [&](tbb::flow_control& fc) -> Token* {
          const detail::TbbTaskScope handoff;
          const auto index = batch.claim();
          if (!index) {
            fc.stop();
            return nullptr;
          }
          auto token =
              std::make_unique<Token>(*index, batch, compute, pipeline);
          token->op.set_stage_row(batch.stage_row(*index));
          token->op.set_stop_token(batch.stop_token());
          token->start = Batch::clock::now();
          if (batch.open()) {
            if (const auto due = batch.due(*index); token->start < due) {
              if (!batch.wait_until_due(*index)) {
                fc.stop();  // asked to stop while waiting
                return nullptr;
              }
              token->start = Batch::clock::now();
            }
            token->skip = !batch.admit(token->start);
          }
          token->op.mark_op_start();
          return token.release();
        });

    auto stage_filter = [&](std::size_t s) {
      const auto mode = stages[s].kind == StageKind::io
                            ? tbb::filter_mode::serial_in_order
                            : tbb::filter_mode::parallel;
      return tbb::make_filter<Token*, Token*>(mode, [&, s](Token* t) {
        const detail::TbbTaskScope handoff;
        if (!t->skip) {
          try {
            pipeline.run_stage_blocking(t->op, t->state.get(), s);
          } catch (...) {
            batch.record_current_exception();
            t->skip = true;
          }
        }
        return t;
      });
    };
    tbb::filter<Token*, Token*> middle = stage_filter(0);
    for (std::size_t s = 1; s < stages.size(); ++s)
      middle = middle & stage_filter(s);

    auto output = tbb::make_filter<Token*, void>(
        tbb::filter_mode::serial_out_of_order, [&](Token* raw) {
          const detail::TbbTaskScope handoff;
          std::unique_ptr<Token> t(raw);  // releases the op's state
          if (t->skip) return;
          try {
            pipeline.finish_op(t->op, t->state.get());
          } catch (...) {
            batch.record_current_exception();
            return;
          }
          batch.record_ok(0, t->index, t->start,
                          t->op.end_time(Batch::clock::now()), t->op.digest());
        });

    const auto tokens = std::max<std::size_t>(batch.concurrency(), 1);
    detail::tsan_publish_to_tbb();
    arena.execute(
        [&] { tbb::parallel_pipeline(tokens, input & middle & output); });
    detail::tsan_receive_from_tbb();
  }
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(TbbPipelineStrategy);

}  // namespace apb
