// --gbench-json: apbench's own runs in Google Benchmark's JSON format, so
// Google Benchmark's tools (compare.py) read them beside the output of a
// benchmark binary, e.g. apbench_gbench (apbench/gbench.hpp). Each measured
// repetition is one benchmark "iteration" run of one iteration, named as the
// adapter names the same run (apbench/gbench_name.hpp); runs with more than
// one repetition get mean, median, stddev and cv aggregates, as
// --benchmark_repetitions gives them.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/gbench_name.hpp"
#include "apbench/report.hpp"
#include "apbench/stats.hpp"
#include "results/json_text.hpp"

namespace apb {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// Times in milliseconds, the unit the adapter reports in: compare.py
// compares real_time values as they are, without converting units.
constexpr double kPerSecond = 1e3;
constexpr const char* kTimeUnit = "ms";
// The unit of an entry without a time (see add_run).
constexpr const char* kNoTimeUnit = "ns";

std::string read_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The machine as Google Benchmark's context describes it, read when the
// file is written (as Google Benchmark does when it reports), from the same
// files it reads; an unknown value is 0 or empty.
double mhz_per_cpu() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("cpu MHz")) {
      const auto colon = line.find(':');
      if (colon != std::string::npos)
        return std::strtod(line.c_str() + colon + 1, nullptr);
    }
  return 0;
}

bool cpu_scaling_enabled() {
  const std::string governor =
      read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  return !governor.empty() && governor != "performance";
}

// "32K" -> 32768.
std::int64_t cache_bytes(const std::string& text) {
  char* end = nullptr;
  std::int64_t bytes = std::strtoll(text.c_str(), &end, 10);
  if (end && (*end == 'K' || *end == 'k')) bytes *= 1024;
  if (end && *end == 'M') bytes *= 1024 * 1024;
  return bytes;
}

// CPUs in a shared_cpu_map ("00000003" or "ff,ffffffff").
std::int64_t cpus_in_map(const std::string& map) {
  std::int64_t n = 0;
  for (char c : map)
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      const auto digit = std::stoi(std::string(1, c), nullptr, 16);
      for (int bit = 0; bit < 4; ++bit) n += (digit >> bit) & 1;
    }
  return n;
}

json::array caches() {
  json::array out;
  std::error_code ec;
  const fs::path dir = "/sys/devices/system/cpu/cpu0/cache";
  std::vector<fs::path> indexes;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename().string().starts_with("index"))
      indexes.push_back(entry.path());
  std::sort(indexes.begin(), indexes.end());
  for (const auto& index : indexes) {
    json::object cache;
    cache["type"] = read_line(index / "type");
    cache["level"] = std::atoll(read_line(index / "level").c_str());
    cache["size"] = cache_bytes(read_line(index / "size"));
    cache["num_sharing"] = cpus_in_map(read_line(index / "shared_cpu_map"));
    out.push_back(std::move(cache));
  }
  return out;
}

json::array load_avg() {
  json::array out;
  double loads[3];
  const int n = getloadavg(loads, 3);
  for (int i = 0; i < n; ++i) out.push_back(loads[i]);
  return out;
}

std::string executable() {
  std::error_code ec;
  const auto path = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : path.string();
}

json::object context_object(const RunContext& c) {
  json::object o;
  // As Google Benchmark 1.8 writes it; compare.py checks it when present.
  o["json_schema_version"] = 1;
  o["date"] = c.date;
  o["host_name"] = c.host;
  o["executable"] = executable();
  o["num_cpus"] = c.cores;
  o["mhz_per_cpu"] = std::llround(mhz_per_cpu());
  o["cpu_scaling_enabled"] = cpu_scaling_enabled();
  o["caches"] = caches();
  o["load_avg"] = load_avg();
  // Google Benchmark names its own library's build; here it is apbench's.
  o["library_build_type"] =
      c.build_type.starts_with("Debug") ? "debug" : "release";
  o["apbench_version"] = c.apbench_version;
  o["cpu_model"] = c.cpu_model;
  o["os"] = c.os;
  o["compiler"] = c.compiler;
  o["command_line"] = c.command_line;
  return o;
}

// The keys every entry of a run starts with, in Google Benchmark's order.
json::object entry(const std::string& name, const std::string& run_name,
                   std::size_t family, const char* run_type,
                   std::size_t repetitions) {
  json::object o;
  o["name"] = name;
  o["family_index"] = static_cast<std::uint64_t>(family);
  o["per_family_instance_index"] = 0;
  o["run_name"] = run_name;
  o["run_type"] = run_type;
  o["repetitions"] = static_cast<std::uint64_t>(repetitions);
  return o;
}

// What one repetition measured, in the adapter's counters.
struct Sample {
  double real_s = 0, cpu_s = 0;
  double items_per_second = 0;
  double efficiency = NAN;  // NAN: the workload has no ideal
  double errors = 0;
};

