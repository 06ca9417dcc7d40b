// Stopping a run when asked (Ctrl-C in the command line): the repetition in
// progress ends within moments whatever the strategy, what was measured is
// kept, and the results say they were cut short.
#include "apbench/stop.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>
#include <thread>

#include "apbench/plan.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

using namespace std::chrono_literals;

RunRequest long_sleep(std::string_view strategy, const char* delay) {
  RunRequest r;
  r.workload = &Registry::instance().workload("io.sleep");
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(r.workload->info.params);
  r.params.set("delay", delay);
  r.load.ops = 4;
  r.load.concurrency = 2;
  r.load.threads = 2;
  r.repetitions = 3;
  r.warmup = 0;
  return r;
}

// Requests a stop on `source` after `delay`, from another thread (as the
// command line's signal watcher does). A plain thread: g++ -Og warns about
// std::jthread's own stop_source.
class StopLater {
 public:
  StopLater(std::stop_source& source, std::chrono::milliseconds delay)
      : thread_([&source, delay] {
          std::this_thread::sleep_for(delay);
          source.request_stop();
        }) {}
  ~StopLater() { thread_.join(); }

 private:
  std::thread thread_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

TEST(Stop, SleepForEndsWhenStopIsRequested) {
  std::stop_source source;
  const StopLater stopper(source, 50ms);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sleep_for(source.get_token(), 1h));
  EXPECT_LT(seconds_since(start), 5.0);
  EXPECT_TRUE(sleep_for(std::stop_token{}, 1ms));  // no stop possible
}

// An hour-long wait in every form, closed and open loop: stopped after
// 200 ms, each run ends at once with status interrupted.
TEST(Stop, AStopEndsARepetitionInProgressInEveryStrategy) {
  for (const char* s : {"sequential", "async", "async-pool", "threads",
                        "parallel", "openmp", "hybrid"}) {
    for (const bool open : {false, true}) {
      SCOPED_TRACE(std::string(s) + (open ? " open loop" : " closed loop"));
      RunRequest r = long_sleep(s, "1h");
      if (open) {
        r.load.mode = LoadMode::open;
        r.load.rate = 1;
        r.load.duration_s = 86400;
        r.load.max_in_flight = 16;
      }
      std::stop_source source;
      r.stop = source.get_token();
      const StopLater stopper(source, 200ms);
      const auto start = std::chrono::steady_clock::now();
      const RunResult result = run(r);
      EXPECT_LT(seconds_since(start), 5.0);
      EXPECT_EQ(result.status, RunStatus::interrupted) << result.reason;
      EXPECT_TRUE(result.interrupted);
      EXPECT_EQ(result.repetitions_requested, 3u);
    }
  }
}

// Stopped between repetitions: the whole ones are kept, the run stays ok
// (comparable) and says it has fewer repetitions than asked for.
TEST(Stop, WholeRepetitionsAreKept) {
  RunRequest r = long_sleep("async", "1ms");
  std::stop_source source;
  r.stop = source.get_token();
  const RunResult result =
      run(r, [&](const RunRequest&, std::size_t, unsigned rep, unsigned) {
        if (rep == 1) source.request_stop();  // before the second one
      });
  EXPECT_EQ(result.status, RunStatus::ok) << result.reason;
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.repetitions.size(), 1u);
  EXPECT_EQ(result.repetitions.front().ops_ok, 4u);
}

// An open loop stopped mid-schedule keeps the ops it completed, counted
// over the time it ran (not the hour it was meant to run).
TEST(Stop, AnOpenLoopCutShortKeepsItsOps) {
  RunRequest r = long_sleep("async", "1ms");
  r.load.mode = LoadMode::open;
  r.load.rate = 50;
  r.load.duration_s = 3600;
  r.load.max_in_flight = 16;
  std::stop_source source;
  r.stop = source.get_token();
  const StopLater stopper(source, 500ms);
  const RunResult result = run(r);
  EXPECT_EQ(result.status, RunStatus::interrupted) << result.reason;
  ASSERT_EQ(result.repetitions.size(), 1u);
  EXPECT_GT(result.repetitions.front().ops_ok, 5u);
  EXPECT_LT(result.repetitions.front().ops_ok, 200u);
  EXPECT_GT(result.throughput_ops_s.median, 10.0);
  EXPECT_LT(result.throughput_ops_s.median, 100.0);
}

// run_plan: a stop ends the plan, later points do not run, Results say so.
TEST(Stop, APlanStopsAndSaysSo) {
  Plan plan;
  Sweep sweep;
  sweep.workload = &Registry::instance().workload("io.sleep");
  sweep.params = Params(sweep.workload->info.params);
  sweep.params.set("delay", "1h");
  sweep.strategies = {&Registry::instance().strategy("async")};
  Load load;
  load.ops = 2;
  sweep.points = {load, load};
  sweep.points[1].concurrency = 1;
  sweep.settings.warmup = 0;
  plan.sweeps = {sweep};
  std::stop_source source;
  PlanCallbacks callbacks;
  callbacks.stop = source.get_token();
  const StopLater stopper(source, 200ms);
  Results results;
  run_plan(plan, results, callbacks);
  EXPECT_TRUE(results.interrupted);
  ASSERT_EQ(results.runs.size(), 1u);
  EXPECT_EQ(results.runs.front().status, RunStatus::interrupted);
}

}  // namespace
}  // namespace apb
