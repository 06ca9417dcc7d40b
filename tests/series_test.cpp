// Sweeps: value lists, SLO parsing, series, knees and the early-stop rule.
#include "apbench/series.hpp"

#include <gtest/gtest.h>

#include "apbench/error.hpp"
#include "cli/value_lists.hpp"

namespace apb {
namespace {

TEST(ValueLists, RatesAsListsAndLogRanges) {
  EXPECT_EQ(parse_rate_list("400,100,200", "--rate"),
            (std::vector<double>{100, 200, 400}));
  EXPECT_EQ(parse_rate_list("2.5k", "--rate"), (std::vector<double>{2500}));
  EXPECT_EQ(parse_rate_list("500/s", "--rate"), (std::vector<double>{500}));
  const auto r = parse_rate_list("100..10k", "--rate");
  ASSERT_EQ(r.size(), kDefaultRangePoints);
  EXPECT_DOUBLE_EQ(r.front(), 100);
  EXPECT_NEAR(r.back(), 10000, 1e-6);
  EXPECT_NEAR(r[1] / r[0], r[2] / r[1], 1e-9);  // log-spaced
  EXPECT_EQ(parse_rate_list("1..8:4", "--rate").size(), 4u);
}

TEST(ValueLists, BadRatesNameTheFlagAndTheForms) {
  for (const char* bad : {"", "abc", "0", "-5", "100..50", "1..2:1", "1..x",
                          "10,,20", "1..10:abc"}) {
    try {
      parse_rate_list(bad, "--rate");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("--rate"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find("A..B"), std::string::npos);
    }
  }
}

TEST(ValueLists, CountsRoundAndDeduplicate) {
  EXPECT_EQ(parse_count_list("4,1,2,2", "--concurrency", 1, 100),
            (std::vector<std::size_t>{1, 2, 4}));
  const auto c = parse_count_list("1..64:7", "--concurrency", 1, 100);
  EXPECT_EQ(c, (std::vector<std::size_t>{1, 2, 4, 8, 16, 32, 64}));
  EXPECT_THROW(parse_count_list("0", "--concurrency", 1, 100), UsageError);
  EXPECT_THROW(parse_count_list("1..1000", "--concurrency", 1, 100),
               UsageError);
}

TEST(Slo, ParsesPercentileAndLimit) {
  const Slo a = parse_slo("p99=50ms");
  EXPECT_DOUBLE_EQ(a.percentile, 99);
  EXPECT_DOUBLE_EQ(a.limit_s, 0.050);
  const Slo b = parse_slo("p99.9=1s");
  EXPECT_DOUBLE_EQ(b.percentile, 99.9);
  EXPECT_DOUBLE_EQ(b.limit_s, 1.0);
  for (const char* bad : {"99=50ms", "p99", "p99=", "p100=1s", "p0=1s",
                          "p99=50", "px=1s", "p99=-1ms"})
    EXPECT_THROW(parse_slo(bad), UsageError) << bad;
}

// A synthetic open-loop run at `rate` achieving `achieved` with `p99`.
RunResult point(std::string strategy, double rate, double achieved, double p99,
                std::uint64_t dropped = 0) {
  RunResult r;
  r.workload = "w";
  r.strategy = std::move(strategy);
  r.load.mode = LoadMode::open;
  r.load.rate = rate;
  r.load.duration_s = 1;
  r.load.arrival = Arrival::constant;
  r.load.max_in_flight = 1024;
  r.repetitions.resize(1);
  r.throughput_ops_s.median = achieved;
  r.latency_s.p99 = p99;
  r.latency_spectrum = {{50, p99 / 2}, {99, p99}};
  r.dropped = dropped;
  return r;
}

TEST(Series, KneeIsTheHighestThroughputMeetingTheSlo) {
  const std::vector<RunResult> runs = {
      point("a", 100, 100, 0.010), point("b", 100, 100, 0.005),
      point("a", 200, 199, 0.030), point("b", 200, 200, 0.008),
      point("a", 400, 250, 0.900), point("b", 400, 398, 0.040, 3)};
  const auto series = build_series(runs, Slo{99, 0.050});
  ASSERT_EQ(series.size(), 2u);
  const Series& a = series[0];
  EXPECT_EQ(a.strategy, "a");
  EXPECT_EQ(a.x, "offered_rate");
  ASSERT_EQ(a.points.size(), 3u);
  ASSERT_TRUE(a.knee.has_value());
  EXPECT_DOUBLE_EQ(a.knee->throughput_ops_s, 199);
  EXPECT_DOUBLE_EQ(a.max_throughput_ops_s, 250);
  // b's 400/s point meets the latency but dropped ops: not within the SLO.
  ASSERT_TRUE(series[1].knee.has_value());
  EXPECT_DOUBLE_EQ(series[1].knee->throughput_ops_s, 200);
  EXPECT_FALSE(*series[1].points[2].meets_slo);
  // Without an SLO there is no knee, only the highest throughput.
  EXPECT_FALSE(build_series(runs, std::nullopt)[0].knee.has_value());
}

TEST(Series, ClosedLoopNeedsTwoConcurrencies) {
  RunResult r;
  r.workload = "w";
  r.strategy = "s";
  r.load.ops = 10;
  r.load.concurrency = 1;
  r.repetitions.resize(1);
  r.swept = true;
  std::vector<RunResult> runs = {r};
  EXPECT_TRUE(build_series(runs, std::nullopt).empty());
  r.load.concurrency = 4;
  runs.push_back(r);
  const auto series = build_series(runs, std::nullopt);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].x, "concurrency");
  // Two loads that were not a sweep are no curve.
  for (auto& run : runs) run.swept = false;
  EXPECT_TRUE(build_series(runs, std::nullopt).empty());
  EXPECT_EQ(series[0].points.size(), 2u);
}

TEST(Series, SweepStopsPastSaturationOrAfterTwoSloBreaks) {
  const RunResult ok = point("a", 100, 100, 0.010);
  const RunResult behind = point("a", 400, 250, 0.010);
  const RunResult slow1 = point("a", 200, 200, 0.080);
  const RunResult slow2 = point("a", 300, 300, 0.090);
  const Slo slo{99, 0.050};
  EXPECT_FALSE(past_saturation({&ok}, slo));
  const auto saturated = past_saturation({&ok, &behind}, std::nullopt);
  ASSERT_TRUE(saturated);
  EXPECT_NE(saturated->find("saturated"), std::string::npos);
  EXPECT_FALSE(past_saturation({&ok, &slow1}, slo));  // one break: go on
  const auto broken = past_saturation({&ok, &slow1, &slow2}, slo);
  ASSERT_TRUE(broken);
  EXPECT_NE(broken->find("two successive"), std::string::npos);
  EXPECT_FALSE(past_saturation({&ok, &slow1, &slow2}, std::nullopt));
}

}  // namespace
}  // namespace apb
