#include "options.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "apbench/report.hpp"
#include "apbench_build_info.hpp"
#include "help_formatter.hpp"
#include "subcommands.hpp"
#include "terminal_width.hpp"
#include "text/printable.hpp"
#include "text/wrap.hpp"

namespace apb::cli {

namespace {

constexpr const char* kRunFooter = R"(
Values take units: durations ns us ms s min h (500ms), sizes B KiB MiB (4KiB),
counts plain or with k/M (10k). --rate and --concurrency take a list
(100,200,400) or a log-spaced range (100..10k = 10 points, 100..10k:20).
Without --filter/--kind/--strategy/--ops/--concurrency/--rate/--set,
apbench runs its default suite (about a minute): ten 500 ms waits one after
another vs all at once; async vs parallel on CPU work (coroutines add no
cores, oneTBB does); and a service that fetches, then processes each request,
with 2 and with all 16 requests in flight.

Examples:
  apbench --list
  apbench --filter io.sleep --ops 10 --set delay=500ms --strategy sequential,async
  apbench --kind cpu --strategy sequential,async,parallel --json results.json
  apbench --filter 'hybrid.*' --concurrency 2 --repetitions 5 --markdown report.md
  apbench --filter cpu.spin --set work=1ms --rate 200..5k --slo p99=20ms
Exit status: 0 when all runs were carried out (a failed or n/a run is
reported, not fatal), 2 for bad input.)";

}  // namespace

