// The results-JSON reader that `apbench compare` and `apbench merge` use,
// and what they do with what it reads. Invariants: the reader either
// returns results or throws its one-line ResultsFormatError; what it
// returns passed the semantic checks (finite, non-negative times, known
// status, repetitions consistent, cores at least 1, start times in range);
// what it read is written back and read again without error, and that file
// with one value made invalid (chosen by the input's last byte) is refused
// naming that key; comparing a file with itself and merging it by host
// never fail with anything but a UsageError.
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "apbench/analysis.hpp"
#include "apbench/compare.hpp"
#include "apbench/merge.hpp"
#include "apbench/read_results.hpp"
#include "apbench/report.hpp"

namespace {

namespace json = boost::json;

bool time_ok(double s) { return std::isfinite(s) && s >= 0; }

// What the reader promises about anything it returns.
bool valid(const apb::Results& results) {
  if (results.context.cores < 1) return false;
  for (const apb::RunResult& run : results.runs) {
    if (!time_ok(run.wall_s.median) || !time_ok(run.wall_s.min) ||
        !time_ok(run.wall_s.max) || !time_ok(run.throughput_ops_s.median) ||
        !time_ok(run.latency_s.p99) || !time_ok(run.cpu_time_s))
      return false;
    if (run.repetitions.size() > 1000) return false;
    if (run.status == apb::RunStatus::ok && run.repetitions.empty())
      return false;
    for (const apb::Repetition& rep : run.repetitions) {
      if (!time_ok(rep.wall_s) || !time_ok(rep.start_unix_s) ||
          rep.start_unix_s > 9223372036.0)
        return false;
      if (rep.wall_s <= 0 && rep.ops_ok + rep.errors + rep.dropped > 0)
        return false;
    }
  }
  return true;
}

// `doc` (a file the writer wrote) with one value made invalid; the key
// the reader must name, or "" when the document has no such value.
std::string corrupt(json::value& doc, std::uint8_t choice) {
  json::object& root = doc.as_object();
  json::array& runs = root["runs"].as_array();
  json::object* run = runs.empty() ? nullptr : &runs[0].as_object();
  switch (choice % 8) {
    case 0:
      root["context"].as_object()["cores"] = 0;
      return "context.cores";
    case 1:
      if (!run) return "";
      (*run)["status"] = "weird";
      return "runs[0].status";
    case 2:
      if (!run || !(*run)["wall_s"].is_object()) return "";
      (*run)["wall_s"].as_object()["median"] = -1.0;
      return "runs[0].wall_s.median";
    case 3:
      if (!run) return "";
      (*run)["repetitions"] = 2.5;
      return "runs[0].repetitions";
    case 4:
      if (!run) return "";
      (*run)["repetitions"] = "2";
      return "runs[0].repetitions";
    case 5: {
      if (!run) return "";
      json::array& samples = (*run)["repetition_samples"].as_array();
      if (samples.empty()) return "";
      samples[0].as_object()["start_unix_s"] = 1e300;
      return "runs[0].repetition_samples[0].start_unix_s";
    }
    case 6: {
      if (!run) return "";
      json::array& samples = (*run)["repetition_samples"].as_array();
      if (samples.empty()) return "";
      samples[0].as_object()["wall_s"] = -0.5;
      return "runs[0].repetition_samples[0].wall_s";
    }
    default:
      if (!run) return "";
      (*run)["kind"] = "quantum";
      return "runs[0].kind";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  apb::Results results;
  try {
    results = apb::read_json(in, "fuzz.json");
  } catch (const apb::ResultsFormatError& e) {
    if (std::string(e.what()).find('\n') != std::string::npos)
      __builtin_trap();  // error lines are one line
    return 0;
  }
  if (!valid(results)) __builtin_trap();  // the checks let it through

  std::ostringstream written;
  apb::write_json(written, results);
  std::istringstream again(written.str());
  try {
    (void)apb::read_json(again, "again.json");
  } catch (const apb::ResultsFormatError&) {
    __builtin_trap();  // the reader must read what the writer wrote
  }

  // One value made invalid: refused, naming its key.
  json::value doc = json::parse(written.str());
  const std::string key = corrupt(doc, size > 0 ? data[size - 1] : 0);
  if (!key.empty()) {
    std::istringstream bad(json::serialize(doc));
    try {
      (void)apb::read_json(bad, "bad.json");
      __builtin_trap();  // accepted an invalid value
    } catch (const apb::ResultsFormatError& e) {
      if (std::string(e.what()).find(key) == std::string::npos)
        __builtin_trap();  // refused, but not naming the key
    }
  }

  try {
    (void)apb::compare_results(results, results, {});
  } catch (const apb::UsageError&) {
  }
  try {
    apb::MergeOutcome merged =
        apb::merge_results({{"a.json", results, "a"}, {"b.json", results, "b"}},
                           {apb::MergeBy::host});
    apb::analyse(merged.results);
  } catch (const apb::UsageError&) {
  }
  return 0;
}
