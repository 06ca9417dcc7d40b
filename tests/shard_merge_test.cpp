// Shards and merges: the split schedule is the whole schedule, histograms
// survive the results file exactly, and merged shards hold the same
// distribution as one histogram of every sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "apbench/analysis.hpp"
#include "apbench/histogram.hpp"
#include "apbench/merge.hpp"
#include "apbench/read_results.hpp"
#include "apbench/registry.hpp"
#include "apbench/report.hpp"
#include "apbench/runner.hpp"
#include "apbench/schedule.hpp"
#include "apbench/stats.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

TEST(ShardSchedule, UnionOfShardsIsTheOneHostScheduleExactly) {
  for (Arrival arrival : {Arrival::constant, Arrival::poisson}) {
    const auto whole = arrival_schedule(arrival, 997, 1.3, 42);
    for (unsigned n = 1; n <= 8; ++n) {
      std::vector<std::int64_t> all;
      std::size_t total = 0;
      for (unsigned i = 0; i < n; ++i) {
        const auto part = shard_schedule(whole, i, n);
        total += part.size();
        all.insert(all.end(), part.begin(), part.end());
      }
      std::sort(all.begin(), all.end());
      EXPECT_EQ(total, whole.size()) << "n=" << n;
      EXPECT_EQ(all, whole) << "n=" << n << " " << to_string(arrival);
      // Each shard's own schedule is ascending (what the runner expects).
      for (unsigned i = 0; i < n; ++i) {
        const auto part = shard_schedule(whole, i, n);
        EXPECT_TRUE(std::is_sorted(part.begin(), part.end()));
      }
    }
  }
}

TEST(ShardSchedule, ClosedLoopSharesAddUpToTheOps) {
  for (std::size_t ops : {0, 1, 7, 10, 1001})
    for (unsigned n = 1; n <= 8; ++n) {
      std::size_t sum = 0, lo = ops, hi = 0;
      for (unsigned i = 0; i < n; ++i) {
        const auto share = shard_ops(ops, i, n);
        sum += share;
        lo = std::min(lo, share);
        hi = std::max(hi, share);
      }
      EXPECT_EQ(sum, ops);
      EXPECT_LE(hi - lo, 1u);
    }
  EXPECT_THROW(shard_ops(10, 3, 3), std::invalid_argument);
}

// One repetition of `workload` under `strategy`, as shard i of n.
RunResult run_shard(
    std::string_view workload, std::string_view strategy, Load load, unsigned i,
    unsigned n,
    const std::vector<std::pair<std::string, std::string>>& settings = {}) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  for (const auto& [name, value] : settings) r.params.set(name, value);
  r.load = load;
  r.load.shard = i;
  r.load.shards = n;
  r.repetitions = 1;
  r.warmup = 0;
  r.seed = 77;
  return run(r);
}

// The ops a shard runs are the load's ops I, I + N, ... as the one process
// numbers them (OpContext::index(), and so seed()): every op of the load
// runs once over the shards, and the digests, made from each op's index
// (test.counting) or drawn from its seed (cpu.spin), add up to the one
// process's checksum.
TEST(ShardOps, ShardsRunTheLoadsOwnOpsWithTheirSeeds) {
  Load closed;
  closed.ops = 11;
  closed.concurrency = 3;
  Load open;
  open.mode = LoadMode::open;
  open.rate = 200;
  open.duration_s = 0.05;  // 10 arrivals
  for (const Load& load : {closed, open})
    for (std::string_view strategy : {"sequential", "async", "threads"}) {
      const std::size_t ops = load.open() ? 10 : load.ops;
      auto& counts = testing::op_counts();
      counts.reset(ops);
      const RunResult whole = run_shard("test.counting", strategy, load, 0, 1);
      ASSERT_EQ(whole.status, RunStatus::ok) << whole.reason;
      ASSERT_EQ(whole.load.ops, ops);
      ASSERT_TRUE(whole.checksum.has_value());
      for (unsigned n : {2u, 3u}) {
        counts.reset(ops);
        std::uint64_t checksum = 0;
        for (unsigned i = 0; i < n; ++i) {
          const RunResult part =
              run_shard("test.counting", strategy, load, i, n);
          ASSERT_EQ(part.status, RunStatus::ok) << part.reason;
          EXPECT_EQ(part.errors, 0u);  // an index past the load would throw
          EXPECT_EQ(part.load.ops, shard_ops(ops, i, n));
          checksum += part.checksum.value_or(0);
        }
        for (std::size_t op = 0; op < ops; ++op)
          EXPECT_EQ(counts.runs[op].load(), 1)
              << strategy << " n=" << n << " op " << op;
        EXPECT_EQ(checksum, *whole.checksum) << strategy << " n=" << n;
      }
    }

  // Values drawn from each op's seed.
  const std::vector<std::pair<std::string, std::string>> spin{{"work", "20us"}};
  for (std::string_view strategy : {"sequential", "parallel"}) {
    const RunResult whole = run_shard("cpu.spin", strategy, closed, 0, 1, spin);
    ASSERT_TRUE(whole.checksum.has_value()) << whole.reason;
    std::uint64_t checksum = 0;
    for (unsigned i = 0; i < 3; ++i)
      checksum += run_shard("cpu.spin", strategy, closed, i, 3, spin)
                      .checksum.value_or(0);
    EXPECT_EQ(checksum, *whole.checksum) << strategy;
  }
}