ParseOutcome parse_options(int argc, char** argv, Options& o) {
  CLI::App app{
      "apbench: compare async (Asio coroutines), parallel (oneTBB) and "
      "hybrid execution of the same workloads, against the physical limit.",
      "apbench"};
  std::string footer = kRunFooter;
  footer += "\n\nSubcommands:";
  for (const auto& sub : subcommands()) {
    footer += fmt::format("\n  apbench {}", sub.usage);
    for (const auto& line :
         wrap(sub.summary, terminal_width(), "      ", "      "))
      footer += "\n" + line;
  }
  app.footer(footer);
  app.formatter(std::make_shared<WrappingFormatter>(terminal_width()));
  app.set_version_flag("--version", std::string("apbench ") + APBENCH_VERSION);
  app.add_flag("--list", o.list,
               "list workloads (kind, parameters, defaults, units) and "
               "strategies, then exit");
  app.add_option("--filter", o.filters,
                 "select workloads by glob, repeatable or comma-separated: * "
                 "and ?, a leading - excludes (e.g. 'io.*', '-io.sleep', "
                 "'cpu.fib,cpu.skynet')")
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
                 "closed loop: ops in flight at once, or a list/range to "
                 "sweep (default: all ops at once); open loop: lanes serving "
                 "arrivals (default: up to --max-in-flight)")
      ->type_name("C|LIST");
  app.add_option("--rate", o.rate,
                 "open loop: ops arrive at this rate per second whether or "
                 "not earlier ones finished; a list or range sweeps it "
                 "(e.g. 500, 100,200,400, 100..10k)")
      ->type_name("R|LIST");
  app.add_option("--duration", o.duration,
                 "open loop: length of the arrival schedule (default: 1s)")
      ->type_name("D");
  app.add_option("--arrival", o.arrival,
                 "open loop: constant (evenly spaced) or poisson (seeded "
                 "random gaps) arrivals (default: constant)")
      ->type_name("constant|poisson");
  app.add_option("--max-in-flight", o.max_in_flight,
                 "open loop: arrived, unfinished ops allowed at once; an op "
                 "due to start beyond it is dropped and counted (default: "
                 "1024)")
      ->type_name("N");
  app.add_option("--slo", o.slo,
                 "latency objective for sweeps, e.g. p99=50ms: each "
                 "strategy's knee is its highest throughput that meets it")
      ->type_name("pNN=D");
  app.add_option("--refine", o.refine,
                 "after a sweep with --slo, bisect N more times between each "
                 "strategy's last point meeting the SLO and its first "
                 "breaking it: a knee to a few percent; after a regime map, "
                 "N times between neighbouring cells with different winners "
                 "(default: 0)")
      ->type_name("N");
  app.add_option("--threads", o.threads,
                 "threads for async-pool, threads, parallel and hybrid "
                 "(default: cores); a list or range sweeps them (scaling)")
      ->type_name("T|LIST");
  app.add_option("--cpus", o.cpus,
                 "run apbench only on these CPUs, e.g. 0,1 or 0-3 (pinned "
                 "with sched_setaffinity; the default threads follow)")
      ->type_name("LIST");
  app.add_option("--set", o.sets,
                 "set a workload parameter, repeatable: NAME=VALUE for every "
                 "selected workload that has it, WORKLOAD.NAME=VALUE for one "
                 "(e.g. delay=500ms, io.sleep.delay=5ms); a list or a "
                 "log-spaced range sweeps it (work=1ms,2ms or "
                 "work=1ms..64ms:7), two sweeps make a regime map")
      ->type_name("NAME=VALUE");
  app.add_option("--repetitions", o.repetitions,
                 "measured repetitions per run (default: 3; 1 per point of "
                 "a sweep)")
      ->type_name("N");
  app.add_option("--warmup", o.warmup,
                 "warm-up repetitions per run, not measured (default: 1; 0 "
                 "in a sweep)")
      ->type_name("W");
  app.add_option("--forks", o.forks,
                 "measure in N fresh processes, one after another, each "
                 "doing a share of the repetitions, so the numbers cover what "
                 "changes between processes (thread placement, memory "
                 "layout), as two builds compared are (default: auto = one "
                 "per repetition up to 10 from 5 repetitions on, else 1)")
      ->type_name("N|auto");
  app.add_option(
         "--seed", o.seed,
         "seed for random parameters such as distributions (default: 1)")
      ->type_name("S");
  app.add_option("--shard", o.shard,
                 "run shard I of N of the load (I from 0): an open loop "
                 "keeps every N-th arrival, a closed loop ops / N; merge "
                 "the shards' --json files with apbench merge")
      ->type_name("I/N");
  app.add_option("--shards", o.shards,
                 "like --shard I/N, with I from SLURM_ARRAY_TASK_ID (a Slurm "
                 "job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed "
                 "Job)")
      ->type_name("N");
  app.add_option("--start-at", o.start_at,
                 "wait until this wall-clock time before the first run, so "
                 "shards start together: Unix seconds or "
                 "YYYY-MM-DDTHH:MM:SSZ")
      ->type_name("TIME");
  std::vector<std::pair<CLI::Option*, std::string>> output_options;
  for (const auto& reporter : reporters())
    output_options.emplace_back(
        app.add_option(reporter.flag, o.outputs[reporter.name], reporter.help)
            ->type_name("FILE"),
        reporter.name);
  app.add_option("--charts", o.charts_dir,
                 "write this run's charts (SVG, with charts.md) into DIR, "
                 "through apbench-charts (needs python3-matplotlib)")
      ->type_name("DIR");
  app.add_flag("--quiet,-q", o.quiet, "no progress line on stderr");
  app.add_flag("--verbose,-v", o.verbose,
               "log each run on stderr as it finishes");
  app.add_flag("--no-color", o.no_color,
               "plain console output without colours");
  app.add_flag("--wide", o.wide,
               "every column of the console tables, however wide");

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
    fmt::print(stderr, "apbench: error: {} (see apbench --help)\n",
               printable(e.what()));
    return ParseOutcome::exit_usage;
  }
  // An empty value given on purpose ('') is a mistake, never "default".
  std::vector<std::pair<CLI::Option*, bool>> must_not_be_empty;
  for (const auto& [option, name] : output_options)
    must_not_be_empty.push_back({option, o.outputs[name].empty()});
  must_not_be_empty.push_back(
      {app.get_option("--charts"), o.charts_dir.empty()});
  must_not_be_empty.push_back(
      {app.get_option("--strategy"),
       std::any_of(o.strategies.begin(), o.strategies.end(),
                   [](const std::string& s) {
                     return s.find_first_not_of(", ") == std::string::npos;
                   })});
  for (const auto& [option, empty] : must_not_be_empty) {
    if (option->count() == 0 || !empty) continue;
    fmt::print(stderr,
               "apbench: error: {} was given an empty value: expected {} "
               "(see apbench --help)\n",
               option->get_name(),
               option->get_name() == "--strategy"
                   ? "strategy names, e.g. sequential,async"
               : option->get_name() == "--charts" ? "a directory name"
                                                  : "a file name");
    return ParseOutcome::exit_usage;
  }
  return ParseOutcome::run;
}

}  // namespace apb::cli
