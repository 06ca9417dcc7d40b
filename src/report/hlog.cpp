// --hlog FILE: the runs' latency histograms as an HdrHistogram interval log
// (format version 1.3, what HistogramLogWriter writes), so HdrHistogram's
// own tools (HistogramLogReader, HistogramLogProcessor, hdr_log_read in C,
// hdrh.log in Python) read them. Results keep one histogram per run (all
// its measured repetitions), so each run is one interval, tagged with the
// run's name; an open-loop run adds its service-time histogram as a second
// interval, tagged NAME/service_time.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <ostream>
#include <string>
#include <vector>

#include "apbench/gbench_name.hpp"
#include "apbench/report.hpp"
#include "stats/hdr_encoding.hpp"

namespace apb {
namespace {

// HdrHistogram's C reader reads header lines into 128 bytes.
constexpr std::size_t kMaxHeaderLine = 120;

struct Interval {
  std::string tag;
  double start_s = 0;  // Unix time
  double length_s = 0;
  const HistogramData* histogram = nullptr;
};

// Tags may not hold commas, spaces or line breaks (HistogramLogWriter).
std::string tag_text(std::string text) {
  for (char& c : text)
    if (c == ',' || static_cast<unsigned char>(c) <= ' ' ||
        static_cast<unsigned char>(c) >= 0x7f)
      c = '_';
  return text;
}

// The run's Google Benchmark name (as --gbench-json writes it), with its
// host after merge --by host: one tag per run of a results file. A shard's
// runs have the tags of the whole load's, so HdrHistogram's tools add the
// shards' logs (concatenated) into the load's histogram, as merge does.
std::string run_tag(const RunResult& run) {
  std::string name = gbench_name(run);
  name.resize(name.size() - kGbenchNameSuffix.size());
  if (!run.host.empty()) name += "/host:" + run.host;
  return tag_text(name);
}

std::vector<Interval> intervals_of(const Results& results) {
  std::vector<Interval> out;
  for (const RunResult& run : results.runs) {
    double start = 0, end = 0;
    for (const Repetition& rep : run.repetitions) {
      if (rep.start_unix_s <= 0) continue;  // not recorded (older files)
      start = start > 0 ? std::min(start, rep.start_unix_s) : rep.start_unix_s;
      end = std::max(end, rep.start_unix_s + rep.wall_s);
    }
    const std::string tag = run_tag(run);
    // Runs without a measured op (n/a, failed) have nothing to log.
    if (run.latency_histogram && run.latency_histogram->count > 0)
      out.push_back({tag, start, end - start, &*run.latency_histogram});
    if (run.service_time_histogram && run.service_time_histogram->count > 0)
      out.push_back({tag + "/service_time", start, end - start,
                     &*run.service_time_histogram});
  }
  // Readers take intervals in time order; runs that start together keep
  // the results' order.
  std::stable_sort(out.begin(), out.end(),
                   [](const Interval& a, const Interval& b) {
                     return a.start_s < b.start_s;
                   });
  return out;
}

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// "Mon Dec 01 10:00:00 UTC 2026", as Java's Date prints (in UTC).
std::string date_text(double unix_s) {
  const auto seconds = static_cast<std::time_t>(unix_s);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a %b %d %H:%M:%S UTC %Y", &utc);
  return buffer;
}

std::string header_line(std::string text) {
  if (text.size() > kMaxHeaderLine) text.resize(kMaxHeaderLine);
  return "#[" + text + "]\n";
}

}  // namespace

void write_hlog(std::ostream& out, const Results& results) {
  const std::vector<Interval> intervals = intervals_of(results);
  out << "#[Histogram log format version 1.3]\n";
  const RunContext& c = results.context;
  std::string logged =
      "Logged with apbench " + c.apbench_version + " on " + c.host;
  if (!results.runs.empty() && results.runs.front().load.shards > 1)
    logged += ", shard " + std::to_string(results.runs.front().load.shard) +
              " of " + std::to_string(results.runs.front().load.shards);
  out << header_line(logged);
  out << header_line(
      "One interval per run (all its measured repetitions); values in ns, "
      "Interval_Max in ms");
  // Timestamps count from the first run's start (BaseTime), as
  // HistogramLogWriter writes them with a base time set.
  double base = 0;
  for (const Interval& i : intervals)
    if (i.start_s > 0) base = base > 0 ? std::min(base, i.start_s) : i.start_s;
  if (base > 0) {
    out << "#[StartTime: " << format("%.3f", base) << " (seconds since epoch), "
        << date_text(base) << "]\n";
    out << "#[BaseTime: " << format("%.3f", base)
        << " (seconds since epoch)]\n";
  }
  out << "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
         "\"Interval_Compressed_Histogram\"\n";
  for (const Interval& i : intervals) {
    // A run without start times (an older file) is put at the base.
    const double start = i.start_s > 0 ? i.start_s - base : 0.0;
    out << "Tag=" << i.tag << ',' << format("%.3f", start) << ','
        << format("%.3f", std::max(0.0, i.length_s)) << ','
        << format("%.3f", static_cast<double>(i.histogram->max_ns) / 1e6) << ','
        << hdr_compressed_base64(*i.histogram) << '\n';
  }
}

}  // namespace apb
