// Shards and merges: the split schedule is the whole schedule, histograms
// survive the results file exactly, and merged shards hold the same
// distribution as one histogram of every sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "apbench/histogram.hpp"
#include "apbench/merge.hpp"
#include "apbench/read_results.hpp"
#include "apbench/report.hpp"
#include "apbench/schedule.hpp"

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

}  // namespace
}  // namespace apb
