// Benchmark names (apbench/gbench_name.hpp): the adapter names a run from
// its request before it runs, --gbench-json from its result after; both
// must agree, or compare.py matches nothing. Also apb::Measurement, the
// one-repetition-at-a-time runner the adapter drives.
#include "apbench/gbench_name.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "apbench/runner.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

RunRequest request(std::string_view workload, std::string_view strategy,
                   const Load& load) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  if (r.params.has("delay")) r.params.set("delay", "1ms");
  r.load = load;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

std::string name_before(const RunRequest& r) {
  return gbench_name(r.workload->info.name, r.strategy->name(),
                     r.params.values(), r.load, hardware_threads());
}

TEST(GbenchName, SaysWorkloadStrategyLoadAndEveryParameter) {
  Load load;
  load.ops = 10;
  EXPECT_EQ(gbench_name("io.sleep", "async",
                        {{"delay", "500ms"}, {"distribution", "fixed"}}, load,
                        hardware_threads()),
            "io.sleep/async/ops:10/delay:500ms/distribution:fixed/"
            "process_time/manual_time");
  load.concurrency = 4;
  load.threads = hardware_threads() + 1;
  EXPECT_EQ(gbench_name("w", "s", {}, load, hardware_threads()),
            fmt::format("w/s/ops:10/concurrency:4/threads:{}/process_time/"
                        "manual_time",
                        hardware_threads() + 1));
  load.concurrency = 10;  // all of them: the default, not named
  load.threads = 0;
  EXPECT_EQ(gbench_name("w", "s", {}, load, hardware_threads()),
            "w/s/ops:10/process_time/manual_time");
  Load open;
  open.mode = LoadMode::open;
  open.rate = 2500;
  open.duration_s = 0.5;
  open.arrival = Arrival::poisson;
  EXPECT_EQ(gbench_name("w", "s", {{"p", "1"}}, open, hardware_threads()),
            "w/s/rate:2500/duration:0.5s/arrival:poisson/p:1/process_time/"
            "manual_time");
}

TEST(GbenchName, OfAResultIsTheNameOfItsRequest) {
  Load closed;
  closed.ops = 6;
  closed.concurrency = 2;
  Load open;
  open.mode = LoadMode::open;
  open.rate = 200;
  open.duration_s = 0.05;
  for (const Load& load : {closed, open}) {
    const RunRequest r = request("io.sleep", "async", load);
    const RunResult result = run(r);
    ASSERT_EQ(result.status, RunStatus::ok) << result.reason;
    EXPECT_EQ(gbench_name(result), name_before(r));
  }
  // An n/a run too.
  const RunRequest na = request("io.sleep", "tbb-pipeline", closed);
  const RunResult result = run(na);
  ASSERT_EQ(result.status, RunStatus::not_applicable);
  EXPECT_EQ(gbench_name(result), name_before(na));
}

TEST(Measurement, RecordsRepetitionsAfterTheWarmupsUntilFinished) {
  Load load;
  load.ops = 4;
  RunRequest r = request("io.sleep", "async", load);
  r.warmup = 2;
  Measurement m(r);
  ASSERT_TRUE(m.measuring()) << m.reason();
  EXPECT_EQ(m.repetition(0), nullptr);  // warm-ups
  EXPECT_EQ(m.repetition(1), nullptr);
  for (unsigned i = 2; i < 7; ++i) {  // as many as the driver wants
    const Repetition* rep = m.repetition(i);
    ASSERT_NE(rep, nullptr) << m.reason();
    EXPECT_EQ(rep->ops_ok, 4u);
    EXPECT_GE(rep->wall_s, 0.001);
  }
  const RunResult result = m.finish();
  EXPECT_EQ(result.status, RunStatus::ok);
  EXPECT_EQ(result.repetitions.size(), 5u);
  EXPECT_EQ(result.latency_s.count, 20u);
}

TEST(Measurement, ReportsNotApplicableWithoutRunning) {
  Measurement m(request("io.sleep", "tbb-pipeline", Load{}));
  EXPECT_FALSE(m.measuring());
  EXPECT_EQ(m.status(), RunStatus::not_applicable);
  EXPECT_FALSE(m.reason().empty());
  EXPECT_EQ(m.repetition(0), nullptr);
}

TEST(Measurement, TearsTheWorkloadDownWhenDestroyed) {
  // io.tcp_echo starts a loopback server at setup. One run first:
  // runtimes (a sanitizer's background thread) start lazily.
  Load load;
  load.ops = 8;
  RunRequest r = request("io.tcp_echo", "async", load);
  r.params.set("connections", "4");
  ASSERT_EQ(run(r).status, RunStatus::ok);
  const std::size_t fds = testing::directory_entries("/proc/self/fd");
  {
    Measurement m(r);
    ASSERT_TRUE(m.measuring()) << m.reason();
    ASSERT_NE(m.repetition(0), nullptr) << m.reason();
    EXPECT_GT(testing::directory_entries("/proc/self/fd"), fds);
  }  // no finish(): the destructor stops the server
  EXPECT_EQ(testing::directory_entries("/proc/self/fd"), fds);
}

}  // namespace
}  // namespace apb
