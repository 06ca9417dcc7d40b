// apbench compare: matching, verdicts, context checks, reading results
// files back, and the subcommand's exit status, on synthetic results with
// known changes.
#include "apbench/compare.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "apbench/compare_report.hpp"
#include "apbench/read_results.hpp"
#include "apbench/report.hpp"
#include "apbench/stats.hpp"
#include "cli/subcommands.hpp"

namespace apb {
namespace {

// Nine repetitions around `wall` with a fixed +-2 % jitter.
std::vector<double> walls_around(double wall, std::size_t n = 9) {
  static const double jitter[] = {0.0,   0.012, -0.015, 0.02,   -0.008,
                                  0.005, -0.02, 0.015,  -0.004, 0.01};
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(wall * (1 + jitter[i % 10]));
  return out;
}

RunResult run_of(std::string strategy, const std::vector<double>& walls,
                 std::string work = "1ms") {
  RunResult r;
  r.workload = "cpu.spin";
  r.kind = WorkloadKind::cpu;
  r.strategy = std::move(strategy);
  r.params = {{"work", std::move(work)}};
  r.load.ops = 100;
  r.load.concurrency = 100;
  r.load.threads = 2;
  std::vector<double> throughput;
  for (double w : walls) {
    Repetition rep;
    rep.wall_s = w;
    rep.ops_ok = 100;
    r.repetitions.push_back(rep);
    throughput.push_back(100 / w);
  }
  r.wall_s = summarize(walls);
  r.throughput_ops_s = summarize(throughput);
  r.latency_s.count = 100 * walls.size();
  r.latency_s.p99 = walls.front() / 2;
  return r;
}

Results results_of(std::vector<RunResult> runs) {
  Results r;
  r.context.apbench_version = "0.2.0";
  r.context.host = "box";
  r.context.cores = 2;
  r.context.compiler = "g++ 12.2.0";
  r.context.build_type = "Release";
  r.runs = std::move(runs);
  return r;
}

// Every line of `text` at most 100 columns (UTF-8 characters counted once).
void expect_fits_100_columns(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::size_t cols = 0;
    for (unsigned char ch : line) cols += (ch & 0xC0) != 0x80;
    EXPECT_LE(cols, 100u) << line;
  }
}

TEST(CompareTest, FileWithItselfIsNoChange) {
  const Results base = results_of({run_of("async", walls_around(0.05)),
                                   run_of("parallel", walls_around(0.03))});
  const FileComparison f = compare_results(base, base, {});
  ASSERT_EQ(f.runs.size(), 2u);
  for (const auto& c : f.runs) {
    EXPECT_EQ(c.verdict, Verdict::no_change);
    EXPECT_DOUBLE_EQ(c.ratio, 1);
    ASSERT_TRUE(c.p_value);
    EXPECT_DOUBLE_EQ(*c.p_value, 1);
  }
  EXPECT_FALSE(f.regression());
  EXPECT_TRUE(f.context_differences.empty());
  EXPECT_TRUE(f.only_in_base.empty() && f.only_in_candidate.empty());
}

TEST(CompareTest, TwentyPercentSlowdownIsFlagged) {
  const Results base = results_of({run_of("async", walls_around(0.05))});
  const Results slow = results_of({run_of("async", walls_around(0.06))});
  const FileComparison f = compare_results(base, slow, {});
  ASSERT_EQ(f.runs.size(), 1u);
  const RunComparison& c = f.runs[0];
  EXPECT_EQ(c.verdict, Verdict::slower);
  EXPECT_NEAR(c.ratio, 1.2, 1e-9);
  EXPECT_LT(c.ci95_low, 1.2);
  EXPECT_GT(c.ci95_high, 1.2);
  EXPECT_GT(c.ci95_low, 1.1);
  ASSERT_TRUE(c.p_value);
  EXPECT_LT(*c.p_value, 0.001);
  EXPECT_TRUE(f.regression());

  // The other way round it is faster, and no regression.
  const FileComparison back = compare_results(slow, base, {});
  EXPECT_EQ(back.runs[0].verdict, Verdict::faster);
  EXPECT_NEAR(back.runs[0].ratio, 1 / 1.2, 1e-9);
  EXPECT_FALSE(back.regression());
}

TEST(CompareTest, ChangeWithinThresholdIsNoChange) {
  const Results base = results_of({run_of("async", walls_around(0.05))});
  const Results a_bit = results_of({run_of("async", walls_around(0.0515))});
  const FileComparison f = compare_results(base, a_bit, {});
  EXPECT_EQ(f.runs[0].verdict, Verdict::no_change);  // 3 % < 5 %
  CompareOptions strict;
  strict.threshold = 0.01;
  EXPECT_EQ(compare_results(base, a_bit, strict).runs[0].verdict,
            Verdict::slower);
}

TEST(CompareTest, RunsThatWereNotMeasuredAreNotCountedAsTooFew) {
  RunResult na = run_of("tbb-pipeline", {0.05});
  na.status = RunStatus::not_applicable;  // as the runner leaves it: no
  na.repetitions.clear();                 // repetitions, no numbers
  na.wall_s = {};
  na.throughput_ops_s = {};
  const Results base = results_of({run_of("async", walls_around(0.05)), na});
  const FileComparison f = compare_results(base, base, {});
  ASSERT_EQ(f.runs.size(), 2u);
  EXPECT_EQ(f.runs[0].verdict, Verdict::no_change);
  EXPECT_EQ(f.runs[1].verdict, Verdict::not_measured);
  EXPECT_EQ(to_string(Verdict::not_measured), "not measured");
}

TEST(CompareTest, TooFewRepetitionsSaySo) {
  const Results base = results_of({run_of("async", walls_around(0.05, 3))});
  const Results slow = results_of({run_of("async", walls_around(0.1, 3))});
  const RunComparison c = compare_results(base, slow, {}).runs[0];
  EXPECT_EQ(c.verdict, Verdict::too_few);
  EXPECT_NE(c.note.find("can never reach p < 0.05"), std::string::npos);

  const Results one = results_of({run_of("async", {0.1})});
  const RunComparison single = compare_results(base, one, {}).runs[0];
  EXPECT_EQ(single.verdict, Verdict::too_few);
  EXPECT_FALSE(single.p_value);
  EXPECT_NE(single.note.find("at least 2"), std::string::npos);

  // Five each can reach p < 0.05, but the note warns about power.
  const Results five = results_of({run_of("async", walls_around(0.1, 5))});
  const Results five_base =
      results_of({run_of("async", walls_around(0.05, 5))});
  const RunComparison c5 = compare_results(five_base, five, {}).runs[0];
  EXPECT_EQ(c5.verdict, Verdict::slower);
  EXPECT_NE(c5.note.find("power"), std::string::npos);
}

TEST(CompareTest, IgnoreParamMatchesRunsThatDifferOnPurpose) {
  const Results base = results_of({run_of("async", walls_around(0.05), "1ms")});
  const Results heavier =
      results_of({run_of("async", walls_around(0.0575), "1.15ms")});
  const FileComparison plain = compare_results(base, heavier, {});
  EXPECT_TRUE(plain.matched_nothing());
  EXPECT_EQ(plain.only_in_base.size(), 1u);
  EXPECT_EQ(plain.only_in_candidate.size(), 1u);

  CompareOptions options;
  options.ignore_params = {"work"};
  const FileComparison f = compare_results(base, heavier, options);
  ASSERT_EQ(f.runs.size(), 1u);
  EXPECT_EQ(f.runs[0].verdict, Verdict::slower);
  EXPECT_LT(f.runs[0].ci95_low, 1.15);
  EXPECT_GT(f.runs[0].ci95_high, 1.15);
}

TEST(CompareTest, UnmatchedRunsAreListed) {
  const Results base = results_of({run_of("async", walls_around(0.05)),
                                   run_of("threads", walls_around(0.05))});
  const Results cand = results_of({run_of("async", walls_around(0.05)),
                                   run_of("hybrid", walls_around(0.05))});
  const FileComparison f = compare_results(base, cand, {});
  ASSERT_EQ(f.runs.size(), 1u);
  ASSERT_EQ(f.only_in_base.size(), 1u);
  EXPECT_EQ(f.only_in_base[0].strategy, "threads");
  ASSERT_EQ(f.only_in_candidate.size(), 1u);
  EXPECT_EQ(f.only_in_candidate[0].strategy, "hybrid");
}

TEST(CompareTest, ContextDifferencesAndUnfitBuilds) {
  const Results base = results_of({run_of("async", walls_around(0.05))});
  Results other = base;
  other.context.host = "laptop";
  other.context.build_type = "Debug +sanitize=address,undefined";
  const FileComparison f = compare_results(base, other, {});
  ASSERT_EQ(f.context_differences.size(), 2u);
  EXPECT_EQ(f.context_differences[0].field, "host");
  EXPECT_EQ(f.context_differences[1].field, "build type");
  ASSERT_EQ(f.unfit.size(), 1u);
  EXPECT_NE(f.unfit[0].find("new: a Debug build with sanitizers"),
            std::string::npos);
  EXPECT_EQ(unfit_for_timing("Release"), "");
  EXPECT_NE(unfit_for_timing("RelWithDebInfo +sanitize=thread"), "");
}

TEST(CompareTest, SaysWhenAFileMeasuredEveryRepetitionInOneProcess) {
  Results one = results_of({run_of("async", walls_around(0.05))});
  Results forked = one;
  forked.context.processes = 9;
  const FileComparison f = compare_results(one, forked, {});
  ASSERT_EQ(f.context_differences.size(), 1u);
  EXPECT_EQ(f.context_differences[0].field, "processes");
  EXPECT_EQ(f.context_differences[0].base, "1");
  EXPECT_EQ(f.context_differences[0].candidate, "9");
  ASSERT_EQ(f.one_process.size(), 1u);  // the base only
  EXPECT_EQ(f.one_process[0].rfind("base: ", 0), 0u);
  EXPECT_TRUE(compare_results(forked, forked, {}).one_process.empty());
  // Too few repetitions for a test: nothing to say.
  const Results two = results_of({run_of("async", {0.05, 0.051})});
  EXPECT_TRUE(compare_results(two, two, {}).one_process.empty());
}

TEST(CompareTest, SeriesKneesSideBySide) {
  const auto swept = [](double rate, double tput) {
    RunResult r = run_of("async", {1.0});
    r.load.mode = LoadMode::open;
    r.load.rate = rate;
    r.load.duration_s = 1;
    r.swept = true;
    r.throughput_ops_s.median = tput;
    return r;
  };
  const auto series_of = [](double knee, double max) {
    Series s;
    s.workload = "cpu.spin";
    s.strategy = "async";
    s.params = {{"work", "1ms"}};
    s.x = "offered_rate";
    s.points.push_back({});
    s.points.back().run_index = 0;
    s.points.push_back({});
    s.points.back().run_index = 1;
    s.knee = Knee{knee, knee, std::nullopt, 0.01, 99};
    s.max_throughput_ops_s = max;
    return s;
  };
  Results base = results_of({swept(500, 500), swept(1000, 900)});
  base.series = {series_of(500, 900)};
  Results cand = results_of({swept(500, 500), swept(1000, 800)});
  cand.series = {series_of(480, 800)};
  const FileComparison f = compare_results(base, cand, {});
  EXPECT_TRUE(f.runs.empty());  // swept points compare as a series
  ASSERT_EQ(f.series.size(), 1u);
  EXPECT_DOUBLE_EQ(f.series[0].base_knee->throughput_ops_s, 500);
  EXPECT_DOUBLE_EQ(f.series[0].candidate_knee->throughput_ops_s, 480);
  EXPECT_DOUBLE_EQ(f.series[0].candidate_max_throughput_ops_s, 800);
  EXPECT_FALSE(f.matched_nothing());
}

// Nine walls 1.00, 1.02, ..., 1.16 s against the same plus `shift` s: with
// shift 0.07 the samples overlap, U = 66 of 81 pairs, and the normal
// approximation gives z = (66 - 40.5 - 0.5) / sqrt(81 * 19 / 12) = 2.2076,
// p = 0.0273; the medians 1.08 and 1.15 s differ by 6.5 %, beyond the 5 %
// threshold. One such row alone is "slower".
std::vector<double> ladder(double shift) {
  std::vector<double> out;
  for (int i = 0; i < 9; ++i) out.push_back(1.0 + 0.02 * i + shift);
  return out;
}

// Forty rows, each "slower" at p = 0.027 on its own: the kind of finding
// that chance alone gives about two of among 42 rows. Holm adjusts each to
// min(1, 40 x 0.027): none is significant. A real 20 % slowdown among them
// (complete separation of 9 and 9, p = 0.00041, x 41 = 0.017) still is.
TEST(CompareTest, HolmKeepsManyChanceFindingsQuiet) {
  std::vector<RunResult> base_runs, new_runs;
  for (int i = 0; i < 40; ++i) {
    const std::string work = std::to_string(i + 1) + "ms";
    base_runs.push_back(run_of("async", ladder(0), work));
    new_runs.push_back(run_of("async", ladder(0.07), work));
  }
  const Results base = results_of(base_runs);
  const Results noisy = results_of(new_runs);

  CompareOptions each;
  each.p_adjust = PAdjust::none;
  const FileComparison alone = compare_results(base, noisy, each);
  ASSERT_EQ(alone.runs.size(), 40u);
  EXPECT_EQ(alone.tests, 40u);
  for (const auto& c : alone.runs) {
    ASSERT_TRUE(c.p_value && c.p_adjusted);
    EXPECT_NEAR(*c.p_value, 0.0273, 5e-4);
    EXPECT_EQ(*c.p_adjusted, *c.p_value);  // none: not adjusted
    EXPECT_NEAR(c.ratio, 1.15 / 1.08, 1e-9);
    EXPECT_EQ(c.verdict, Verdict::slower);
  }
  EXPECT_TRUE(alone.regression());

  const FileComparison family = compare_results(base, noisy, {});
  EXPECT_EQ(family.tests, 40u);
  for (const auto& c : family.runs) {
    ASSERT_TRUE(c.p_value && c.p_adjusted);
    EXPECT_NEAR(*c.p_value, 0.0273, 5e-4);  // the raw p is kept
    EXPECT_DOUBLE_EQ(*c.p_adjusted, 1);
    EXPECT_EQ(c.verdict, Verdict::no_change);
    EXPECT_NE(c.note.find("significant alone"), std::string::npos) << c.note;
    EXPECT_NE(c.note.find("not among 40 tests"), std::string::npos) << c.note;
  }
  EXPECT_FALSE(family.regression());

  Results real = noisy;
  real.runs.push_back(run_of("threads", walls_around(0.06)));
  Results real_base = base;
  real_base.runs.push_back(run_of("threads", walls_around(0.05)));
  const FileComparison mixed = compare_results(real_base, real, {});
  ASSERT_EQ(mixed.runs.size(), 41u);
  EXPECT_EQ(mixed.tests, 41u);
  const RunComparison& slowed = mixed.runs.back();
  EXPECT_EQ(slowed.run.strategy, "threads");
  ASSERT_TRUE(slowed.p_value && slowed.p_adjusted);
  EXPECT_NEAR(*slowed.p_value, 0.00041229, 1e-8);
  EXPECT_NEAR(*slowed.p_adjusted, 41 * 0.00041229, 1e-6);
  EXPECT_EQ(slowed.verdict, Verdict::slower);
  EXPECT_TRUE(mixed.regression());
  for (std::size_t i = 0; i < 40; ++i)
    EXPECT_EQ(mixed.runs[i].verdict, Verdict::no_change);
}

// Five against five can reach p < 0.05 alone (2 / C(10, 5) = 0.0079), but
// among ten tests Holm needs below 0.005 for the first: a note says so,
// and how many other rows must be flagged first (10 - 6: 6 x 0.0079 < 0.05).
// Rows that cannot reach alpha at all stay "too few" and outside the family.
TEST(CompareTest, HolmSaysWhenFewRepetitionsCannotMeetTheFamily) {
  std::vector<RunResult> base_runs, new_runs;
  for (int i = 0; i < 10; ++i) {
    const std::string work = std::to_string(i + 1) + "ms";
    base_runs.push_back(run_of("async", walls_around(0.05, 5), work));
    new_runs.push_back(run_of("async", walls_around(0.06, 5), work));
  }
  base_runs.push_back(run_of("threads", walls_around(0.05, 3)));
  new_runs.push_back(run_of("threads", walls_around(0.06, 3)));
  const Results base = results_of(base_runs);
  const Results slow = results_of(new_runs);

  const FileComparison f = compare_results(base, slow, {});
  ASSERT_EQ(f.runs.size(), 11u);
  EXPECT_EQ(f.tests, 10u);  // 3 against 3 is not tested
  for (std::size_t i = 0; i < 10; ++i) {
    const RunComparison& c = f.runs[i];
    ASSERT_TRUE(c.p_adjusted);
    EXPECT_NEAR(*c.p_value, 2.0 / 252, 1e-12);
    EXPECT_NEAR(*c.p_adjusted, 10 * 2.0 / 252, 1e-12);  // ties: all equal
    EXPECT_EQ(c.verdict, Verdict::no_change);
    EXPECT_NE(c.note.find("a change beyond 5 %, but with 5 and 5 repetitions "
                          "the smallest p is 0.0079; among 10 tests Holm "
                          "needs below 0.005 for the first, so this row is "
                          "flagged only if 4 others are (run about 9 each)"),
              std::string::npos)
        << c.note;
  }
  EXPECT_EQ(f.runs[10].verdict, Verdict::too_few);
  EXPECT_FALSE(f.runs[10].p_adjusted);

  CompareOptions each;
  each.p_adjust = PAdjust::none;
  const FileComparison alone = compare_results(base, slow, each);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(alone.runs[i].verdict, Verdict::slower);
    EXPECT_EQ(alone.runs[i].note.find("Holm"), std::string::npos);
  }