Sample sample(const RunResult& run, const Repetition& rep) {
  Sample s;
  s.real_s = rep.wall_s;
  s.cpu_s = rep.cpu_user_s + rep.cpu_system_s;
  s.items_per_second =
      rep.wall_s > 0 ? static_cast<double>(rep.ops_ok) / rep.wall_s : 0;
  if (run.ideal_s && rep.wall_s > 0) s.efficiency = *run.ideal_s / rep.wall_s;
  s.errors = static_cast<double>(rep.errors);
  return s;
}

// `latency`: add the run's merged p50 and p99. `fraction`: the times are
// fractions (the cv aggregate), not seconds.
void add_times_and_counters(json::object& o, const RunResult& run,
                            const Sample& s, std::uint64_t iterations,
                            bool latency, bool fraction = false) {
  const double scale = fraction ? 1 : kPerSecond;
  o["iterations"] = iterations;
  o["real_time"] = s.real_s * scale;
  o["cpu_time"] = s.cpu_s * scale;
  o["time_unit"] = kTimeUnit;
  if (std::isfinite(s.efficiency)) o["efficiency"] = s.efficiency;
  o["errors"] = s.errors;
  o["items_per_second"] = s.items_per_second;
  // Op latency is merged over the run's repetitions (as the adapter merges
  // it over a benchmark's iterations); the same in every entry of a run.
  if (latency && run.latency_s.count > 0) {
    o["p50_s"] = run.latency_s.p50;
    o["p99_s"] = run.latency_s.p99;
  }
}

// An aggregate of the samples: mean, median or stddev of every field.
Sample aggregate(const std::vector<Sample>& samples,
                 const std::function<double(const Summary&)>& pick) {
  auto over = [&](double Sample::*field) {
    std::vector<double> v;
    for (const auto& s : samples) v.push_back(s.*field);
    return pick(summarize(v));
  };
  Sample a;
  a.real_s = over(&Sample::real_s);
  a.cpu_s = over(&Sample::cpu_s);
  a.items_per_second = over(&Sample::items_per_second);
  a.efficiency = over(&Sample::efficiency);
  a.errors = over(&Sample::errors);
  return a;
}

void add_run(json::array& out, const RunResult& run, std::size_t family) {
  const std::string name = gbench_name(run);
  const std::size_t n = run.repetitions.size();
  // Google Benchmark reports a benchmark that SkipWithError'd with its
  // message and a time of 0; here with no time at all, so nothing can
  // mistake a run that did not measure for a fast one. compare.py pairs
  // entries by name and time_unit, reading time_unit from every entry of
  // that name (so it must be there) and real_time from every entry it
  // pairs: a unit unlike the "ms" of every timed entry keeps it unpaired,
  // whichever file it is in, also against the adapter's own error entry.
  if (run.status != RunStatus::ok || n == 0) {
    json::object o = entry(name, name, family, "iteration", 1);
    o["repetition_index"] = 0;
    o["threads"] = 1;
    o["error_occurred"] = true;
    o["error_message"] =
        fmt::format("{}: {}", to_string(run.status),
                    run.reason.empty() ? "no measured repetition" : run.reason);
    o["iterations"] = 0;
    o["time_unit"] = kNoTimeUnit;
    out.push_back(std::move(o));
    return;
  }
  std::vector<Sample> samples;
  for (std::size_t k = 0; k < n; ++k) {
    samples.push_back(sample(run, run.repetitions[k]));
    json::object o = entry(name, name, family, "iteration", n);
    o["repetition_index"] = static_cast<std::uint64_t>(k);
    o["threads"] = 1;
    add_times_and_counters(o, run, samples.back(), 1, true);
    out.push_back(std::move(o));
  }
  if (n < 2) return;
  // Google Benchmark's aggregates: cv is stddev / mean, a fraction.
  struct Kind {
    const char* name;
    const char* unit;
    std::function<double(const Summary&)> pick;
  };
  const Kind kinds[] = {
      {"mean", "time", [](const Summary& s) { return s.mean; }},
      {"median", "time", [](const Summary& s) { return s.median; }},
      {"stddev", "time", [](const Summary& s) { return s.stddev; }},
      {"cv", "percentage",
       [](const Summary& s) { return s.mean != 0 ? s.stddev / s.mean : 0; }}};
  for (const auto& kind : kinds) {
    json::object o = entry(fmt::format("{}_{}", name, kind.name), name, family,
                           "aggregate", n);
    o["threads"] = 1;
    o["aggregate_name"] = kind.name;
    o["aggregate_unit"] = kind.unit;
    // A spread has no latency to show: the run's percentiles are one value.
    const bool cv = kind.name == std::string_view("cv");
    const bool spread = cv || kind.name == std::string_view("stddev");
    add_times_and_counters(o, run, aggregate(samples, kind.pick), n, !spread,
                           cv);
    out.push_back(std::move(o));
  }
}

}  // namespace

void write_gbench_json(std::ostream& out, const Results& results) {
  json::object root;
  root["context"] = context_object(results.context);
  json::array benchmarks;
  for (std::size_t i = 0; i < results.runs.size(); ++i)
    add_run(benchmarks, results.runs[i], i);
  root["benchmarks"] = std::move(benchmarks);
  results_detail::write_pretty_json(out, root);
}

}  // namespace apb