Histogram random_histogram(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(13, 1.5);  // ~0.4 ms, long tail
  Histogram h;
  for (std::size_t i = 0; i < n; ++i)
    h.record(static_cast<std::uint64_t>(dist(rng)));
  return h;
}

TEST(HistogramData, RoundTripsExactly) {
  const Histogram h = random_histogram(1, 20000);
  const HistogramData data = h.data();
  const Histogram back(data);
  EXPECT_EQ(back.data(), data);
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0})
    EXPECT_EQ(back.percentile(p), h.percentile(p));
  EXPECT_EQ(back.mean(), h.mean());
  HistogramData bad = data;
  bad.count += 1;
  EXPECT_THROW(Histogram{bad}, std::invalid_argument);
  bad = data;
  std::swap(bad.buckets[0], bad.buckets[1]);
  EXPECT_THROW(Histogram{bad}, std::invalid_argument);
}

// A result file of one run with `h` as its histogram, as shard i of n.
Results shard_file(const Histogram& h, unsigned i, unsigned n) {
  Results r;
  r.context.apbench_version = "9.9.9";
  r.context.host = "host" + std::to_string(i);
  r.context.cores = 2;
  RunResult run;
  run.workload = "io.http";
  run.strategy = "async";
  run.params = {{"target", "127.0.0.1:1"}};
  run.load.mode = LoadMode::open;
  run.load.rate = 1000;
  run.load.duration_s = 1;
  run.load.shard = i;
  run.load.shards = n;
  run.load.ops = h.count();
  Repetition rep;
  rep.start_unix_s = 1000 + 0.01 * i;
  rep.wall_s = 1;
  rep.ops_ok = h.count();
  run.repetitions = {rep};
  run.latency_histogram = h.data();
  run.service_time_histogram = h.data();
  run.latency_spectrum = {{50, 0}, {99, 0}, {100, 0}};
  run.counters = {{"server_accept_errors", i}};
  r.runs.push_back(run);
  return r;
}

TEST(Merge, ShardsThroughTheirFilesEqualOneHistogramOfAllSamples) {
  const unsigned n = 4;
  Histogram all;
  std::vector<MergeInput> inputs;
  for (unsigned i = 0; i < n; ++i) {
    const Histogram h = random_histogram(10 + i, 5000 + 1000 * i);
    all.merge(h);
    // Through the JSON file and back, as apbench merge reads it.
    std::stringstream file;
    write_json(file, shard_file(h, i, n));
    inputs.push_back({"shard" + std::to_string(i) + ".json",
                      read_json(file, "shard.json"), ""});
    ASSERT_EQ(inputs.back().results.runs[0].latency_histogram, h.data());
    ASSERT_EQ(inputs.back().results.runs[0].counters.at("server_accept_errors"),
              i);
  }
  const MergeOutcome out = merge_results(inputs);
  EXPECT_TRUE(out.warnings.empty());
  ASSERT_EQ(out.results.runs.size(), 1u);
  const RunResult& m = out.results.runs[0];
  EXPECT_EQ(m.latency_histogram, all.data());  // bucket for bucket
  EXPECT_EQ(m.load.ops, all.count());
  EXPECT_EQ(m.repetitions.at(0).ops_ok, all.count());
  EXPECT_NEAR(m.repetitions[0].wall_s, 1.03,
              1e-9);  // earliest start to latest end
  EXPECT_EQ(m.latency_s.count, all.count());
  EXPECT_EQ(m.counters.at("server_accept_errors"), 0u + 1 + 2 + 3);  // added
  EXPECT_EQ(m.latency_s.p50, all.percentile(50) * 1e-9);
  EXPECT_EQ(m.latency_s.p90, all.percentile(90) * 1e-9);
  EXPECT_EQ(m.latency_s.p99, all.percentile(99) * 1e-9);
  EXPECT_EQ(m.latency_s.max, all.max() * 1e-9);
  EXPECT_EQ(out.results.context.merged_by, "shard");
  EXPECT_EQ(out.results.context.shards.size(), n);

  // The merged file reads back as an ordinary results file.
  std::stringstream merged;
  write_json(merged, out.results);
  const Results again = read_json(merged, "all.json");
  EXPECT_EQ(again.runs.at(0).latency_histogram, all.data());
  EXPECT_EQ(again.context.shards.size(), n);
}