  // The console says what the verdicts compare, and the note fits too.
  Comparison comparison;
  comparison.files.push_back(f);
  std::ostringstream out;
  write_compare_console(out, comparison, false);
  const std::string text = out.str();
  EXPECT_NE(
      text.find(
          "verdict at Holm-adjusted p < 0.05 over 10 tests beyond ±5.0 %"),
      std::string::npos)
      << text;
  expect_fits_100_columns(text);
  std::ostringstream md;
  write_compare_markdown(md, comparison);
  EXPECT_NE(md.str().find("Holm-adjusted"), std::string::npos) << md.str();
}

// The console report fits 100 columns, and says the verdicts.
TEST(CompareTest, ConsoleFitsHundredColumns) {
  Results base = results_of({run_of("tbb-pipeline", walls_around(0.05)),
                             run_of("async", walls_around(0.05, 3))});
  base.runs[0].params.push_back(
      {"a_rather_long_parameter_name", "with-a-rather-long-value-too"});
  Results slow = base;
  slow.runs[0] = run_of("tbb-pipeline", walls_around(0.06));
  slow.runs[0].params = base.runs[0].params;
  slow.context.compiler =
      "clang 16 with a very long version string indeed, "
      "longer than any line of the table should be";
  Comparison comparison;
  FileComparison f = compare_results(base, slow, {});
  f.base_source = "base.json";
  f.candidate_source = "new.json";
  comparison.files.push_back(f);
  std::ostringstream out;
  write_compare_console(out, comparison, false);
  const std::string text = out.str();
  EXPECT_NE(text.find("slower"), std::string::npos) << text;
  EXPECT_NE(text.find("too few"), std::string::npos) << text;
  expect_fits_100_columns(text);
}

