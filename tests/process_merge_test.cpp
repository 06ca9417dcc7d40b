// apb::merge_processes (apbench --forks): one plan's runs from several
// processes, put together through their JSON files as the parent reads
// them: repetitions tagged with their process, histograms added, a
// process that failed or stopped early accounted for.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "apbench/histogram.hpp"
#include "apbench/merge.hpp"
#include "apbench/read_results.hpp"
#include "apbench/report.hpp"

namespace apb {
namespace {

Histogram samples(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(13, 1.0);
  Histogram h;
  for (std::size_t i = 0; i < n; ++i)
    h.record(static_cast<std::uint64_t>(dist(rng)));
  return h;
}

// One process's file: cpu.skynet under async-pool, `walls` its repetitions.
Results process_file(const std::vector<double>& walls, const Histogram& h) {
  Results r;
  r.context.apbench_version = "9.9.9";
  r.context.cores = 2;
  RunResult run;
  run.workload = "cpu.skynet";
  run.kind = WorkloadKind::cpu;
  run.strategy = "async-pool";
  run.params = {{"leaves", "1000000"}};
  run.load.ops = 4;
  run.load.threads = 2;
  run.repetitions_requested = static_cast<unsigned>(walls.size());
  for (double w : walls) {
    Repetition rep;
    rep.wall_s = w;
    rep.ops_ok = 4;
    run.repetitions.push_back(rep);
  }
  run.latency_histogram = h.data();
  run.latency_spectrum = {{50, 0}, {99, 0}, {100, 0}};
  run.counters = {{"retries", 1}};
  run.checksum = 42;
  run.diagnoses = {{"starvation", "few ops in flight"}};
  r.runs.push_back(run);
  return r;
}

Results through_json(const Results& r) {
  std::stringstream file;
  write_json(file, r);
  return read_json(file, "process.json");
}

TEST(MergeProcesses, RepetitionsOfEveryProcessInOneRun) {
  const Histogram a = samples(1, 400), b = samples(2, 300);
  const Results merged =
      merge_processes({through_json(process_file({0.010, 0.012}, a)),
                       through_json(process_file({0.004}, b))});
  EXPECT_EQ(merged.context.processes, 2u);
  ASSERT_EQ(merged.runs.size(), 1u);
  const RunResult& m = merged.runs[0];
  ASSERT_EQ(m.repetitions.size(), 3u);
  EXPECT_EQ(m.repetitions[0].process, 0u);
  EXPECT_EQ(m.repetitions[1].process, 0u);
  EXPECT_EQ(m.repetitions[2].process, 1u);
  EXPECT_DOUBLE_EQ(m.wall_s.median, 0.010);  // of all three samples
  EXPECT_DOUBLE_EQ(m.wall_s.min, 0.004);
  EXPECT_EQ(m.repetitions_requested, 3u);
  Histogram both = a;
  both.merge(b);
  EXPECT_EQ(m.latency_histogram, both.data());
  EXPECT_EQ(m.latency_s.count, 700u);
  EXPECT_EQ(m.counters.at("retries"), 2u);
  EXPECT_EQ(m.checksum, std::optional<std::uint64_t>(42));
  EXPECT_EQ(m.diagnoses.size(), 1u);  // once, not once per process
  EXPECT_EQ(m.status, RunStatus::ok);

  // The merged file says which process measured what.
  const Results again = through_json(merged);
  EXPECT_EQ(again.context.processes, 2u);
  EXPECT_EQ(again.runs.at(0).repetitions.at(2).process, 1u);
}

TEST(MergeProcesses, AFailedProcessFailsTheRunAndSaysWhich) {
  const Histogram h = samples(3, 10);
  Results bad = process_file({0.01}, h);
  bad.runs[0].status = RunStatus::failed;
  bad.runs[0].reason = "every op failed";
  const Results merged =
      merge_processes({process_file({0.01}, h), bad, process_file({0.01}, h)});
  EXPECT_EQ(merged.runs.at(0).status, RunStatus::failed);
  EXPECT_EQ(merged.runs[0].reason, "process 2 of 3: every op failed");
}

TEST(MergeProcesses, AProcessStoppedEarlyAddsWhatItMeasured) {
  const Histogram h = samples(4, 10);
  Results stopped = process_file({}, h);
  stopped.runs[0].status = RunStatus::interrupted;
  stopped.interrupted = true;
  Results none;  // stopped before its first run
  none.context = stopped.context;
  const Results merged =
      merge_processes({process_file({0.01, 0.02}, h), stopped, none});
  EXPECT_TRUE(merged.interrupted);
  const RunResult& m = merged.runs.at(0);
  EXPECT_EQ(m.status, RunStatus::ok);  // the whole repetitions stand
  EXPECT_TRUE(m.interrupted);
  EXPECT_EQ(m.repetitions.size(), 2u);
}

TEST(MergeProcesses, RefusesProcessesOfDifferentRuns) {
  const Histogram h = samples(5, 10);
  Results other = process_file({0.01}, h);
  other.runs[0].params = {{"leaves", "100"}};
  EXPECT_THROW(merge_processes({process_file({0.01}, h), other}), MergeError);
  EXPECT_THROW(merge_processes({}), MergeError);
}

}  // namespace
}  // namespace apb
