#pragma once
// The command line as typed, before it is checked against the registry.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace apb::cli {

struct Options {
  bool list = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
  bool wide = false;  // every console column, whatever the width
  std::vector<std::string> filters;
  std::vector<std::string> kinds;
  std::vector<std::string> strategies;  // comma lists, split later
  std::vector<std::string> sets;        // name=value
  std::optional<std::string> ops, concurrency, threads, repetitions, warmup,
      seed;
  std::optional<std::string> forks;  // --forks N|auto: processes (forks.hpp)
  // Open loop and sweeps.
  std::optional<std::string> rate, duration, arrival, max_in_flight, slo;
  std::optional<std::string> cpus;    // --cpus LIST: pin apbench to them
  std::optional<std::string> refine;  // --refine N: bisect sweeps' knees
  // Shards (shard_options.hpp): --shard I/N, --shards N, --start-at TIME.
  std::optional<std::string> shard, shards, start_at;
  // Output files by reporter name ("json" -> "results.json"); see
  // apb::reporters().
  std::map<std::string, std::string> outputs;
  std::string charts_dir;  // --charts: this run's SVG charts go here

  // True when the user chose what to run (otherwise: the default suite).
  bool selects_runs() const {
    return !filters.empty() || !kinds.empty() || !strategies.empty() ||
           !sets.empty() || ops || concurrency || rate || duration || arrival ||
           max_in_flight;
  }
};

enum class ParseOutcome { run, exit_ok, exit_usage };

// Parses argv into `options`. Prints --help/--version itself (exit_ok) or
// a one-line error on stderr (exit_usage).
ParseOutcome parse_options(int argc, char** argv, Options& options);

}  // namespace apb::cli