// write_json, then read_json: what compare needs survives the round trip.
TEST(CompareTest, ResultsReadBackAsWritten) {
  Results r = results_of({run_of("async", walls_around(0.05))});
  r.runs[0].load.concurrency = 4;
  std::ostringstream out;
  write_json(out, r);
  std::istringstream in(out.str());
  const Results back = read_json(in, "r.json");
  ASSERT_EQ(back.runs.size(), 1u);
  const RunResult& a = r.runs[0];
  const RunResult& b = back.runs[0];
  EXPECT_EQ(b.workload, a.workload);
  EXPECT_EQ(b.strategy, a.strategy);
  EXPECT_EQ(b.params, a.params);
  EXPECT_EQ(b.load.ops, a.load.ops);
  EXPECT_EQ(b.load.requested_concurrency(), a.load.requested_concurrency());
  EXPECT_EQ(b.load.threads, a.load.threads);
  ASSERT_EQ(b.repetitions.size(), a.repetitions.size());
  for (std::size_t i = 0; i < a.repetitions.size(); ++i)
    EXPECT_DOUBLE_EQ(b.repetitions[i].wall_s, a.repetitions[i].wall_s);
  EXPECT_DOUBLE_EQ(b.wall_s.median, a.wall_s.median);
  EXPECT_DOUBLE_EQ(b.latency_s.p99, a.latency_s.p99);
  EXPECT_EQ(back.context.host, "box");
  // Its own comparison key is unchanged: a file compares with itself.
  EXPECT_EQ(compare_results(r, back, {}).runs.size(), 1u);
}

