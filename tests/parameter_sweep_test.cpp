// Parameter sweeps (--set NAME=LIST, --set NAME=LO..HI[:N]): the values in
// the parameter's units, the plan's points and axes, the series along the
// parameter, and the regime map of two axes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/regime_map.hpp"
#include "apbench/registry.hpp"
#include "apbench/series.hpp"
#include "apbench/stats.hpp"
#include "cli/options.hpp"
#include "cli/plan.hpp"
#include "registry/sweep_values.hpp"
#include "text/parameter_value.hpp"

namespace apb {
namespace {

using Values = std::vector<std::string>;

ParamSpec spec(ParamType type, std::vector<std::string> choices = {}) {
  const std::string fallback = type == ParamType::choice     ? choices.front()
                               : type == ParamType::duration ? "1ms"
                                                             : "1";
  return {"p", type, fallback, "", std::move(choices)};
}

TEST(SweepValues, ListsAndRangesInTheParametersUnits) {
  const ParamSpec duration = spec(ParamType::duration);
  EXPECT_EQ(sweep_values(duration, "5ms"), Values{"5ms"});
  EXPECT_EQ(sweep_values(duration, "50ms,0,5ms"),
            (Values{"0", "5ms", "50ms"}));  // ascending
  EXPECT_EQ(sweep_values(duration, "1ms..64ms:7"),
            (Values{"1ms", "2ms", "4ms", "8ms", "16ms", "32ms", "64ms"}));
  EXPECT_EQ(sweep_values(duration, "100us..10ms:5"),
            (Values{"100us", "316us", "1ms", "3.16ms", "10ms"}));
  EXPECT_EQ(sweep_values(duration, "1ms..1s").size(), 10u);  // the default
  EXPECT_EQ(sweep_values(duration, "1ms,1000us,2ms"),
            (Values{"1ms", "2ms"}));  // equal values once
  EXPECT_EQ(sweep_values(spec(ParamType::bytes), "256..2048:4"),
            (Values{"256", "512", "1024", "2048"}));
  EXPECT_EQ(sweep_values(spec(ParamType::bytes), "1KiB..4MiB:3"),
            (Values{"1KiB", "64KiB", "4MiB"}));
  EXPECT_EQ(sweep_values(spec(ParamType::integer), "1..10:4"),
            (Values{"1", "2", "5", "10"}));
  EXPECT_EQ(sweep_values(spec(ParamType::choice, {"a", "b", "c"}), "c,a"),
            (Values{"c", "a"}));  // choices as given
  // A text parameter (a URL) takes the value whole.
  EXPECT_EQ(sweep_values(spec(ParamType::text), "http://h/a,b..c"),
            Values{"http://h/a,b..c"});
}

TEST(SweepValues, BadListsAreOneLineNamingTheParameterAndTheForms) {
  const ParamSpec duration = spec(ParamType::duration);
  for (const char* bad :
       {"1ms..", "..64ms", "0..64ms", "64ms..1ms", "1ms..64ms:1", "1ms..64ms:x",
        "1ms,,2ms", "1ms,abc", "1ms,1000us", "1..64ms", "1ms..64ms:5000"}) {
    try {
      sweep_values(duration, bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      EXPECT_NE(what.find("--set p="), std::string::npos) << what;
      EXPECT_NE(what.find("LO..HI"), std::string::npos) << what;
    }
  }
  // A single bad value keeps the parameter's own message.
  EXPECT_THROW(sweep_values(duration, "5parsecs"), UsageError);
  EXPECT_THROW(sweep_values(spec(ParamType::choice, {"a", "b"}), "a..b"),
               UsageError);
  EXPECT_THROW(sweep_values(spec(ParamType::choice, {"a", "b"}), "a,z"),
               UsageError);
}

TEST(ParameterValue, NumbersInTheirUnitsAndBack) {
  EXPECT_DOUBLE_EQ(parameter_number("5ms")->value, 0.005);
  EXPECT_EQ(parameter_number("5ms")->unit, "s");
  EXPECT_DOUBLE_EQ(parameter_number("2KiB")->value, 2048);
  EXPECT_EQ(parameter_number("2KiB")->unit, "B");
  EXPECT_DOUBLE_EQ(parameter_number("64")->value, 64);
  EXPECT_EQ(parameter_number("64")->unit, "");
  EXPECT_DOUBLE_EQ(parameter_number("0")->value, 0);
  EXPECT_FALSE(parameter_number("uniform"));
  EXPECT_EQ(parameter_text(0.00316, "s"), "3.16ms");
  EXPECT_EQ(parameter_text(2.5, "s"), "2.5s");
  EXPECT_EQ(parameter_text(4096, "B"), "4KiB");
  EXPECT_EQ(parameter_text(1000, ""), "1000");
}

cli::Options sweep_options(std::vector<std::string> sets) {
  cli::Options o;
  o.filters = {"cpu.spin"};
  o.strategies = {"sequential,parallel"};
  o.sets = std::move(sets);
  return o;
}

TEST(ParameterSweepPlan, OnePointPerValueWithItsParameter) {
  const Plan plan = cli::plan_from_options(sweep_options({"work=1ms,2ms,4ms"}));
  ASSERT_EQ(plan.sweeps.size(), 1u);
  const Sweep& sweep = plan.sweeps.front();
  EXPECT_EQ(sweep.axes, Values{"work"});
  ASSERT_EQ(sweep.points.size(), 3u);
  ASSERT_EQ(sweep.point_params.size(), 3u);
  EXPECT_EQ(sweep.point_params[2].front(),
            (std::pair<std::string, std::string>{"work", "4ms"}));
  const RunRequest r = make_request(sweep, *sweep.strategies.front(), 1, {});
  EXPECT_EQ(r.params.duration("work"), std::chrono::milliseconds(2));
  EXPECT_TRUE(r.swept);
  EXPECT_EQ(r.sweep_axes, Values{"work"});
  EXPECT_EQ(sweep.settings.repetitions, 1u);  // a sweep's default
}

TEST(ParameterSweepPlan, TwoAxesMakeAMapGrid) {
  cli::Options o = sweep_options({"work=1ms,2ms"});
  o.concurrency = "1,2,4";
  const Plan plan = cli::plan_from_options(o);
  const Sweep& sweep = plan.sweeps.front();
  EXPECT_EQ(sweep.axes, (Values{"work", "concurrency"}));
  EXPECT_EQ(sweep.points.size(), 6u);
  EXPECT_EQ(sweep.settings.repetitions, 5u);  // a map's default
  EXPECT_EQ(sweep.settings.map_rounds, 2u);   // adaptive
  cli::Options big = sweep_options({"work=1ms..64ms:6"});
  big.concurrency = "1..32:6";
  // 36 cells: 7 repetitions are the fewest Holm's first step can use.
  EXPECT_EQ(cli::plan_from_options(big).sweeps.front().settings.repetitions,
            7u);
  const Plan two =
      cli::plan_from_options(sweep_options({"work=1ms,2ms", "work=3ms"}));
  EXPECT_TRUE(two.sweeps.front().axes.empty());  // the later value wins
}

TEST(ParameterSweepPlan, MoreThanTwoAxesOrAnotherLoadSweepAreRefused) {
  cli::Options o = sweep_options({"work=1ms,2ms"});
  o.concurrency = "1,2";
  o.filters = {"hybrid.fetch_process"};
  o.sets = {"work=1ms,2ms", "delay=1ms,2ms"};
  EXPECT_THROW(cli::plan_from_options(o), UsageError);
  cli::Options rate = sweep_options({"work=1ms,2ms"});
  rate.rate = "10,20";
  EXPECT_THROW(cli::plan_from_options(rate), UsageError);
  cli::Options threads_too = sweep_options({"work=1ms,2ms"});
  threads_too.filters = {"hybrid.fetch_process"};
  threads_too.sets = {"work=1ms,2ms", "delay=1ms,2ms"};
  threads_too.threads = "1,2";
  EXPECT_THROW(cli::plan_from_options(threads_too), UsageError);
}

// A --threads list beside one --set sweep is the map's second axis.
TEST(ParameterSweepPlan, AThreadsListIsAMapsSecondAxis) {
  cli::Options o = sweep_options({"work=1ms,2ms"});
  o.threads = "1,2";
  const Plan plan = cli::plan_from_options(o);
  ASSERT_EQ(plan.sweeps.size(), 1u);
  const auto& axes = plan.sweeps.front().axes;
  EXPECT_EQ(axes, (std::vector<std::string>{"work", "threads"}));
  EXPECT_EQ(plan.sweeps.front().points.size(), 4u);
}

// A measured closed-loop run of a map cell with these wall times.
RunResult cell_run(const std::string& strategy, const std::string& work,
                   std::size_t concurrency, std::vector<double> walls) {
  RunResult r;
  r.workload = "cpu.spin";
  r.strategy = strategy;
  r.params = {{"work", work}};
  r.load.ops = 4;
  r.load.concurrency = concurrency;
  r.swept = true;
  r.sweep_axes = {"work", "concurrency"};
  for (double w : walls) {
    Repetition rep;
    rep.wall_s = w;
    rep.ops_ok = 4;
    r.repetitions.push_back(rep);
  }
  r.wall_s = summarize(walls);
  return r;
}

std::vector<double> around(double wall, std::size_t n) {
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(wall * (1 + 0.01 * static_cast<double>(i)));
  return out;
}

TEST(RegimeMap, NamesTheSignificantWinnerAndTiesOverHolmAdjustedCells) {
  std::vector<RunResult> runs;
  // work 1ms: b is 2x faster (separated samples); work 2ms: 3 % apart
  // (within the threshold); work 4ms: a 2x ahead, but one repetition each.
  for (std::size_t c : {1u, 2u}) {
    runs.push_back(cell_run("a", "1ms", c, around(0.020, 6)));
    runs.push_back(cell_run("b", "1ms", c, around(0.010, 6)));
    runs.push_back(cell_run("a", "2ms", c, around(0.0100, 6)));
    runs.push_back(cell_run("b", "2ms", c, around(0.0103, 6)));
    runs.push_back(cell_run("a", "4ms", c, around(0.010, 1)));
    runs.push_back(cell_run("b", "4ms", c, around(0.020, 1)));
  }
  const auto maps = build_maps(runs);
  ASSERT_EQ(maps.size(), 1u);
  const RegimeMap& map = maps.front();
  EXPECT_EQ(map.x_axis, "work");
  EXPECT_EQ(map.y_axis, "concurrency");
  EXPECT_EQ(map.x_values, (Values{"1ms", "2ms", "4ms"}));
  EXPECT_EQ(map.y_values, (Values{"1", "2"}));
  ASSERT_EQ(map.cells.size(), 6u);
  // Four cells are tested (6 vs 6 repetitions); the 1-repetition ones not.
  EXPECT_EQ(map.tests, 4u);
  std::vector<double> raw;
  for (const MapCell& c : map.cells)
    if (c.p_value) raw.push_back(*c.p_value);
  const auto holm = holm_adjust(raw);
  std::size_t k = 0;
  for (const MapCell& c : map.cells) {
    if (!c.p_value) continue;
    EXPECT_DOUBLE_EQ(*c.p_adjusted, holm[k++]);
    EXPECT_GE(*c.p_adjusted, *c.p_value);
  }
  for (const MapCell& c : map.cells) {
    const std::string& work = map.x_values[c.x];
    if (work == "1ms") {
      EXPECT_TRUE(c.significant);
      EXPECT_EQ(c.leader, "b");
      EXPECT_NEAR(c.speedup, 2.0, 0.01);
    } else {
      EXPECT_FALSE(c.significant) << work;  // a tie, with its reason
      EXPECT_FALSE(c.note.empty());
    }
  }
  EXPECT_NE(map.advice.find("b wins at work 1ms, whatever the concurrency"),
            std::string::npos)
      << map.advice;
  EXPECT_NE(map.advice.find("4 of 6 cells are ties"), std::string::npos)
      << map.advice;
}

TEST(RegimeMap, HolmCanTurnASignificantCellIntoATie) {
  // One cell alone: 4 vs 4 separated samples give p = 0.029 < 0.05. With
  // five equal cells Holm multiplies that smallest p by 5: every cell ties.
  const std::vector<RunResult> one = {cell_run("a", "1ms", 1, around(0.02, 4)),
                                      cell_run("b", "1ms", 1, around(0.01, 4))};
  const auto alone = build_maps(one);
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_TRUE(alone.front().cells.front().significant);
  std::vector<RunResult> many;
  for (const char* work : {"1ms", "2ms", "3ms", "4ms", "5ms"}) {
    many.push_back(cell_run("a", work, 1, around(0.02, 4)));
    many.push_back(cell_run("b", work, 1, around(0.01, 4)));
  }
  const auto maps = build_maps(many);
  ASSERT_EQ(maps.size(), 1u);
  EXPECT_EQ(maps.front().tests, 5u);
  for (const MapCell& c : maps.front().cells) {
    EXPECT_FALSE(c.significant);
    EXPECT_NEAR(*c.p_adjusted, 5 * *c.p_value, 1e-12);
  }
}

TEST(RegimeMap, OnlyUnsettledCellsAskForMoreRepetitions) {
  std::vector<RunResult> runs;
  // 1ms: b 2x ahead, significant (settled); 2ms: 0.5 % apart with a narrow
  // interval (a settled tie); 4ms: a wide spread around a 10 % lead (the
  // interval reaches past 1.05: unsettled); 8ms: one repetition (untested).
  runs.push_back(cell_run("a", "1ms", 1, around(0.020, 5)));
  runs.push_back(cell_run("b", "1ms", 1, around(0.010, 5)));
  runs.push_back(cell_run("a", "2ms", 1, around(0.01005, 5)));
  runs.push_back(cell_run("b", "2ms", 1, around(0.0100, 5)));
  runs.push_back(cell_run("a", "4ms", 1, {0.011, 0.016, 0.009, 0.013, 0.010}));
  runs.push_back(cell_run("b", "4ms", 1, {0.010, 0.012, 0.008, 0.014, 0.009}));
  runs.push_back(cell_run("a", "8ms", 1, {0.02}));
  runs.push_back(cell_run("b", "8ms", 1, {0.01}));
  const auto maps = build_maps(runs);
  ASSERT_EQ(maps.size(), 1u);
  const RegimeMap& map = maps.front();
  std::vector<bool> more;
  for (const MapCell& c : map.cells) more.push_back(unsettled(c, map));
  EXPECT_EQ(more, (std::vector<bool>{false, false, true, true}));
  EXPECT_TRUE(map.cells[0].significant);
}

RunResult probe_run(const std::string& strategy, const std::string& work,
                    double wall) {
  RunResult r = cell_run(strategy, work, 1, around(wall, 5));
  r.border_probe = true;
  return r;
}

TEST(RegimeMap, ProbesNarrowTheBorderBetweenTwoWinners) {
  // a wins at 1ms, b at 16ms (2x each way, 6 vs 6 repetitions).
  std::vector<RunResult> runs = {cell_run("a", "1ms", 1, around(0.01, 6)),
                                 cell_run("b", "1ms", 1, around(0.02, 6)),
                                 cell_run("a", "16ms", 1, around(0.04, 6)),
                                 cell_run("b", "16ms", 1, around(0.02, 6))};
  auto maps = build_maps(runs);
  ASSERT_EQ(maps.size(), 1u);
  ASSERT_EQ(maps.front().borders.size(), 1u);
  MapBorder b = maps.front().borders.front();
  EXPECT_EQ(b.axis, "work");
  EXPECT_EQ(b.at, "1");
  EXPECT_EQ(b.below, "a");
  EXPECT_EQ(b.above, "b");
  EXPECT_EQ(b.probed, (Values{"a", "b"}));
  EXPECT_EQ(b.low, "1ms");
  EXPECT_EQ(b.high, "16ms");
  // Bisection is log-even: halfway between 1 and 16 ms is 4 ms.
  EXPECT_EQ(border_midpoint(maps.front(), b), "4ms");
  // Probes off the grid: b ahead at 4ms, a at 2ms, so it flips in 2..4ms;
  // the probes join no cell.
  runs.push_back(probe_run("a", "4ms", 0.03));
  runs.push_back(probe_run("b", "4ms", 0.02));
  runs.push_back(probe_run("a", "2ms", 0.01));
  runs.push_back(probe_run("b", "2ms", 0.02));
  maps = build_maps(runs);
  ASSERT_EQ(maps.size(), 1u);
  EXPECT_EQ(maps.front().x_values, (Values{"1ms", "16ms"}));
  b = maps.front().borders.front();
  EXPECT_EQ(b.low, "2ms");
  EXPECT_EQ(b.high, "4ms");
  EXPECT_FALSE(b.even);
  EXPECT_EQ(b.probes.size(), 4u);
  EXPECT_EQ(border_midpoint(maps.front(), b), "2.83ms");
  // Even (within the 5 % threshold) at 2.83ms: the crossover is there.
  runs.push_back(probe_run("a", "2.83ms", 0.0200));
  runs.push_back(probe_run("b", "2.83ms", 0.0202));
  b = build_maps(runs).front().borders.front();
  EXPECT_TRUE(b.even);
  EXPECT_EQ(b.low, "2.83ms");
  EXPECT_EQ(b.high, "2.83ms");
  EXPECT_FALSE(border_midpoint(maps.front(), b));
}

TEST(RegimeMap, BesideATieTheProbeSidesWithTheTieUnlessTheWinnerLeads) {
  // 1ms: a tie (1 % apart); 16ms: b wins. The border is where b's lead
  // starts: probes measure b and its runner-up.
  std::vector<RunResult> runs = {cell_run("a", "1ms", 1, around(0.0100, 6)),
                                 cell_run("b", "1ms", 1, around(0.0101, 6)),
                                 cell_run("a", "16ms", 1, around(0.04, 6)),
                                 cell_run("b", "16ms", 1, around(0.02, 6))};
  auto border = build_maps(runs).front().borders.at(0);
  EXPECT_EQ(border.below, "tie");
  EXPECT_EQ(border.above, "b");
  EXPECT_EQ(border.probed, (Values{"b", "a"}));
  // Even at 4ms sides with the tie; b 2x ahead at 8ms with b.
  const RunResult a4 = probe_run("a", "4ms", 0.02),
                  b4 = probe_run("b", "4ms", 0.02);
  const RunResult a8 = probe_run("a", "8ms", 0.04),
                  b8 = probe_run("b", "8ms", 0.02);
  EXPECT_EQ(probe_verdict(border, b4, a4, 0.05), ProbeVerdict::below);
  EXPECT_EQ(probe_verdict(border, b8, a8, 0.05), ProbeVerdict::above);
  RunResult failed = a8;
  failed.status = RunStatus::failed;
  EXPECT_EQ(probe_verdict(border, b8, failed, 0.05), ProbeVerdict::unmeasured);
}

TEST(RegimeMap, IntegerAxesBisectToIntegersAndStopWhenAdjacent) {
  RegimeMap map;
  map.x_axis = "concurrency";
  MapBorder b;
  b.axis = "concurrency";
  b.low = "2";
  b.high = "8";
  EXPECT_EQ(border_midpoint(map, b), "4");
  b.high = "3";
  EXPECT_FALSE(border_midpoint(map, b));
  b.low = "0";
  b.high = "10";
  EXPECT_EQ(border_midpoint(map, b), "5");  // from 0: the arithmetic middle
}

TEST(ParameterSeries, AStrategysRunsAlongTheParameterWithTheirIdeal) {
  std::vector<RunResult> runs;
  for (const char* delay : {"50ms", "0", "5ms"}) {
    RunResult r = cell_run("a", "", 1, {0.01});
    r.workload = "io.sleep";
    r.params = {{"delay", delay}, {"distribution", "constant"}};
    r.sweep_axes = {"delay"};
    r.ideal_s = parameter_number(delay)->value;
    r.throughput_ops_s = summarize(std::vector<double>{100});
    runs.push_back(r);
  }
  const auto series = build_series(runs, std::nullopt);
  ASSERT_EQ(series.size(), 1u);
  const Series& s = series.front();
  EXPECT_EQ(s.x, "parameter");
  EXPECT_EQ(s.parameter, "delay");
  EXPECT_EQ(s.parameter_unit, "s");
  EXPECT_EQ(s.params, (std::vector<std::pair<std::string, std::string>>{
                          {"distribution", "constant"}}));
  ASSERT_EQ(s.points.size(), 3u);
  EXPECT_EQ(*s.points[0].parameter_value, "0");
  EXPECT_EQ(*s.points[2].parameter_value, "50ms");
  for (const SeriesPoint& p : s.points)
    EXPECT_DOUBLE_EQ(*p.ideal_s, *p.parameter_number);
}

}  // namespace
}  // namespace apb
