// `apbench compare BASE.json NEW.json [MORE.json...]`: its flags, files and
// exit status (0; 1 with --fail-on-regression and a slowdown; 2 for bad
// input). The comparison itself is apb::compare_results (compare.hpp).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "apbench/compare.hpp"
#include "apbench/compare_report.hpp"
#include "apbench/results_json.hpp"
#include "apbench/units.hpp"
#include "help_formatter.hpp"
#include "output_file.hpp"
#include "subcommands.hpp"
#include "terminal_width.hpp"

namespace apb::cli {
namespace {

constexpr const char* kCompareFooter = R"(
Runs match when workload, strategy, parameters and load are equal (the
comparison key); swept runs are compared as series (knees, maximum
throughput). With more than two files, each is compared with the first.
The ratio is new / base of the median wall time (open loop: of the median
throughput, inverted), above 1 is slower, with a 95 % interval from the
repetitions; p is a two-sided Mann-Whitney U test. A run is "slower" or
"faster" when p < --alpha and the ratio is beyond --threshold; judging
needs repetitions: at least 4 per side, about 9 for power.
Each row is a test, and with many rows some p falls below 0.05 by chance
alone (about 2 of 42 rows when nothing changed). So p is adjusted over all
rows of a comparison (Holm's method): the chance that noise flags ANY row
stays at --alpha. --p-adjust none judges each row on its own, as if it were
the only one.

Examples:
  apbench compare before.json after.json
  apbench compare base.json new.json --fail-on-regression --markdown cmp.md
  apbench compare work1ms.json work2ms.json --ignore-param work
Exit status: 0; 1 with --fail-on-regression when a run got slower; 2 for
bad input (missing file, not apbench JSON, unknown schema, nothing
matched).)";

double parse_threshold(const std::string& text) {
  std::string number = text;
  if (!number.empty() && number.back() == '%') number.pop_back();
  double value = -1;
  try {
    value = parse_real(number);
  } catch (const UsageError&) {
  }
  if (!(value > 0 && value < 100))
    throw UsageError(fmt::format(
        "bad value '{}' for --threshold: expected a percentage above 0 and "
        "below 100, e.g. 5 or 5%",
        text));
  return value / 100;
}

PAdjust parse_p_adjust(const std::string& text) {
  for (PAdjust method : {PAdjust::holm, PAdjust::none})
    if (text == to_string(method)) return method;
  throw UsageError(fmt::format(
      "bad value '{}' for --p-adjust: expected holm or none", text));
}

double parse_alpha(const std::string& text) {
  double value = -1;
  try {
    value = parse_real(text);
  } catch (const UsageError&) {
  }
  if (!(value > 0 && value < 1))
    throw UsageError(fmt::format(
        "bad value '{}' for --alpha: expected a probability between 0 and 1, "
        "e.g. 0.05",
        text));
  return value;
}

// An output checked before anything is read (a bad path fails fast), and
// written by replacing the file whole only once the comparison is made, so
// a file given both as input and as output is read intact.
std::optional<OutputFile> output(const std::string& flag,
                                 const std::string& path) {
  if (path.empty()) return std::nullopt;
  return OutputFile(flag, path, nullptr);
}

// Nothing matched: say which parameters differ, when leaving them out
// would have matched something.
std::string nothing_matched(const Results& base, const Results& candidate,
                            const std::string& base_path,
                            const std::string& candidate_path,
                            CompareOptions options) {
  std::set<std::string> names;
  for (const auto* results : {&base, &candidate})
    for (const auto& run : results->runs)
      for (const auto& p : run.params) names.insert(p.first);
  for (const auto& name : names) options.ignore_params.push_back(name);
  std::string hint;
  if (!compare_results(base, candidate, options).matched_nothing()) {
    std::set<std::string> differing;
    for (const auto& b : base.runs)
      for (const auto& n : candidate.runs)
        if (b.workload == n.workload && b.strategy == n.strategy)
          for (const auto& p : b.params)
            for (const auto& q : n.params)
              if (p.first == q.first && p.second != q.second)
                differing.insert(p.first);
    std::string flags;
    for (const auto& name : differing)
      flags += fmt::format(" --ignore-param {}", name);
    if (!flags.empty())
      hint = fmt::format("; their parameters differ: add{}", flags);
  }
  return fmt::format(
      "nothing to compare: no run of '{}' has the workload, strategy, "
      "parameters and load of a run of '{}'{}",
      candidate_path, base_path, hint);
}

int compare(int argc, char** argv) {
  CLI::App app{
      "apbench compare: did my change make it slower? Matches the runs of "
      "results files (apbench --json) and tests each change.",
      "apbench compare"};
  app.footer(kCompareFooter);
  app.formatter(std::make_shared<WrappingFormatter>(terminal_width()));
  std::vector<std::string> files;
  CompareOptions options;
  std::string threshold = "5%", alpha = "0.05", p_adjust = "holm", markdown,
              json;
  bool fail_on_regression = false, no_color = false;
  app.add_option("files", files,
                 "results files of apbench --json: the base first, then one "
                 "or more to compare with it")
      ->type_name("BASE.json NEW.json...");
  app.add_option("--ignore-param", options.ignore_params,
                 "leave a parameter out of the match, repeatable (to compare "
                 "runs that differ in it on purpose, e.g. work)")
      ->type_name("NAME")
      // One name per --ignore-param: the files may follow it.
      ->allow_extra_args(false);
  app.add_option("--threshold", threshold,
                 "changes smaller than this are \"no change\" (default: 5%)")
      ->type_name("PCT");
  app.add_option("--alpha", alpha,
                 "significance level: the chance that noise alone flags any "
                 "row (with --p-adjust none: each row's chance) (default: "
                 "0.05)")
      ->type_name("P");
  app.add_option("--p-adjust", p_adjust,
                 "holm: adjust p over all rows, so that with many rows noise "
                 "still flags none in most comparisons; none: each row on its "
                 "own (default: holm)")
      ->type_name("holm|none");
  app.add_flag("--fail-on-regression", fail_on_regression,
               "exit with status 1 when any run got significantly slower "
               "beyond the threshold (for CI)");
  app.add_option("--markdown", markdown,
                 "write the comparison as a Markdown table (for a pull "
                 "request)")
      ->type_name("FILE");
  app.add_option("--json", json,
                 "write the comparison as JSON (apbench.compare/1)")
      ->type_name("FILE");
  app.add_flag("--no-color", no_color, "plain console output without colours");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr,
               "apbench compare: error: {} (see apbench compare --help)\n",
               e.what());
    return 2;
  }
  if (files.size() < 2)
    throw UsageError(fmt::format(
        "needs two results files or more (BASE.json NEW.json), got {}",
        files.size()));
  options.threshold = parse_threshold(threshold);
  options.alpha = parse_alpha(alpha);
  options.p_adjust = parse_p_adjust(p_adjust);
  const auto markdown_file = output("--markdown", markdown);
  const auto json_file = output("--json", json);

  std::vector<Results> results;
  for (const auto& path : files) results.push_back(read_json_file(path));

  Comparison comparison;
  comparison.options = options;
  for (std::size_t i = 1; i < results.size(); ++i) {
    FileComparison f = compare_results(results[0], results[i], options);
    if (f.matched_nothing())
      throw UsageError(
          nothing_matched(results[0], results[i], files[0], files[i], options));
    f.base_source = files[0];
    f.candidate_source = files[i];
    comparison.files.push_back(std::move(f));
  }

  const bool color = !no_color && isatty(STDOUT_FILENO) != 0;
  write_compare_console(std::cout, comparison, color);
  std::cout.flush();
  int status = fail_on_regression && comparison.regression() ? 1 : 0;
  const auto write = [&](const std::optional<OutputFile>& file, auto writer) {
    if (!file) return;
    if (const auto error = file->write_with(
            [&](std::ostream& out) { writer(out, comparison); })) {
      fmt::print(stderr, "apbench compare: error: {}\n", *error);
      status = 1;
    }
  };
  write(markdown_file, write_compare_markdown);
  write(json_file, write_compare_json);
  return status;
}

}  // namespace

int run_compare(int argc, char** argv) { return compare(argc, argv); }

}  // namespace apb::cli