std::string read_error(const std::string& text) {
  std::istringstream in(text);
  try {
    read_json(in, "x.json");
  } catch (const ResultsFormatError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CompareTest, BadFilesFailWithOneLine) {
  EXPECT_NE(read_error("{not json").find("'x.json' is not JSON"),
            std::string::npos);
  EXPECT_NE(read_error("[1, 2]").find("not an apbench results file"),
            std::string::npos);
  EXPECT_NE(read_error(R"({"schema": "apbench.results/9"})")
                .find("schema 'apbench.results/9'"),
            std::string::npos);
  EXPECT_NE(read_error(R"({"schema": "apbench.results/1", "context": 3})")
                .find("context is not an object"),
            std::string::npos);
  for (const char* text : {"{not json", "[]", R"({"schema": "x"})"})
    EXPECT_EQ(read_error(text).find('\n'), std::string::npos);
}

// The subcommand end to end on files: exit 0, 1 with --fail-on-regression,
// 2 for bad input.
class CompareCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("apbench_compare_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    write("base.json", results_of({run_of("async", walls_around(0.05))}));
    write("slow.json", results_of({run_of("async", walls_around(0.06))}));
    write("other.json", results_of({run_of("threads", walls_around(0.05))}));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const Results& r) {
    std::ofstream out(dir_ / name);
    write_json(out, r);
  }
  std::string path(const std::string& name) const {
    return (dir_ / name).string();
  }
  int run(std::vector<std::string> args) {
    args.insert(args.begin(), "compare");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream captured;
    auto* old = std::cout.rdbuf(captured.rdbuf());
    const int rc =
        cli::run_subcommand(*cli::find_subcommand("compare"),
                            static_cast<int>(argv.size()), argv.data());
    std::cout.rdbuf(old);
    output_ = captured.str();
    return rc;
  }

  std::filesystem::path dir_;
  std::string output_;
};

