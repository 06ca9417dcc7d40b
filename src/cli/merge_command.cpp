// `apbench merge SHARD.json... --json ALL.json`: its flags, files and exit
// status (0; 2 for bad input or files that must not be merged). The merge
// itself is apb::merge_results (merge.hpp).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "apbench/analysis.hpp"
#include "apbench/merge.hpp"
#include "apbench/report.hpp"
#include "apbench/results_json.hpp"
#include "apbench/units.hpp"
#include "output_file.hpp"
#include "subcommands.hpp"

namespace apb::cli {
namespace {

constexpr const char* kMergeFooter = R"(
By shard (the default): the files are the shards of one load (apbench
--shard I/N, or --shards N in a Slurm array or a Kubernetes Indexed Job),
every shard once. Latency histograms add bucket by bucket (percentiles are
never averaged); ops, errors and drops add up; a repetition's wall time runs
from the earliest shard's start to the latest shard's end; stderr says how
far apart the shards started, by their own hosts' clocks. Files of
different workloads, parameters, loads, seeds or apbench versions, or a
shard missing, are refused.
By host: one run per file, each from another machine (or --hosts labels),
side by side in one report; closed-loop runs with different --threads form
a scaling series across the hosts.

Examples:
  apbench merge shard-0.json shard-1.json shard-2.json shard-3.json --json all.json
  apbench merge --by host small.json big.json --json hosts.json --html hosts.html
Exit status: 0; 2 for bad input (missing file, not apbench JSON, files that
are not shards of one load).)";

// "3 shards from 3 hosts (load0, load1, load2) started within 0.012 s
// (--max-start-spread 1 s)": how far apart the shards' own clocks put
// their starts, said every time, not only past the limit.
std::string start_spread_note(const MergeOutcome& merged, double limit_s) {
  std::vector<std::string> hosts;
  for (const auto& shard : merged.results.context.shards)
    if (std::find(hosts.begin(), hosts.end(), shard.host) == hosts.end())
      hosts.push_back(shard.host);
  std::string names;
  for (const auto& host : hosts)
    names += fmt::format("{}{}", names.empty() ? "" : ", ", host);
  const auto shards = merged.results.context.shards.size();
  return fmt::format(
      "{} shard{} from {} host{} ({}) started within {:.3f} s of each other "
      "(--max-start-spread {} s)",
      shards, shards == 1 ? "" : "s", hosts.size(),
      hosts.size() == 1 ? "" : "s", names, merged.start_spread_s, limit_s);
}

int merge(int argc, char** argv) {
  CLI::App app(
      "Merge results files: the shards of one load, or one run "
      "per host.",
      "apbench merge");
  app.footer(kMergeFooter);
  app.get_formatter()->column_width(30);
  std::vector<std::string> files;
  std::string by = "shard", hosts, spread = "1s";
  bool no_color = false, quiet = false;
  std::map<std::string, std::string> outputs;
  app.add_option("files", files, "results files of apbench --json")
      ->type_name("FILE...");
  app.add_option("--by", by,
                 "shard: the files are shards of one load (default); host: "
                 "one run per machine, the host as an axis")
      ->type_name("shard|host");
  app.add_option("--hosts", hosts,
                 "--by host: name the files' hosts, in order (default: each "
                 "file's context.host)")
      ->type_name("A,B,...");
  app.add_option("--max-start-spread", spread,
                 "warn when the shards' first repetitions started further "
                 "apart than this (default: 1s)")
      ->type_name("D");
  for (const auto& reporter : reporters())
    app.add_option(reporter.flag, outputs[reporter.name], reporter.help)
        ->type_name("FILE");
  app.add_flag("--quiet,-q", quiet, "no console report on stdout");
  app.add_flag("--no-color", no_color, "plain console output without colours");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "apbench merge: error: {} (see apbench merge --help)\n",
               e.what());
    return 2;
  }
  if (files.empty())
    throw UsageError("needs the results files to merge (SHARD.json...)");
  MergeOptions options;
  if (by == "host")
    options.by = MergeBy::host;
  else if (by != "shard")
    throw UsageError(
        fmt::format("bad value '{}' for --by: expected shard or host", by));
  try {
    options.start_spread_limit_s =
        std::chrono::duration<double>(parse_duration(spread)).count();
  } catch (const std::exception&) {
    throw UsageError(fmt::format(
        "bad value '{}' for --max-start-spread: expected a duration, e.g. 1s",
        spread));
  }
  std::vector<std::string> host_names;
  if (!hosts.empty()) {
    if (options.by != MergeBy::host)
      throw UsageError("--hosts labels the files of --by host");
    std::size_t start = 0;
    while (start <= hosts.size()) {
      const auto comma = hosts.find(',', start);
      host_names.push_back(hosts.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (host_names.size() != files.size())
      throw UsageError(fmt::format("--hosts names {} hosts for {} files",
                                   host_names.size(), files.size()));
  }

  // Checked before anything is read, written (whole, by renaming a
  // temporary file) only once merged: an output may be one of the inputs.
  std::vector<OutputFile> out;
  for (const auto& reporter : reporters()) {
    const std::string& path = outputs[reporter.name];
    if (path.empty()) continue;
    OutputFile file(reporter.flag, path, reporter.write,
                    /*console_on_stdout=*/!quiet);
    for (const auto& other : out)
      if (other.resolved() == file.resolved())
        throw UsageError(fmt::format(
            "{} and {} both write '{}': give each output its own file",
            other.flag(), file.flag(), file.path()));
    out.push_back(std::move(file));
  }

  std::vector<MergeInput> inputs;
  for (std::size_t i = 0; i < files.size(); ++i)
    inputs.push_back({files[i], read_json_file(files[i]),
                      host_names.empty() ? std::string() : host_names[i]});
  MergeOutcome merged = merge_results(inputs, options);
  analyse(merged.results);
  if (options.by == MergeBy::shard && !quiet)
    fmt::print(stderr, "apbench merge: {}\n",
               start_spread_note(merged, options.start_spread_limit_s));
  for (const auto& warning : merged.warnings)
    fmt::print(stderr, "apbench merge: warning: {}\n", warning);
  if (!quiet) {
    write_console(std::cout, merged.results,
                  !no_color && isatty(STDOUT_FILENO) != 0);
    std::cout.flush();
  }
  int status = 0;
  for (const auto& file : out)
    if (const auto error = file.write(merged.results)) {
      fmt::print(stderr, "apbench merge: error: {}\n", *error);
      status = 1;
    }
  return status;
}

}  // namespace

int run_merge(int argc, char** argv) { return merge(argc, argv); }

}  // namespace apb::cli
