// The comparison key: which runs compare, and the series key without the
// swept axis.
#include "apbench/comparison_key.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apbench/analysis.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "apbench/series.hpp"
#include "apbench/stats.hpp"

namespace apb {
namespace {

RunResult keyed_closed_run(std::string strategy, std::size_t ops,
                           std::size_t concurrency, unsigned threads) {
  RunResult r;
  r.workload = "io.sleep";
  r.strategy = std::move(strategy);
  // What the registered strategy of that name declares (runs read back
  // from a file carry it; the analysis reads traits, not names).
  if (const Strategy* known = Registry::instance().find_strategy(r.strategy))
    r.strategy_traits = known->traits();
  r.params = {{"delay", "5ms"}};
  r.load.ops = ops;
  r.load.concurrency = concurrency;
  r.load.threads = threads;
  r.repetitions.resize(1);
  const std::vector<double> walls = {0.1};
  r.wall_s = summarize(walls);
  return r;
}

RunResult keyed_open_run(std::string strategy, double rate) {
  RunResult r = keyed_closed_run(std::move(strategy), 0, 0, 2);
  r.load.mode = LoadMode::open;
  r.load.rate = rate;
  r.load.duration_s = 0.5;
  r.load.ops = static_cast<std::size_t>(rate * 0.5);  // from the schedule
  return r;
}

TEST(ComparisonKey, StrategiesOfOneLoadCompare) {
  EXPECT_EQ(comparison_key(keyed_closed_run("sequential", 10, 0, 2)),
            comparison_key(keyed_closed_run("async", 10, 0, 2)));
  // "All at once" is the same request however it is spelt.
  EXPECT_EQ(comparison_key(keyed_closed_run("a", 10, 0, 2)),
            comparison_key(keyed_closed_run("a", 10, 10, 2)));
  EXPECT_EQ(comparison_key(keyed_closed_run("a", 10, 0, 2)),
            comparison_key(keyed_closed_run("a", 10, 50, 2)));
}

TEST(ComparisonKey, RunsDifferingOnlyInThreadsDoNotCompare) {
  EXPECT_NE(comparison_key(keyed_closed_run("async", 10, 0, 2)),
            comparison_key(keyed_closed_run("async", 10, 0, 4)));
}

TEST(ComparisonKey, EveryPartOfTheLoadCounts) {
  const ComparisonKey base = comparison_key(keyed_closed_run("a", 10, 2, 2));
  EXPECT_NE(base, comparison_key(keyed_closed_run("a", 20, 2, 2)));
  EXPECT_NE(base, comparison_key(keyed_closed_run("a", 10, 4, 2)));
  RunResult other_params = keyed_closed_run("a", 10, 2, 2);
  other_params.params = {{"delay", "6ms"}};
  EXPECT_NE(base, comparison_key(other_params));
  RunResult open = keyed_closed_run("a", 10, 2, 2);
  open.load.mode = LoadMode::open;
  EXPECT_NE(base, comparison_key(open));

  const ComparisonKey slow = comparison_key(keyed_open_run("a", 100));
  EXPECT_NE(slow, comparison_key(keyed_open_run("a", 200)));
  RunResult poisson = keyed_open_run("a", 100);
  poisson.load.arrival = Arrival::poisson;
  EXPECT_NE(slow, comparison_key(poisson));
  RunResult longer = keyed_open_run("a", 100);
  longer.load.duration_s = 1;
  EXPECT_NE(slow, comparison_key(longer));
}

// A series is one strategy along the swept axis: the key without it.
TEST(ComparisonKey, SeriesKeyLeavesOutTheSweptAxis) {
  EXPECT_EQ(series_key(keyed_open_run("a", 100)),
            series_key(keyed_open_run("a", 400)));
  EXPECT_EQ(series_key(keyed_closed_run("a", 10, 1, 2)),
            series_key(keyed_closed_run("a", 10, 4, 2)));
  EXPECT_NE(series_key(keyed_closed_run("a", 10, 1, 2)),
            series_key(keyed_closed_run("a", 10, 1, 4)));
  EXPECT_NE(series_key(keyed_closed_run("a", 10, 1, 2)),
            series_key(keyed_closed_run("a", 20, 1, 2)));
}

TEST(ComparisonKey, EqualKeysShareAGroupInFirstSeenOrder) {
  const std::vector<RunResult> runs = {keyed_closed_run("sequential", 10, 0, 2),
                                       keyed_closed_run("async", 10, 0, 2),
                                       keyed_closed_run("sequential", 10, 2, 2),
                                       keyed_closed_run("async", 10, 0, 4),
                                       keyed_closed_run("parallel", 10, 0, 2)};
  EXPECT_EQ(comparison_groups(runs), (std::vector<std::size_t>{0, 0, 1, 2, 0}));
}

// The places that compare runs agree with the key: no speed-up across
// thread counts, and no series mixing them.
TEST(ComparisonKey, SpeedupsAndSeriesFollowTheKey) {
  std::vector<RunResult> runs = {keyed_closed_run("sequential", 10, 0, 2),
                                 keyed_closed_run("async", 10, 0, 4)};
  compute_speedups(runs);
  EXPECT_FALSE(runs[1].speedup_vs_sequential.has_value());
  runs[1].load.threads = 2;
  compute_speedups(runs);
  EXPECT_TRUE(runs[1].speedup_vs_sequential.has_value());

  std::vector<RunResult> sweep = {keyed_open_run("a", 100),
                                  keyed_open_run("a", 200)};
  sweep[1].load.threads = 4;
  EXPECT_EQ(build_series(sweep, std::nullopt).size(), 2u);
  sweep[1].load.threads = 2;
  EXPECT_EQ(build_series(sweep, std::nullopt).size(), 1u);
}

}  // namespace
}  // namespace apb