TEST_F(CompareCommandTest, ExitStatus) {
  EXPECT_EQ(run({path("base.json"), path("base.json")}), 0);
  EXPECT_NE(output_.find("0 slower, 0 faster, 1 no change"), std::string::npos)
      << output_;
  EXPECT_EQ(run({path("base.json"), path("slow.json")}), 0);
  EXPECT_NE(output_.find("1 slower, 0 faster"), std::string::npos) << output_;
  EXPECT_EQ(run({path("base.json"), path("slow.json"), "--fail-on-regression",
                 "--json", path("cmp.json"), "--markdown", path("cmp.md")}),
            1);
  std::ifstream json(path("cmp.json"));
  std::stringstream text;
  text << json.rdbuf();
  EXPECT_NE(text.str().find("\"schema\": \"apbench.compare/1\""),
            std::string::npos);
  EXPECT_NE(text.str().find("\"verdict\": \"slower\""), std::string::npos);
  EXPECT_TRUE(std::filesystem::file_size(path("cmp.md")) > 0);

  EXPECT_EQ(run({path("base.json"), path("missing.json")}), 2);
  EXPECT_EQ(run({path("base.json"), path("other.json")}), 2);
  EXPECT_EQ(run({path("base.json")}), 2);
  EXPECT_EQ(run({path("base.json"), path("base.json"), "--threshold", "x"}), 2);
  EXPECT_EQ(run({path("base.json"), path("base.json"), "--p-adjust", "x"}), 2);
}

