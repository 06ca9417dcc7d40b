// The one summary of repetitions (results/repetition_summary.hpp): the
// runner and merge summarize a run by the same rules, so a run merged from
// one process is summarized exactly as it was measured.
#include "results/repetition_summary.hpp"

#include <gtest/gtest.h>

#include "apbench/merge.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

RunResult two_repetitions(const Load& load) {
  RunResult run;
  run.load = load;
  for (double wall : {0.5, 0.25}) {
    Repetition rep;
    rep.wall_s = wall;
    rep.ops_ok = 100;
    rep.errors = 1;
    rep.peak_threads = wall > 0.3 ? 3 : 5;
    run.repetitions.push_back(rep);
  }
  return run;
}

TEST(RepetitionSummary, AnOpenLoopsRateIsPerItsSchedule) {
  Load closed;
  closed.ops = 101;
  RunResult run = two_repetitions(closed);
  summarize_repetitions(run);
  EXPECT_DOUBLE_EQ(run.throughput_ops_s.min, 200.0);  // 100 ops in 0.5 s
  EXPECT_DOUBLE_EQ(run.throughput_ops_s.max, 400.0);
  EXPECT_EQ(run.errors, 2u);
  EXPECT_EQ(run.peak_threads, 5u);

  Load open;
  open.mode = LoadMode::open;
  open.rate = 100;
  open.duration_s = 1.0;
  run = two_repetitions(open);
  summarize_repetitions(run);
  // Ops arrive over the whole second: finishing early is not a faster rate.
  EXPECT_DOUBLE_EQ(run.throughput_ops_s.min, 100.0);
  EXPECT_DOUBLE_EQ(run.throughput_ops_s.max, 100.0);
  EXPECT_DOUBLE_EQ(run.wall_s.max, 0.5);
}

TEST(RepetitionSummary, SpectrumPercentilesAreSortedOnce) {
  const auto ps = spectrum_percentiles(std::vector<double>{99.9, 42});
  EXPECT_TRUE(std::is_sorted(ps.begin(), ps.end()));
  EXPECT_EQ(std::count(ps.begin(), ps.end(), 99.9), 1);
  EXPECT_EQ(std::count(ps.begin(), ps.end(), 42.0), 1);
  EXPECT_EQ(ps.back(), 100.0);
}

// One process's results merged alone (merge_processes, as --forks does)
// carry the summaries the runner gave them.
TEST(RepetitionSummary, MergeSummarizesAsTheRunnerDid) {
  const auto& w = Registry::instance().workload("io.sleep");
  Load closed;
  closed.ops = 4;
  Load open;
  open.mode = LoadMode::open;
  open.rate = 200;
  open.duration_s = 0.05;
  for (const Load& load : {closed, open}) {
    RunRequest r;
    r.workload = &w;
    r.strategy = &Registry::instance().strategy("async");
    r.params = Params(w.info.params);
    r.params.set("delay", "1ms");
    r.load = load;
    r.repetitions = 3;
    r.warmup = 0;
    r.extra_percentiles = {42};
    Results measured;
    measured.runs = {run(r)};
    const RunResult& a = measured.runs.front();
    ASSERT_EQ(a.status, RunStatus::ok) << a.reason;
    const RunResult b = merge_processes({measured}).runs.front();
    EXPECT_DOUBLE_EQ(b.wall_s.median, a.wall_s.median);
    EXPECT_DOUBLE_EQ(b.wall_s.ci95_high, a.wall_s.ci95_high);
    EXPECT_DOUBLE_EQ(b.throughput_ops_s.median, a.throughput_ops_s.median);
    EXPECT_DOUBLE_EQ(b.cpu_time_s, a.cpu_time_s);
    EXPECT_DOUBLE_EQ(b.achieved_concurrency, a.achieved_concurrency);
    EXPECT_EQ(b.efficiency, a.efficiency);
    EXPECT_EQ(b.errors, a.errors);
    EXPECT_EQ(b.peak_rss_bytes, a.peak_rss_bytes);
    EXPECT_EQ(b.latency_s.count, a.latency_s.count);
    EXPECT_DOUBLE_EQ(b.latency_s.p99, a.latency_s.p99);
    ASSERT_EQ(b.latency_spectrum.size(), a.latency_spectrum.size());
    for (std::size_t i = 0; i < a.latency_spectrum.size(); ++i) {
      EXPECT_EQ(b.latency_spectrum[i].percentile,
                a.latency_spectrum[i].percentile);
      EXPECT_DOUBLE_EQ(b.latency_spectrum[i].latency_s,
                       a.latency_spectrum[i].latency_s);
    }
    EXPECT_EQ(b.service_time_s.has_value(), load.open());
  }
}

}  // namespace
}  // namespace apb
