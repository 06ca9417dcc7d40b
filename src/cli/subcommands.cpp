#include "subcommands.hpp"

#include <fmt/format.h>

#include <exception>

#include "apbench/error.hpp"

namespace apb::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> all{
      {"compare", "compare BASE.json NEW.json [MORE.json...]",
       "did it get slower? match the runs of results files and test each "
       "change (see apbench compare --help)",
       run_compare},
      {"merge", "merge SHARD.json... --json ALL.json",
       "one result from shards of a load (--shard I/N) or from several "
       "hosts, latency histograms added exactly (see apbench merge --help)",
       run_merge},
      {"report", "report RESULTS.json... [--html PAGE] [--markdown FILE]",
       "write saved results again with any reporter; several files make one "
       "HTML page (see apbench report --help)",
       run_report},
  };
  return all;
}

const Subcommand* find_subcommand(std::string_view word) {
  for (const auto& s : subcommands())
    if (s.name == word) return &s;
  return nullptr;
}

int run_subcommand(const Subcommand& sub, int argc, char** argv) {
  try {
    return sub.run(argc, argv);
  } catch (const UsageError& e) {
    fmt::print(stderr, "apbench {}: error: {}\n", sub.name, e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "apbench {}: internal error: {}\n", sub.name, e.what());
    return 1;
  }
}

}  // namespace apb::cli