// One row: Holm over one test is the raw p, so the slowdown is flagged
// either way; the JSON says which adjustment the verdicts used.
TEST_F(CompareCommandTest, PAdjustChoices) {
  for (const std::string method : {"holm", "none"}) {
    EXPECT_EQ(run({path("base.json"), path("slow.json"), "--p-adjust", method,
                   "--fail-on-regression", "--json", path("cmp.json")}),
              1)
        << method;
    std::ifstream json(path("cmp.json"));
    std::stringstream text;
    text << json.rdbuf();
    EXPECT_NE(text.str().find("\"p_adjust\": \"" + method + "\""),
              std::string::npos)
        << text.str();
    EXPECT_NE(text.str().find("\"tests\": 1,"), std::string::npos);
    EXPECT_NE(text.str().find("\"p_adjusted\": "), std::string::npos);
  }
  EXPECT_NE(output_.find("verdict at unadjusted p < 0.05 over 1 test beyond "
                         "±5.0 % (--p-adjust none)"),
            std::string::npos)
      << output_;
}

// Each repetition of `r` fails `failed` of its 100 ops (throughput counts
// only the ones that succeeded, as the runner's does).
RunResult failing(RunResult r, std::uint64_t failed) {
  std::vector<double> throughput;
  for (Repetition& rep : r.repetitions) {
    rep.ops_ok = 100 - failed;
    rep.errors = failed;
    throughput.push_back(static_cast<double>(rep.ops_ok) / rep.wall_s);
    r.errors += failed;
  }
  r.throughput_ops_s = summarize(throughput);
  return r;
}