TEST(Merge, RefusesWhatIsNotOneLoad) {
  const Histogram h = random_histogram(3, 100);
  const auto inputs = [&](auto change) {
    std::vector<MergeInput> in;
    for (unsigned i = 0; i < 2; ++i)
      in.push_back({"s" + std::to_string(i), shard_file(h, i, 2), ""});
    change(in[1].results);
    return in;
  };
  const auto refused = [&](auto change, const std::string& words) {
    try {
      merge_results(inputs(change));
      ADD_FAILURE() << "not refused: " << words;
    } catch (const MergeError& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos)
          << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  };
  refused([](Results& r) { r.runs[0].workload = "io.sleep"; },
          "not shards of one load");
  refused([](Results& r) { r.runs[0].params[0].second = "x"; },
          "not shards of one load");
  refused([](Results& r) { r.runs[0].load.rate = 999; },
          "not shards of one load");
  refused([](Results& r) { r.runs[0].seed = 7; }, "not shards of one load");
  refused([](Results& r) { r.context.apbench_version = "1.0"; }, "apbench 1.0");
  refused([](Results& r) { r.runs[0].load.shard = 0; }, "given twice");
  std::vector<MergeInput> one{{"s0", shard_file(h, 0, 2), ""}};
  EXPECT_THROW(merge_results(one), MergeError);  // shard 1 missing

  // Starts further apart than the limit: merged, with a warning.
  auto late =
      inputs([](Results& r) { r.runs[0].repetitions[0].start_unix_s += 5; });
  EXPECT_EQ(merge_results(late).warnings.size(), 1u);
}

// A results file of host `host` with `cores` cores: one parallel run of
// cpu.spin on `threads` threads, as apbench would write it.
Results host_file(const std::string& host, unsigned cores, unsigned threads,
                  double wall_s) {
  Results r;
  r.context.apbench_version = "9.9.9";
  r.context.host = host;
  r.context.cores = cores;
  RunResult run;
  run.workload = "cpu.spin";
  run.kind = WorkloadKind::cpu;
  run.strategy = "parallel";
  run.load.ops = 8;
  run.load.threads = threads;
  run.compute_threads = threads;
  run.cores = cores;
  const Histogram h = random_histogram(threads, 8);
  for (int i = 0; i < 3; ++i) {
    Repetition rep;
    rep.start_unix_s = 1000 + i;
    rep.wall_s = wall_s;
    rep.ops_ok = 8;
    run.repetitions.push_back(rep);
  }
  const std::vector<double> walls(3, wall_s);
  run.wall_s = summarize(walls);
  run.latency_histogram = h.data();
  run.latency_s = latency_summary(h);
  r.runs = {run};
  // Through the file, as apbench merge reads it.
  std::stringstream file;
  write_json(file, r);
  return read_json(file, host + ".json");
}

// merge --by host: every run keeps the cores of the host it ran on, in the
// merge and when the merged file is read back (context.shards[] holds each
// host's), so a threads series across hosts has each host's ideal.
TEST(Merge, ByHostEachRunHasItsHostsCores) {
  // 2 threads on 1 core computes on 1; 4 threads on 4 cores on 4.
  const std::vector<MergeInput> inputs{
      {"small.json", host_file("small", 1, 2, 0.4), ""},
      {"big.json", host_file("big", 4, 4, 0.1), ""}};
  MergeOutcome out = merge_results(inputs, {.by = MergeBy::host});
  analyse(out.results);  // as apbench merge does
  const auto check = [](const Results& merged, const char* when) {
    ASSERT_EQ(merged.runs.size(), 2u) << when;
    EXPECT_EQ(merged.runs[0].host, "small") << when;
    EXPECT_EQ(merged.runs[0].cores, 1u) << when;
    EXPECT_EQ(merged.runs[1].host, "big") << when;
    EXPECT_EQ(merged.runs[1].cores, 4u) << when;
    ASSERT_EQ(merged.context.shards.size(), 2u) << when;
    EXPECT_EQ(merged.context.shards[0].cores, 1u) << when;
    EXPECT_EQ(merged.context.shards[1].cores, 4u) << when;
    const auto threads =
        std::find_if(merged.series.begin(), merged.series.end(),
                     [](const Series& s) { return s.x == "threads"; });
    ASSERT_NE(threads, merged.series.end()) << when;
    ASSERT_EQ(threads->points.size(), 2u) << when;
    EXPECT_DOUBLE_EQ(threads->points[1].speedup.value_or(0), 4.0) << when;
    EXPECT_DOUBLE_EQ(threads->points[1].ideal_speedup.value_or(0), 4.0) << when;
  };
  check(out.results, "merged");
  std::stringstream file;
  write_json(file, out.results);
  Results again = read_json(file, "hosts.json");
  analyse(again);
  check(again, "read back");
}

}  // namespace
}  // namespace apb
