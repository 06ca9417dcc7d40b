// The reporters the command line offers as output flags.
#include <algorithm>
#include <stdexcept>

#include "apbench/report.hpp"

namespace apb {
namespace {

std::vector<Reporter>& table() {
  // Built-ins are added here, not by static registrars: the library is a
  // static archive, whose unreferenced registrars the linker would drop.
  static std::vector<Reporter> all{
      {"json", "--json", "write results as JSON (apbench.results/1)",
       write_json},
      {"csv", "--csv", "write results as CSV, one row per run", write_csv},
      {"markdown", "--markdown", "write a Markdown report", write_markdown},
      {"gbench-json", "--gbench-json",
       "write results in Google Benchmark's JSON format (for compare.py)",
       write_gbench_json},
      {"html", "--html",
       "write one self-contained HTML page: tables, advice and charts",
       write_html},
      {"hlog", "--hlog",
       "write each run's latency histogram as an HdrHistogram interval log "
       "(for HdrHistogram's tools)",
       write_hlog},
  };
  return all;
}

bool valid_flag(const std::string& flag) {
  return flag.size() > 2 && flag.starts_with("--") && flag[2] != '-' &&
         std::all_of(flag.begin() + 2, flag.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

}  // namespace

const std::vector<Reporter>& reporters() { return table(); }

bool add_reporter(Reporter reporter) {
  if (reporter.name.empty() || !valid_flag(reporter.flag) || !reporter.write)
    throw std::logic_error("reporter '" + reporter.name +
                           "': needs a name, a --flag and a write function");
  auto& all = table();
  for (const auto& r : all)
    if (r.name == reporter.name || r.flag == reporter.flag)
      throw std::logic_error("reporter '" + reporter.name + "' (" +
                             reporter.flag + ") is already registered");
  all.push_back(std::move(reporter));
  return true;
}

}  // namespace apb