TEST(CompareTest, MoreErrorsIsARegressionWhateverTheSpeed) {
  const Results base = results_of({run_of("async", walls_around(0.05))});
  const Results worse =
      results_of({failing(run_of("async", walls_around(0.05)), 10)});
  const FileComparison f = compare_results(base, worse, {});
  ASSERT_EQ(f.runs.size(), 1u);
  const RunComparison& c = f.runs[0];
  EXPECT_EQ(c.verdict, Verdict::more_errors);
  EXPECT_EQ(to_string(c.verdict), "more errors");
  EXPECT_NEAR(c.candidate.error_rate, 0.1, 1e-12);
  EXPECT_EQ(c.candidate.failed_ops, 90u);
  EXPECT_EQ(c.candidate.finished_ops, 900u);
  EXPECT_NE(c.note.find("error rate 0 % -> 10 %"), std::string::npos) << c.note;
  EXPECT_TRUE(f.regression());
  // Fewer errors the other way round: the speed verdict stands, the note
  // gives the rates.
  const FileComparison back = compare_results(worse, base, {});
  EXPECT_NE(back.runs[0].verdict, Verdict::more_errors);
  EXPECT_FALSE(back.regression());
  EXPECT_NE(back.runs[0].note.find("error rate 10 % -> 0 %"),
            std::string::npos);
}

