// A pipeline's per-op state (PipelineWorkload<OpState>): each op's stages
// share its own state under every strategy, tbb-pipeline included (where
// the stages run as filters on different threads); a splittable stage's
// items are decided per op from the state; the op-finished hook checks the
// op after its last stage, outside every stage and its latency; an
// unsplittable stage runs in one piece, offloaded whole by hybrid.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "apbench/op_error.hpp"
#include "apbench/pipeline.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "apbench/seed.hpp"
#include "report/cells.hpp"
#include "test_workloads.hpp"

namespace apb::op_state_test {
namespace {

using namespace std::chrono_literals;

// What an op saw, per op index: written by the op-finished hook.
struct OpRecord {
  bool finished = false;
  std::size_t items = 0;     // the crunch stage's items (per op)
  std::uint64_t digest = 0;  // the op's digest at the hook
  int whole_calls = 0;       // calls of the unsplittable stage
  std::thread::id fetch_thread, parse_thread;
};
std::mutex records_mutex;
std::vector<OpRecord> records;

void reset_records(std::size_t ops) {
  const std::lock_guard lock(records_mutex);
  records.assign(ops, {});
}

// The op's items: 1 to 40, from its index, so ops differ.
std::size_t items_of(std::size_t index) { return 1 + mix64(index) % 40; }
std::uint64_t value_of(std::size_t index, std::size_t i) {
  return mix64(index * 1000 + i);
}
// An op's digest, computed here the plain way: the test's oracle.
std::uint64_t expected_digest(std::size_t index) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < items_of(index); ++i)
    sum += mix64(value_of(index, i));
  return sum;
}

struct Document {
  std::size_t index = 0;              // the op this state belongs to
  std::size_t items = 0;              // from the fetch
  std::vector<std::uint64_t> values;  // from the parse
  int whole_calls = 0;
  std::thread::id fetch_thread, parse_thread;
};

// fetch (io: the op's item count), parse (cpu_whole: the values), crunch
// (cpu over the op's values), then the hook checks the digest.
class OpStatePipeline final : public PipelineWorkload<Document> {
 public:
  static WorkloadInfo info() {
    return {.name = "test.op_state",
            .kind = WorkloadKind::hybrid,
            .description = "test: per-op state through the stages",
            .params = {{"finish_sleep",
                        ParamType::duration,
                        "0",
                        "time the op-finished hook takes",
                        {}}},
            .forms = form_async | form_blocking | form_pipeline,
            .default_ops = 8};
  }
  void setup(const RunSetup& run) override {
    finish_sleep_ = run.params.duration("finish_sleep");
  }
  std::vector<Stage> stages() const override {
    return {{"fetch", StageKind::io, 0},
            {"parse", StageKind::cpu_whole, 0},
            {"crunch", StageKind::cpu, 0}};
  }
  asio::awaitable<void> async_io(OpContext& op, Document& doc,
                                 std::size_t) override {
    co_await asio::post(co_await asio::this_coro::executor,
                        asio::use_awaitable);
    fetch(op, doc);
  }
  void blocking_io(OpContext& op, Document& doc, std::size_t) override {
    std::this_thread::yield();
    fetch(op, doc);
  }
  std::uint64_t cpu_whole(OpContext& op, Document& doc, std::size_t) override {
    if (doc.index != op.index() || doc.items != items_of(op.index()))
      throw OpError(cause::mismatch, "another op's state in parse");
    ++doc.whole_calls;
    doc.parse_thread = std::this_thread::get_id();
    doc.values.resize(doc.items);
    for (std::size_t i = 0; i < doc.items; ++i)
      doc.values[i] = value_of(op.index(), i);
    std::this_thread::sleep_for(1ms);  // long enough to be offloaded visibly
    return 0;
  }
  std::size_t cpu_items(const OpContext&, const Document& doc,
                        std::size_t) const override {
    return doc.values.size();
  }
  std::uint64_t cpu_kernel(const OpContext& op, const Document& doc,
                           std::size_t, IndexRange range) override {
    if (doc.index != op.index())
      throw OpError(cause::mismatch, "another op's state in crunch");
    std::uint64_t sum = 0;
    for (std::size_t i = range.begin; i < range.end; ++i)
      sum += mix64(doc.values[i]);
    return sum;
  }
  void op_finished(OpContext& op, Document& doc) override {
    if (finish_sleep_ > 0ns) std::this_thread::sleep_for(finish_sleep_);
    {
      const std::lock_guard lock(records_mutex);
      if (op.index() < records.size())
        records[op.index()] = {true,
                               doc.items,
                               op.digest(),
                               doc.whole_calls,
                               doc.fetch_thread,
                               doc.parse_thread};
    }
    if (op.digest() != expected_digest(op.index()))
      throw OpError(cause::mismatch, "wrong digest");
  }

