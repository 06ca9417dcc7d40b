#pragma once
// Comparing two results files (`apbench compare`): runs matched by their
// comparison key and strategy, each match tested for a change of speed
// (ratio of medians, its 95 % interval, a Mann-Whitney U test), series
// knees side by side, and the differences of machine and build that make
// a comparison doubtful.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/load.hpp"
#include "apbench/results.hpp"

namespace apb {

// How the p-values of one comparison's many tests are adjusted before the
// verdicts. With one test per row, some p below alpha arises by chance
// when there are many rows (42 for `--filter 'cpu.*'`); Holm's method
// keeps the chance that any row is flagged by noise alone at alpha.
enum class PAdjust {
  holm,  // Holm's step-down (apb::holm_adjust), per family of tests
  none   // each row on its own: the adjusted p is the raw p
};
std::string_view to_string(PAdjust method);  // "holm", "none"

struct CompareOptions {
  // Parameters left out of the match (runs that differ in them on purpose).
  std::vector<std::string> ignore_params;
  double threshold = 0.05;  // a change smaller than this is "no change"
  double alpha = 0.05;      // family-wise significance level of the tests
  PAdjust p_adjust = PAdjust::holm;
};

enum class Verdict {
  faster,
  slower,
  no_change,
  too_few,
  not_measured,
  more_errors
};
// "faster", "slower", "no change", "too few repetitions", "not measured"
// (a side is n/a or failed: nothing to test), "more errors" (the new run
// failed a larger share of its ops, above kErrorRateLimit and significantly
// so: a regression whatever its speed)
std::string_view to_string(Verdict verdict);

// Which run: what identifies it in both files.
struct RunIdentity {
  std::string workload;
  std::string strategy;
  std::vector<std::pair<std::string, std::string>> params;
  Load load;
};

// Medians of one side of a match.
struct CompareSide {
  std::size_t run_index = 0;  // into its Results::runs
  std::size_t repetitions = 0;
  // Closed loop: the median wall time at the run's goodput (goodput_wall_s:
  // the plain median wall when no op failed), so failing fast is not
  // being fast.
  double wall_s = 0;
  double throughput_ops_s = 0;  // successful ops per second
  double p99_s = 0;
  double error_rate = 0;  // failed / finished ops (error_rate())
  std::uint64_t failed_ops = 0, finished_ops = 0;
};

struct RunComparison {
  RunIdentity run;  // as in the base file
  CompareSide base, candidate;
  // What the verdict is on: "wall_s" (closed loop) or "throughput_ops_s"
  // (open loop, whose wall time is set by its schedule).
  std::string metric;
  // new time / base time, from the medians: above 1 is slower. For
  // throughput it is base / new, so the direction reads the same.
  double ratio = 0;
  // 95 % interval of that ratio: Welch's t on the logarithms of the
  // repetition samples (apb::compare_ratio); [ratio, ratio] when either
  // side has fewer than 2 samples.
  double ci95_low = 0, ci95_high = 0;
  std::optional<double> p_value;  // two-sided Mann-Whitney U; nullopt: n < 2
  bool exact = false;             // p from the exact U distribution
  // p_value adjusted over the speed tests of its FileComparison (tests of
  // them, by CompareOptions::p_adjust): what the verdict compares with
  // alpha. nullopt when the row is not tested (too few repetitions, not
  // measured).
  std::optional<double> p_adjusted;
  // The two-proportion test of the error rates, when either side failed
  // ops, raw and adjusted over its own family (FileComparison::
  // error_tests): what "more errors" compares with alpha.
  std::optional<double> error_p_value, error_p_adjusted;
  Verdict verdict = Verdict::too_few;
  std::string note;  // why too few, low power, significant but small, ...
};

// A sweep's knees and maxima in both files.
struct SeriesComparison {
  std::string workload, strategy, x;  // x: "offered_rate" or "concurrency"
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<Knee> base_knee, candidate_knee;
  double base_max_throughput_ops_s = 0, candidate_max_throughput_ops_s = 0;
};

// A context field that differs between the files.
struct ContextDifference {
  // "host", "cores", "cpus", "cpu", "compiler", "build type",
  // "apbench version", "processes"
  std::string field;
  std::string base, candidate;
};

struct FileComparison {
  std::string base_source, candidate_source;  // the paths, for headings
  std::vector<ContextDifference> context_differences;
  // One sentence per file whose build is unfit for timing (Debug,
  // sanitizers).
  std::vector<std::string> unfit;
  // One sentence per file measured on a busy machine (context.noise).
  std::vector<std::string> noise;
  // One sentence per file whose runs measured all their repetitions in one
  // process (context.processes 1, with enough repetitions for a test): its
  // spread leaves out what changes between processes (apbench --forks).
  std::vector<std::string> one_process;
  // Load-swept runs are compared as series; --set sweeps run by run.
  std::vector<RunComparison> runs;
  // The families the p-values are adjusted over: the rows tested for a
  // change of speed (repetitions enough to reach alpha at all, both sides
  // measured), and the rows whose error rates were tested.
  std::size_t tests = 0, error_tests = 0;
  std::vector<SeriesComparison> series;
  std::vector<RunIdentity> only_in_base, only_in_candidate;

  // Some run is slower (significant, > threshold) or has more errors.
  bool regression() const;
  bool matched_nothing() const { return runs.empty() && series.empty(); }
};

// Compares `candidate` against `base`.
FileComparison compare_results(const Results& base, const Results& candidate,
                               const CompareOptions& options);

// A comparison of several files, each against the first.
struct Comparison {
  static constexpr const char* schema = "apbench.compare/1";
  CompareOptions options;
  std::vector<FileComparison> files;
  bool regression() const;
};

// "Debug build: times are not representative" and the like; empty when
// fit. `build_type` as in RunContext ("Release", "Debug +sanitize=...").
std::string unfit_for_timing(const std::string& build_type);

}  // namespace apb