TEST(CompareTest, FailingFastIsNotFaster) {
  // Half the wall time because half the ops failed at once: the same
  // goodput, so no faster verdict, and the errors make it a regression.
  const Results base = results_of({run_of("async", walls_around(0.05))});
  const Results fast_failing =
      results_of({failing(run_of("async", walls_around(0.025)), 50)});
  const RunComparison c = compare_results(base, fast_failing, {}).runs[0];
  EXPECT_NEAR(c.ratio, 1.0, 1e-9);
  EXPECT_EQ(c.verdict, Verdict::more_errors);
  EXPECT_NE(c.note.find("speed: no change"), std::string::npos) << c.note;
}

TEST(CompareTest, ErrorsWithinTheLimitKeepTheSpeedVerdict) {
  // 1 failed op in 900 (0.11 %) is under the 1 % limit: no regression.
  const Results base = results_of({run_of("async", walls_around(0.05))});
  RunResult one = run_of("async", walls_around(0.05));
  one.repetitions[0].ops_ok = 99;
  one.repetitions[0].errors = 1;
  one.errors = 1;
  const RunComparison c = compare_results(base, results_of({one}), {}).runs[0];
  EXPECT_EQ(c.verdict, Verdict::no_change);
}

// Error rates form their own family: three rows whose error rate rose
// from 3 to 5 % (27 -> 45 of 900 ops, p = 0.030 each) are "more errors"
// alone, but not among three (Holm: 3 x 0.030 = 0.091).
TEST(CompareTest, ErrorTestsAreAdjustedAsTheirOwnFamily) {
  std::vector<RunResult> base_runs, new_runs;
  for (int i = 0; i < 3; ++i) {
    const std::string work = std::to_string(i + 1) + "ms";
    base_runs.push_back(failing(run_of("async", walls_around(0.05), work), 3));
    new_runs.push_back(failing(run_of("async", walls_around(0.05), work), 5));
  }
  const Results base = results_of(base_runs);
  const Results worse = results_of(new_runs);
  const double p = two_proportion_p(27, 900, 45, 900);
  EXPECT_NEAR(p, 0.0304, 5e-4);

  CompareOptions each;
  each.p_adjust = PAdjust::none;
  const FileComparison alone = compare_results(base, worse, each);
  EXPECT_EQ(alone.error_tests, 3u);
  for (const auto& c : alone.runs) {
    EXPECT_EQ(c.verdict, Verdict::more_errors);
    ASSERT_TRUE(c.error_p_value && c.error_p_adjusted);
    EXPECT_DOUBLE_EQ(*c.error_p_adjusted, p);
  }

  const FileComparison family = compare_results(base, worse, {});
  EXPECT_EQ(family.error_tests, 3u);
  EXPECT_EQ(family.tests, 3u);
  for (const auto& c : family.runs) {
    EXPECT_EQ(c.verdict, Verdict::no_change);
    ASSERT_TRUE(c.error_p_adjusted);
    EXPECT_NEAR(*c.error_p_adjusted, 3 * p, 1e-12);
    EXPECT_NE(c.note.find("Holm-adjusted 0.091 over 3 rows with failed ops"),
              std::string::npos)
        << c.note;
  }
  EXPECT_FALSE(family.regression());
}

TEST(TwoProportion, MatchesRsPropTest) {
  // prop.test(c(45, 56), c(100, 100), correct = FALSE): X-squared = 2.4203,
  // p-value = 0.1198.
  EXPECT_NEAR(two_proportion_p(45, 100, 56, 100), 0.1198, 5e-4);
  EXPECT_DOUBLE_EQ(two_proportion_p(0, 100, 0, 100), 1);
  EXPECT_DOUBLE_EQ(two_proportion_p(3, 0, 1, 10), 1);
  EXPECT_LT(two_proportion_p(0, 900, 90, 900), 1e-10);
}

}  // namespace
}  // namespace apb
