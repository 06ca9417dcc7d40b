#include "options.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

namespace apb::cli {

namespace {

constexpr const char* kFooter = R"(
Values take units: durations ns us ms s (500ms), sizes B KiB MiB (4KiB),
counts plain or with k/M (10k). Without --filter/--kind/--strategy/--ops/
--concurrency/--set, apbench runs its default suite, which reproduces the
two seed posts (sequential vs Task.WhenAll, async vs parallel).

Examples:
  apbench --list
  apbench --filter io.sleep --ops 10 --set delay=500ms --strategy sequential,async
  apbench --kind cpu --strategy sequential,async,parallel --json results.json
  apbench --filter 'hybrid.*' --concurrency 2 --repetitions 5 --markdown report.md
Exit status: 0 when all runs were carried out (a failed or n/a run is
reported, not fatal), 2 for bad input.)";

}  // namespace

ParseOutcome parse_options(int argc, char** argv, Options& o) {
  CLI::App app{
      "apbench: compare async (Asio coroutines), parallel (oneTBB) and "
      "hybrid execution of the same workloads, against the physical limit.",
      "apbench"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("apbench ") + APBENCH_VERSION);
  app.add_flag("--list", o.list,
               "list workloads (kind, parameters, defaults, units) and "
               "strategies, then exit");
  app.add_option("--filter", o.filters,
                 "select workloads by glob, repeatable: * and ?, a leading "
                 "- excludes (e.g. 'io.*', '-io.sleep')")
      ->type_name("GLOB");
  app.add_option("--kind", o.kinds,
                 "select workloads of a kind: io, cpu, hybrid")
      ->type_name("KIND");
  app.add_option("--strategy", o.strategies,
                 "strategies to run, comma-separated (default: all; see "
                 "--list)")
      ->type_name("A,B,...");
  app.add_option("--ops", o.ops,
                 "ops per run (default: per workload, see --list)")
      ->type_name("N");
  app.add_option("--concurrency", o.concurrency,
                 "ops in flight at once (default: all ops at once)")
      ->type_name("C");
  app.add_option("--threads", o.threads,
                 "threads for async-pool, parallel and hybrid (default: cores)")
      ->type_name("T");
  app.add_option("--set", o.sets,
                 "set a workload parameter, repeatable (e.g. delay=500ms)")
      ->type_name("NAME=VALUE");
  app.add_option("--repetitions", o.repetitions,
                 "measured repetitions per run (default: 3)")
      ->type_name("R");
  app.add_option("--warmup", o.warmup,
                 "warm-up repetitions per run, not measured (default: 1)")
      ->type_name("W");
  app.add_option(
         "--seed", o.seed,
         "seed for random parameters such as distributions (default: 1)")
      ->type_name("S");
  app.add_option("--json", o.json, "write results as JSON (apbench.results/1)")
      ->type_name("FILE");
  app.add_option("--csv", o.csv, "write results as CSV, one row per run")
      ->type_name("FILE");
  app.add_option("--markdown", o.markdown, "write a Markdown report")
      ->type_name("FILE");
  app.add_flag("--quiet,-q", o.quiet, "no progress line on stderr");
  app.add_flag("--verbose,-v", o.verbose,
               "log each run on stderr as it finishes");
  app.add_flag("--no-color", o.no_color,
               "plain console output without colours");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return ParseOutcome::exit_ok;
  } catch (const CLI::CallForAllHelp&) {
    fmt::print("{}", app.help());
    return ParseOutcome::exit_ok;
  } catch (const CLI::CallForVersion&) {
    fmt::print("apbench {}\n", APBENCH_VERSION);
    return ParseOutcome::exit_ok;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "apbench: error: {} (see apbench --help)\n", e.what());
    return ParseOutcome::exit_usage;
  }
  return ParseOutcome::run;
}

}  // namespace apb::cli