 private:
  static void fetch(OpContext& op, Document& doc) {
    if (doc.items != 0) throw OpError(cause::mismatch, "state not fresh");
    doc.index = op.index();
    doc.items = items_of(op.index());
    doc.fetch_thread = std::this_thread::get_id();
  }
  std::chrono::nanoseconds finish_sleep_{};
};

RunRequest request(const Strategy& s, std::size_t ops, std::size_t concurrency,
                   const char* finish_sleep = "0") {
  const auto& w = Registry::instance().workload("test.op_state");
  RunRequest r;
  r.workload = &w;
  r.strategy = &s;
  r.params = Params(w.info.params);
  r.params.set("finish_sleep", finish_sleep);
  r.load.ops = ops;
  r.load.concurrency = concurrency;
  r.load.threads = 2;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

TEST(PipelineOpState, EveryStrategyGivesEachOpItsOwnItemsAndDigest) {
  constexpr std::size_t ops = 24;
  std::uint64_t checksum = 0;
  for (std::size_t i = 0; i < ops; ++i) checksum += expected_digest(i);
  const auto strategies = testing::strategies_for("test.op_state");
  ASSERT_GE(strategies.size(), 8u);  // tbb-pipeline among them
  for (const Strategy* s : strategies) {
    SCOPED_TRACE(std::string(s->name()));
    reset_records(ops);
    const RunResult r = run(request(*s, ops, 6));
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u)
        << (r.error_messages.empty() ? "" : r.error_messages.begin()->first);
    ASSERT_TRUE(r.checksum.has_value());
    EXPECT_EQ(*r.checksum, checksum);
    const std::lock_guard lock(records_mutex);
    for (std::size_t i = 0; i < ops; ++i) {
      SCOPED_TRACE(i);
      EXPECT_TRUE(records[i].finished);
      EXPECT_EQ(records[i].items, items_of(i));
      EXPECT_EQ(records[i].digest, expected_digest(i));
      EXPECT_EQ(records[i].whole_calls, 1);
    }
    ASSERT_EQ(r.stages.size(), 3u);
    EXPECT_EQ(r.stages[1].kind, "cpu_whole");
    EXPECT_NE(report_detail::stages_text(r).find("parse cpu (unsplittable)"),
              std::string::npos)
        << report_detail::stages_text(r);
  }
}

// Many tokens at once through tbb-pipeline's filters, each stage on
// whichever thread the filter runs: every op still finds its own state (the
// TSan preset runs this test too).
TEST(PipelineOpState, TbbPipelineCarriesEachOpsStateThroughItsFilters) {
  constexpr std::size_t ops = 200;
  reset_records(ops);
  const RunResult r =
      run(request(Registry::instance().strategy("tbb-pipeline"), ops, 16));
  ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
  EXPECT_EQ(r.errors, 0u) << (r.error_messages.empty()
                                  ? ""
                                  : r.error_messages.begin()->first);
  const std::lock_guard lock(records_mutex);
  for (std::size_t i = 0; i < ops; ++i) {
    EXPECT_TRUE(records[i].finished) << i;
    EXPECT_EQ(records[i].digest, expected_digest(i)) << i;
  }
}

// hybrid offloads the unsplittable stage whole: one call per op, on an
// arena thread, not the event loop's that ran the fetch; async runs it
// inline on the loop.
TEST(PipelineOpState, HybridOffloadsAnUnsplittableStageWhole) {
  constexpr std::size_t ops = 8;
  for (const char* name : {"hybrid", "async"}) {
    SCOPED_TRACE(name);
    reset_records(ops);
    const RunResult r =
        run(request(Registry::instance().strategy(name), ops, 4));
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    const std::lock_guard lock(records_mutex);
    for (std::size_t i = 0; i < ops; ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(records[i].whole_calls, 1);
      if (std::string_view(name) == "hybrid")
        EXPECT_NE(records[i].parse_thread, records[i].fetch_thread);
      else
        EXPECT_EQ(records[i].parse_thread, records[i].fetch_thread);
    }
  }
}

// The hook is not timed: a 100 ms hook is in the wall time but in no op's
// latency (each op's stages take about 1 ms; 50 ms leaves room for a busy
// machine and 2x below the hook).
TEST(PipelineOpState, TheFinishedHookIsOutsideTheOpsLatency) {
  for (const char* name : {"sequential", "tbb-pipeline"}) {
    SCOPED_TRACE(name);
    constexpr std::size_t ops = 3;
    reset_records(ops);
    const RunResult r =
        run(request(Registry::instance().strategy(name), ops, 1, "100ms"));
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    EXPECT_EQ(r.latency_s.count, ops);
    EXPECT_GE(r.wall_s.median, 0.9 * ops * 0.100);
    EXPECT_LT(r.latency_s.max, 0.050);
  }
}

}  // namespace
}  // namespace apb::op_state_test

APB_REGISTER_WORKLOAD(apb::op_state_test::OpStatePipeline);
